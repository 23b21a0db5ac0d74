package useragent

import (
	"strings"

	"github.com/mssola/useragent"
)

// otherMobileOS are phone and tablet systems with no app store deeplinkd
// links to. Their visitors get the desktop treatment: the web fallback. The
// check runs before Android's because Windows Phone 8.1 claims "Android".
// OpenHarmony (HarmonyOS NEXT, ArkWeb) cannot install Play apps; older
// HarmonyOS sends "Android" and is treated as Android.
var otherMobileOS = []string{
	"windows phone", "iemobile", "windows mobile", "windows ce", "kaios",
	"tizen", "sailfish", "openharmony", "arkweb", "blackberry", "bb10",
	"playbook", "symbian", "series60", "series40", "meego", "maemo", "webos",
	"hpwos",
}

// iosTokens are the other iOS marks: UC Browser's abbreviation and the
// app-style "(iOS; …)" comment.
var iosTokens = []string{"(ios;", "iph os"}

// androidTokens mark Android UAs. "Adr" is UC Browser's abbreviation; Silk
// runs only on Amazon's Fire OS, an Android fork.
var androidTokens = []string{"android", "adr ", "silk/", "silk-accelerated"}

// classify is the uncached classification of one User-Agent.
func classify(ua string) Visitor {
	lower := strings.ToLower(strings.TrimSpace(ua))
	if name, ok := matchBot(lower); ok {
		return Visitor{Platform: Bot, BotName: name}
	}
	parsed := useragent.New(ua)
	if parsed.Bot() {
		// mssola's own rule: a lone non-Mozilla product or a URL in a comment.
		return Visitor{Platform: Bot, BotName: BotOther}
	}
	platform, maybeIPad := detectPlatform(lower, parsed)
	app := matchInApp(lower)
	if platform == Desktop && mobileOnlyApp(app) && strings.Contains(lower, "macintosh") {
		// A phone-only app's browser with a Mac UA is iPadOS in desktop mode.
		platform, maybeIPad = IOS, false
	}
	v := Visitor{Platform: platform, MaybeIPad: maybeIPad}
	switch platform {
	case IOS:
		v.InApp = app
		if app == InAppNone && !strings.Contains(lower, "safari/") && !iosBrowserWithoutSafari(lower) {
			// Every iOS browser says Safari/; an embedded WKWebView does not.
			v.InApp = InAppWebView
		}
	case Android:
		v.InApp = app
		if app == InAppNone && strings.Contains(lower, "; wv)") {
			v.InApp = InAppWebView
		}
	}
	return v
}

// detectPlatform picks the platform of a UA already known not to be a bot.
// Tokens decide the clear cases; mssola's parse settles Safari on a Mac and
// Firefox on an iPad (which says Macintosh but FxiOS).
func detectPlatform(lower string, parsed *useragent.UserAgent) (Platform, bool) {
	if containsAny(lower, otherMobileOS) {
		return Desktop, false
	}
	if isIOSDevice(lower) || containsAny(lower, iosTokens) || isAppleMobile(parsed.Platform()) {
		return IOS, false
	}
	if containsAny(lower, androidTokens) || strings.Contains(parsed.OS(), "Android") {
		return Android, false
	}
	if strings.Contains(lower, "macintosh") && isDesktopSafari(lower, parsed) {
		// iPadOS Safari asks for desktop sites with exactly this UA.
		return Desktop, true
	}
	return Desktop, false
}

// isIOSDevice reports whether an iPhone, iPad or iPod is named at a word
// start, so that Xiaomi's "MiPad" is not an iPad.
func isIOSDevice(lower string) bool {
	return hasToken(lower, "iphone", false) || hasToken(lower, "ipad", false) || hasToken(lower, "ipod", false)
}

// isAppleMobile reports whether mssola's platform names an iOS device.
func isAppleMobile(platform string) bool {
	switch platform {
	case "iPhone", "iPad", "iPod", "iPod touch":
		return true
	}
	return false
}

// isDesktopSafari reports whether a Mac UA is Safari itself: mssola names it
// Safari only when no other browser token (Chrome, Edge, Opera, Firefox)
// follows, and Safari always carries Version/.
func isDesktopSafari(lower string, parsed *useragent.UserAgent) bool {
	name, _ := parsed.Browser()
	return name == "Safari" && strings.Contains(lower, "version/") && strings.Contains(lower, "safari/") &&
		!containsAny(lower, []string{"chrome/", "chromium/", "firefox/", "fxios/", "edg/", "opr/"})
}

// iosBrowserWithoutSafari lists iOS browsers whose UA omits Safari/ although
// they are browsers, not embedded web views.
func iosBrowserWithoutSafari(lower string) bool {
	return containsAny(lower, []string{"ucbrowser", "ucweb", "mqqbrowser", "sogoumobilebrowser", "opera mini"})
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
