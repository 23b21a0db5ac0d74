package useragent

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClassifyBots(t *testing.T) {
	tests := []struct {
		name string
		ua   string
		want string // BotName
	}{
		{"whatsapp", "WhatsApp/2.23.20.0", BotWhatsApp},
		{"whatsapp with platform suffix", "WhatsApp/2.19.81 A", BotWhatsApp},
		{"facebookexternalhit with url", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", BotFacebook},
		{"bare facebookexternalhit", "facebookexternalhit/1.1", BotFacebook},
		{"facebot", "Facebot", BotFacebook},
		{"meta externalagent", "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", BotFacebook},
		{"meta externalfetcher", "meta-externalfetcher/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", BotFacebook},
		{"twitterbot", "Twitterbot/1.0", BotTwitter},
		{"slackbot link expanding", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", BotSlack},
		{"slackbot", "Slackbot 1.0 (+https://api.slack.com/robots)", BotSlack},
		{"slack imgproxy", "Slack-ImgProxy 0.19 (+https://api.slack.com/robots)", BotSlack},
		{"linkedinbot", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", BotLinkedIn},
		{"discordbot", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", BotDiscord},
		{"telegrambot says like twitterbot", "TelegramBot (like TwitterBot)", BotTelegram},
		{"applebot", "Mozilla/5.0 (iPhone; CPU iPhone OS 8_1 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Version/8.0 Mobile/12B410 Safari/600.1.4 (Applebot/0.1;+http://www.apple.com/go/applebot)", BotApple},
		{"aasa bot", "AASA-Bot/1.0.0", BotApple},
		{"googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", BotGoogle},
		{"googlebot smartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.96 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", BotGoogle},
		{"bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", BotBing},
		{"pinterestbot", "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)", BotPinterest},
		{"bluesky cardyb", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app) Chrome/100.0.0.0 Safari/537.36", BotBluesky},
		{"iframely", "Iframely/1.3.1 (+https://iframely.com/docs/about)", BotIframely},
		{"skype uri preview", "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", BotSkype},
		{"kakaotalk scrap borrows facebook token", "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/scrapping-guide", BotKakao},
		{"embedly", "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", BotOther},
		{"redditbot", "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", BotReddit},
		{"imessage preview", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", BotIMessage},
		{"curl", "curl/8.4.0", BotHTTPClient},
		{"wget", "Wget/1.21.4", BotHTTPClient},
		{"python requests", "python-requests/2.31.0", BotHTTPClient},
		{"go http client", "Go-http-client/2.0", BotHTTPClient},
		{"perl behind an app token", "2Bone_LinkChecker/1.0 libwww-perl/6.03", BotHTTPClient},
		{"android dalvik", "Dalvik/2.1.0 (Linux; U; Android 9; Mi MIX 3 5G MIUI/V10.3.2.0.PEMEUVF)", BotHTTPClient},
		{"ios cfnetwork", "Yelp/8.2.1 CFNetwork/705.1 Darwin/14.0.0", BotHTTPClient},
		{"empty", "", BotOther},
		{"blank", "   ", BotOther},
		{"headless chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", BotOther},
		{"crawler keyword", "Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3.170816.012) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.1511.1269 Mobile Safari/537.36; Bytespider", BotOther},
		{"url signature", "Mozilla/5.0 (compatible; Mappy/1.0; +http://mappydata.net/bot/)", BotOther},
		{"compatible signature", "Mozilla/5.0 (compatible; MSIE or Firefox mutant;) Daum 4.1", BotOther},
		{"microsoft link preview", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview) Chrome/W.X.Y.Z Safari/537.36", BotOther},
		{"app api client", "Instagram 5.0.7 Android (17/4.2.2; 240dpi; 480x800; samsung; SM-G350; cs02; hawaii_ss_cs02; de_DE)", BotOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.ua)
			want := Visitor{Platform: Bot, BotName: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("classify(%q) mismatch (-want +got):\n%s", tt.ua, diff)
			}
		})
	}
}

// TestClassifyNotBots guards the bot rules against real browsers that carry a
// bot-like word.
func TestClassifyNotBots(t *testing.T) {
	tests := []struct {
		name string
		ua   string
		want Platform
	}{
		{"cubot phone", "Mozilla/5.0 (Linux; Android 9; CUBOT X19) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.104 Mobile Safari/537.36", Android},
		{"whatsapp desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) WhatsApp/2.2017.6 Chrome/76.0.3809.146 Electron/6.1.9 Safari/537.36", Desktop},
		{"internet explorer with .NET CLR", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0; GTB6; .NET CLR 2.0.50727; .NET CLR 1.1.4322)", Desktop},
		{"firefox developer preview", "Mozilla/5.0 (Windows; U; Windows NT 6.1; en-US; rv:1.9.3a1) Gecko/20100208 MozillaDeveloperPreview/3.7a1 (.NET CLR 3.5.30729)", Desktop},
		{"konqueror", "Mozilla/5.0 (compatible; Konqueror/3.5; Linux) KHTML/3.5.7 (like Gecko) (Debian)", Desktop},
		{"pinterest in-app", "Mozilla/5.0 (Linux; U; Android 4.2.2; en-gb; GT-I9190 Build/JDQ39) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 [Pinterest/Android]", Android},
		{"opera mini", "Opera/9.80 (Android; Opera Mini/6.5.27452/26.1305; U; ja) Presto/2.8.119 Version/10.54", Android},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(tt.ua); got.Platform != tt.want {
				t.Errorf("classify(%q) = %+v; want platform %s", tt.ua, got, tt.want)
			}
		})
	}
}
