package useragent

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The UAs below are as published in public UA fixtures and reports (in-app
// detectors, UA parsers' tests), or follow their exact shape.
const (
	iosPrefix     = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
	androidPrefix = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240905.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.58 Mobile Safari/537.36 "
)

func TestClassifyInApp(t *testing.T) {
	ios := func(app string) Visitor { return Visitor{Platform: IOS, InApp: app} }
	android := func(app string) Visitor { return Visitor{Platform: Android, InApp: app} }
	tests := []struct {
		name string
		ua   string
		want Visitor
	}{
		{"facebook ios", iosPrefix + "[FBAN/FBIOS;FBAV/488.0.0.68.101;FBBV/658219612;FBDV/iPhone12,8;FBMD/iPhone;FBSN/iOS;FBSV/18.1;FBSS/2;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0;IABMV/1]", ios(InAppFacebook)},
		{"facebook ios metaiab", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/22G100 Safari/604.1 MetaIAB Facebook", ios(InAppFacebook)},
		{"facebook android", androidPrefix + "[FB_IAB/FB4A;FBAV/488.0.0.62.79;IABMV/1;]", android(InAppFacebook)},
		{"facebook on ipad desktop mode", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/488.0.0.68.101;FBDV/iPad13,1;FBMD/iPad;FBSN/iPadOS;FBSV/18.1;FBID/tablet]", ios(InAppFacebook)},
		{"messenger ios", iosPrefix + "[FBAN/MessengerForiOS;FBAV/117.0.0.36.70;FBBV/57539258;FBDV/iPhone7,2;FBMD/iPhone;FBSN/iOS;FBSV/10.2.1;FBSS/2;FBID/phone;FBLC/zh_TW;FBOP/5;FBRV/0]", ios(InAppMessenger)},
		{"messenger android iab", androidPrefix + "[FB_IAB/MESSENGER;FBAV/118.0.0.19.82;]", android(InAppMessenger)},
		{"messenger android orca", androidPrefix + "[FBAN/Orca-Android;FBAV/320.0.0.12.108;]", android(InAppMessenger)},
		{"instagram ios", iosPrefix + "Instagram 354.0.0.29.90 (iPhone12,8; iOS 18_1; en_US; en; scale=2.00; 750x1334; 654111336; IABMV/1)", ios(InAppInstagram)},
		{"instagram android", androidPrefix + "Instagram 355.1.0.44.103 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 658190016)", android(InAppInstagram)},
		{"threads ios", iosPrefix + "Barcelona 289.0.0.77.109 (iPhone15,3; iOS 17_1_1; en_US; en; scale=3.00; 1290x2796; 538960939)", ios(InAppThreads)},
		{"threads android", androidPrefix + "Barcelona 355.0.0.39.109 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 657318936)", android(InAppThreads)},
		{"tiktok ios", iosPrefix + "BytedanceWebview/d8a21c6 musical_ly_33.2.1 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US", ios(InAppTikTok)},
		{"tiktok android", androidPrefix + "musical_ly_2023303040 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.3.4 ByteLocale/en ByteFullLocale/en Region/US", android(InAppTikTok)},
		{"tiktok lite android", androidPrefix + "trill_330304 AppName/ultralite app_version/33.3.4 ByteLocale/en", android(InAppTikTok)},
		{"snapchat ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Snapchat/12.72.0.39 (like Safari/8617.2.4.10.8, panda)", ios(InAppSnapchat)},
		{"snapchat android", androidPrefix + "Snapchat/12.56.0.55 (SM-S911B; Android 13#S911BXXU2AWI2#33; gzip; )", android(InAppSnapchat)},
		{"linkedin ios", iosPrefix + "[LinkedInApp]/9.30.1753", ios(InAppLinkedIn)},
		{"linkedin android", androidPrefix + "[LinkedInApp]/4.1.881", android(InAppLinkedIn)},
		{"x ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.3.12 (KHTML, like Gecko) Mobile/14D27 Twitter for iPhone", ios(InAppX)},
		{"x android", androidPrefix + "TwitterAndroid", android(InAppX)},
		{"google app ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/334.0.674067880 Mobile/15E148 Safari/604.1", ios(InAppGoogle)},
		{"google app android", androidPrefix + "GSA/15.0.33.29.arm64", android(InAppGoogle)},
		{"gmail ios app token", iosPrefix + "GmailApp/6.0", ios(InAppGmail)},
		{"gmail ios viewer", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Gmail/6.0.240609", ios(InAppGmail)},
		{"line ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.4.6 (KHTML, like Gecko) Mobile/14D27 Safari Line/7.3.2", ios(InAppLine)},
		{"line android", androidPrefix + "Line/7.4.0/IAB", android(InAppLine)},
		{"wechat ios", iosPrefix + "MicroMessenger/6.5.8 NetType/WIFI Language/zh_CN", ios(InAppWeChat)},
		{"wechat android", androidPrefix + "MicroMessenger/6.5.7.1041 NetType/WIFI Language/zh_TW", android(InAppWeChat)},
		{"kakaotalk ios", iosPrefix + "KAKAOTALK 10.4.3", ios(InAppKakaoTalk)},
		{"kakaotalk android", androidPrefix + "KAKAOTALK/10.4.5 (INAPP)", android(InAppKakaoTalk)},
		{"teams ios", iosPrefix + "TeamsMobile-iOS", ios(InAppTeams)},
		{"teams android", androidPrefix + "TeamsMobile-Android", android(InAppTeams)},
		{"unnamed android webview", "Mozilla/5.0 (Linux; Android 7.1.2; Nexus 5X Build/N2G47W; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/58.0.3029.83 Mobile Safari/537.36", android(InAppWebView)},
		{"unnamed ios webview", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", ios(InAppWebView)},
		{"ios safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", ios(InAppNone)},
		{"ios chrome", "Mozilla/5.0 (iPhone; CPU iPhone OS 10_2_1 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) CriOS/58.0.3029.113 Mobile/14D27 Safari/602.1", ios(InAppNone)},
		{"ios uc browser without safari token", "Mozilla/5.0 (iPhone; CPU iPhone OS 7_0_2 like Mac OS X; xx) AppleWebKit/537.51.1 (KHTML, like Gecko) Mobile/11A501 UCBrowser/9.3.2.356 Mobile", ios(InAppNone)},
		{"android chrome", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36", android(InAppNone)},
		{"pinterest in-app is not pinterestbot", "Mozilla/5.0 (iPhone; CPU iPhone OS 9_1 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Mobile/13B143 [Pinterest/iOS]", ios(InAppWebView)},
		{"desktop ignores in-app tokens of desktop apps", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) MicroMessenger/6.8.0 MacWechat/3.8.7", Visitor{Platform: Desktop}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.ua)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("classify(%q) mismatch (-want +got):\n%s", tt.ua, diff)
			}
		})
	}
}
