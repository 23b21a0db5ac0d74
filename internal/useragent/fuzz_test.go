package useragent

import (
	"strings"
	"testing"
)

// validInApp and validBotName are the bounded label sets; metrics rely on
// nothing outside them ever appearing.
var (
	validInApp = map[string]bool{
		InAppNone: true, InAppFacebook: true, InAppMessenger: true, InAppInstagram: true,
		InAppThreads: true, InAppTikTok: true, InAppSnapchat: true, InAppLinkedIn: true,
		InAppX: true, InAppLine: true, InAppWeChat: true, InAppGoogle: true, InAppGmail: true,
		InAppKakaoTalk: true, InAppTeams: true, InAppWebView: true,
	}
	validBotName = map[string]bool{
		BotFacebook: true, BotTwitter: true, BotSlack: true, BotLinkedIn: true,
		BotWhatsApp: true, BotDiscord: true, BotTelegram: true, BotApple: true,
		BotGoogle: true, BotBing: true, BotPinterest: true, BotBluesky: true,
		BotIframely: true, BotSkype: true, BotKakao: true, BotReddit: true,
		BotIMessage: true, BotHTTPClient: true, BotOther: true,
	}
)

// FuzzClassify checks the invariants every Visitor keeps, whatever the input:
// no panic, a known platform, labels from the bounded sets, and fields that
// only make sense together.
func FuzzClassify(f *testing.F) {
	for _, seed := range []string{
		"", iphoneSafari, androidIG, "Twitterbot/1.0", "curl/8.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"Mozilla/5.0 (", "Mozilla/5.0 ((((;;;)))) [FBAN/", "\x00\xff\t\n", strings.Repeat("Mozilla/5.0 (iPhone) ", 40),
	} {
		f.Add(seed)
	}
	c := New(Options{CacheSize: 64})
	f.Fuzz(func(t *testing.T, ua string) {
		v := c.Classify(ua)
		switch v.Platform {
		case IOS, Android, Desktop, Bot:
		default:
			t.Fatalf("Classify(%q).Platform = %q; want one of ios|android|desktop|bot", ua, v.Platform)
		}
		if !validInApp[v.InApp] {
			t.Errorf("Classify(%q).InApp = %q; not in the bounded set", ua, v.InApp)
		}
		if v.Platform == Bot && !validBotName[v.BotName] {
			t.Errorf("Classify(%q).BotName = %q; not in the bounded set", ua, v.BotName)
		}
		if v.Platform != Bot && v.BotName != "" {
			t.Errorf("Classify(%q) = %+v; BotName set on a non-bot", ua, v)
		}
		if v.InApp != InAppNone && v.Platform != IOS && v.Platform != Android {
			t.Errorf("Classify(%q) = %+v; InApp set off a phone", ua, v)
		}
		if v.MaybeIPad && v.Platform != Desktop {
			t.Errorf("Classify(%q) = %+v; MaybeIPad set off desktop", ua, v)
		}
		if again := c.Classify(ua); again != v {
			t.Errorf("Classify(%q) = %+v then %+v; want stable", ua, v, again)
		}
	})
}
