package useragent

import "strings"

// Bot names, a bounded set (metric labels use it). BotName is one of these
// whenever Platform is Bot.
const (
	BotFacebook   = "facebook"
	BotTwitter    = "twitter"
	BotSlack      = "slack"
	BotLinkedIn   = "linkedin"
	BotWhatsApp   = "whatsapp"
	BotDiscord    = "discord"
	BotTelegram   = "telegram"
	BotApple      = "apple"
	BotGoogle     = "google"
	BotBing       = "bing"
	BotPinterest  = "pinterest"
	BotBluesky    = "bluesky"
	BotIframely   = "iframely"
	BotSkype      = "skype"
	BotKakao      = "kakao"
	BotReddit     = "reddit"
	BotIMessage   = "imessage"
	BotHTTPClient = "http-client"
	BotOther      = "other"
)

// token pairs a lower-case substring with the name it stands for.
type token struct {
	sub  string
	name string
}

// namedBots are the link-preview fetchers and crawlers we name. The first
// hit wins, so a bot that borrows another's token comes before it: KakaoTalk
// and Naver send facebookexternalhit, TelegramBot says "like TwitterBot".
var namedBots = []token{
	{"kakaotalk-scrap", BotKakao},
	{"telegrambot", BotTelegram},
	{"facebookexternalhit", BotFacebook},
	{"facebot", BotFacebook},
	{"facebookcatalog", BotFacebook},
	{"facebookbot", BotFacebook},
	{"meta-externalagent", BotFacebook},
	{"meta-externalfetcher", BotFacebook},
	{"meta-externalads", BotFacebook},
	{"meta-webindexer", BotFacebook},
	{"twitterbot", BotTwitter},
	{"slackbot", BotSlack},
	{"slack-imgproxy", BotSlack},
	{"linkedinbot", BotLinkedIn},
	{"discordbot", BotDiscord},
	{"applebot", BotApple},
	{"aasa-bot", BotApple},
	{"googlebot", BotGoogle},
	{"adsbot-google", BotGoogle},
	{"mediapartners-google", BotGoogle},
	{"feedfetcher-google", BotGoogle},
	{"apis-google", BotGoogle},
	{"google-read-aloud", BotGoogle},
	{"googleother", BotGoogle},
	{"google-inspectiontool", BotGoogle},
	{"google-site-verification", BotGoogle},
	{"storebot-google", BotGoogle},
	{"google-pagerenderer", BotGoogle},
	{"googleimageproxy", BotGoogle},
	{"google-safety", BotGoogle},
	{"googleproducer", BotGoogle},
	{"google-extended", BotGoogle},
	{"bingbot", BotBing},
	{"bingpreview", BotBing},
	{"adidxbot", BotBing},
	{"msnbot", BotBing},
	{"pinterestbot", BotPinterest},
	{"cardyb", BotBluesky},
	{"iframely", BotIframely},
	{"skypeuripreview", BotSkype},
	{"redditbot", BotReddit},
}

// httpClientPrefixes start the UAs of HTTP libraries and native app stacks.
// None of them renders a page or runs PartneroJS, so they get the preview.
var httpClientPrefixes = []string{
	"curl/", "wget/", "python-requests/", "python-urllib/", "python-httpx/",
	"python/", "aiohttp/", "go-http-client/", "java/", "okhttp/", "dalvik/",
	"apache-httpclient/", "axios/", "node-fetch/", "undici", "got (",
	"httpie/", "php/", "guzzlehttp/", "ruby", "faraday ", "postmanruntime/",
	"insomnia/", "dart/", "libcurl", "powershell/", "winhttp", "lwp::simple",
}

// httpClientInfixes appear after an application's own product token.
var httpClientInfixes = []string{
	"libwww-perl", "python-requests", "python-urllib", "go-http-client",
	"okhttp/", "apache-httpclient", "cfnetwork/", "aiohttp/",
}

// botWords mark automated fetchers whatever they call themselves. Real
// browsers never carry them; the one known device name that does, Cubot, is
// removed before matching.
var botWords = []string{
	"bot", "crawl", "spider", "slurp", "scrap", "archiver", "fetch",
	"headless", "phantomjs", "lighthouse", "checker", "validator",
	"analyzer", "monitor", "imageproxy", "imgproxy", "embedly", "pingdom",
	"uptime",
	// "Preview" alone is also a browser channel (MozillaDeveloperPreview),
	// so only the link-preview phrasings count.
	"uripreview", "urlpreview", "url preview", "linkpreview", "link preview",
	"web preview", "microsoftpreview",
}

// matchBot reports whether lower, a lower-cased User-Agent, is a bot, and
// which one. It runs before any platform detection: many crawlers claim to
// be an iPhone or Android phone as well.
func matchBot(lower string) (string, bool) {
	if lower == "" {
		// Every browser sends a User-Agent; an empty one is a script.
		return BotOther, true
	}
	// The iMessage preview fetcher claims to be both Facebook and Twitter.
	if strings.Contains(lower, "facebookexternalhit") && strings.Contains(lower, "twitterbot") {
		return BotIMessage, true
	}
	// WhatsApp's preview fetcher is the bare product token; WhatsApp
	// Desktop (Electron) carries it after Mozilla/5.0 and is a browser.
	if strings.HasPrefix(lower, "whatsapp") {
		return BotWhatsApp, true
	}
	for _, t := range namedBots {
		if strings.Contains(lower, t.sub) {
			return t.name, true
		}
	}
	for _, p := range httpClientPrefixes {
		if strings.HasPrefix(lower, p) {
			return BotHTTPClient, true
		}
	}
	for _, s := range httpClientInfixes {
		if strings.Contains(lower, s) {
			return BotHTTPClient, true
		}
	}
	words := strings.ReplaceAll(lower, "cubot", "")
	for _, w := range botWords {
		if strings.Contains(words, w) {
			return BotOther, true
		}
	}
	// Crawlers sign with a URL or a contact address; browsers never do.
	if strings.Contains(lower, "http://") || strings.Contains(lower, "https://") ||
		strings.Contains(lower, "www.") || strings.Contains(lower, "@") ||
		hasDomain(lower) {
		return BotOther, true
	}
	// "(compatible; X)" is Internet Explorer's and Konqueror's form; any
	// other X there is a crawler's signature.
	if strings.Contains(lower, "(compatible") && !isRealCompatible(lower) {
		return BotOther, true
	}
	if !browserShaped(lower) {
		return BotOther, true
	}
	return "", false
}

// browserShaped reports whether a UA has the shape of a web browser's: every
// engine since 1995 starts with Mozilla/, Presto Opera with Opera/, and UC
// Browser's own engine says UCWEB. Anything else (native app stacks, HTTP
// libraries, app API clients) never renders the fallback page.
func browserShaped(lower string) bool {
	return strings.Contains(lower, "mozilla/") || strings.HasPrefix(lower, "opera") ||
		strings.Contains(lower, "ucweb") || strings.Contains(lower, "ucbrowser")
}
