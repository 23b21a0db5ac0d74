package useragent

import "strings"

// inAppTokens name the in-app browsers (DEEPLINK-RULES §6.1), as lower-case
// substrings. The first hit wins: Messenger's tokens are a special case of
// Facebook's, and Threads and Instagram share Meta's code base.
var inAppTokens = []token{
	{"fban/messengerforios", InAppMessenger},
	{"fban/orca-android", InAppMessenger},
	{"fb_iab/messenger", InAppMessenger},
	{"fb_iab/orca", InAppMessenger},
	{"instagram", InAppInstagram},
	{"fban/", InAppFacebook},
	{"fb_iab/", InAppFacebook},
	{"fbav/", InAppFacebook},
	{"metaiab facebook", InAppFacebook},
	{"musical_ly", InAppTikTok},
	{"bytedancewebview", InAppTikTok},
	{"trill_", InAppTikTok},
	{"bytelocale/", InAppTikTok},
	{"snapchat/", InAppSnapchat},
	{"linkedinapp", InAppLinkedIn},
	{"twitter for iphone", InAppX},
	{"twitter for ipad", InAppX},
	{"twitterandroid", InAppX},
	{"micromessenger/", InAppWeChat},
	{"kakaotalk", InAppKakaoTalk},
	{"teamsmobile-ios", InAppTeams},
	{"teamsmobile-android", InAppTeams},
	{"gmailapp/", InAppGmail},
	{"gsa/", InAppGoogle},
}

// matchInApp names the in-app browser of lower, a lower-cased UA, or returns
// InAppNone.
func matchInApp(lower string) string {
	// Threads' code name counts only with its version after it: the word
	// alone could be a city in a locale string.
	if hasToken(lower, "barcelona ", true) {
		return InAppThreads
	}
	for _, t := range inAppTokens {
		if strings.Contains(lower, t.sub) {
			return t.name
		}
	}
	switch {
	case hasToken(lower, "line/", true): // not "offline/"
		return InAppLine
	case hasToken(lower, "gmail/", true): // Gmail's iOS viewer
		return InAppGmail
	}
	return InAppNone
}

// mobileOnlyApp reports whether app exists only on phones and tablets. Its
// token in a Macintosh UA means an iPad asking for the desktop site, not a
// Mac (LINE, WeChat and Teams have Mac apps, so they do not count).
func mobileOnlyApp(app string) bool {
	switch app {
	case InAppFacebook, InAppMessenger, InAppInstagram, InAppThreads, InAppTikTok,
		InAppSnapchat, InAppX, InAppGoogle, InAppGmail:
		return true
	}
	return false
}
