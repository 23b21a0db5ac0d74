// Package useragent tells who is asking from the User-Agent header: a phone
// (iOS or Android), a desktop, or a link-preview bot, and which in-app
// browser, if any. It knows nothing of HTTP frameworks.
//
// Bots are decided first, from our own token tables, because many crawlers
// also claim to be an iPhone or an Android phone; mssola/useragent then
// parses what is left. Decisions a reader might not expect:
//
//   - An empty UA is Bot ("other"): every browser sends one.
//   - HTTP libraries (curl, wget, python-requests, Go-http-client, …) and
//     native app stacks (Dalvik, okhttp, CFNetwork) are Bot ("http-client"):
//     they never run PartneroJS, and an app fetching a link with its own
//     stack is unfurling it. Any other UA without a browser's shape
//     (Mozilla/…, Opera/…, UC Browser) is Bot ("other") too.
//   - Windows Phone, KaiOS, Tizen, BlackBerry, Symbian, webOS and
//     OpenHarmony (HarmonyOS NEXT) are Desktop: deeplinkd has no app store
//     link for them, so they get the web fallback. HarmonyOS before NEXT
//     says "Android" and runs Android apps, so it is Android; so is Amazon's
//     Silk (Fire OS).
//   - Safari with a Macintosh UA is Desktop with MaybeIPad (see Visitor). A
//     phone-only app's in-app token (Facebook, Instagram, TikTok, …) in a
//     Macintosh UA is an iPad in desktop mode, so it is IOS.
package useragent

// Platform is the coarse class of a visitor.
type Platform string

// Platforms. Bot covers link-preview fetchers and crawlers.
const (
	IOS     Platform = "ios"
	Android Platform = "android"
	Desktop Platform = "desktop"
	Bot     Platform = "bot"
)

// In-app browsers, a bounded set (metric labels use it). Empty means none.
const (
	InAppNone      = ""
	InAppFacebook  = "facebook"
	InAppMessenger = "messenger"
	InAppInstagram = "instagram"
	InAppThreads   = "threads"
	InAppTikTok    = "tiktok"
	InAppSnapchat  = "snapchat"
	InAppLinkedIn  = "linkedin"
	InAppX         = "x"
	InAppLine      = "line"
	InAppWeChat    = "wechat"
	InAppGoogle    = "google"
	InAppGmail     = "gmail"
	InAppKakaoTalk = "kakaotalk"
	InAppTeams     = "teams"
	// InAppWebView is an unnamed embedded web view (Android "; wv)", an
	// iOS UA without "Safari/").
	InAppWebView = "webview"
)

// Visitor is the classification of one User-Agent string.
type Visitor struct {
	Platform Platform
	// InApp names the in-app browser, one of the InApp* constants. It is
	// empty unless Platform is IOS or Android.
	InApp string
	// MaybeIPad is set for Safari with a Macintosh UA: iPadOS asks for
	// desktop sites with exactly that UA, so only the page's script can
	// tell an iPad from a Mac.
	MaybeIPad bool
	// BotName is a short bounded name for a known bot ("facebook",
	// "twitter", "slack", ...), or "other": one of the Bot* constants when
	// Platform is Bot, empty otherwise.
	BotName string
}
