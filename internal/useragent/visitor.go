// Package useragent tells who is asking from the User-Agent header: a phone
// (iOS or Android), a desktop, or a link-preview bot, and which in-app
// browser, if any. It knows nothing of HTTP frameworks.
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
	// InApp names the in-app browser, one of the InApp* constants.
	InApp string
	// MaybeIPad is set for Safari with a Macintosh UA: iPadOS asks for
	// desktop sites with exactly that UA, so only the page's script can
	// tell an iPad from a Mac.
	MaybeIPad bool
	// BotName is a short bounded name for a known bot ("facebook",
	// "twitter", "slack", ...), or "other".
	BotName string
}
