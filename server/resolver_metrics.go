package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// linkMetrics count what the resolver answered. Every label is bounded:
// the domain is a configured canonical host, the platform, in-app browser,
// action and bot come from fixed sets; never a key, a path or a user agent.
type linkMetrics struct {
	clicks   *prometheus.CounterVec
	previews *prometheus.CounterVec
}

func newLinkMetrics(reg *prometheus.Registry) *linkMetrics {
	return &linkMetrics{
		clicks: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_clicks_total",
			Help: "Referral link visits answered with a page or a redirect, by domain, platform, in-app browser and action. Bot previews are not clicks.",
		}, []string{"domain", "platform", "in_app", "action"})),
		previews: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "deeplinkd_bot_previews_total",
			Help: "Link previews served to bots and crawlers, by domain and bot.",
		}, []string{"domain", "bot"})),
	}
}

// observe counts one decision: a preview under its bot, anything else as
// a click.
func (m *linkMetrics) observe(site *Site, dec resolve.Decision, v useragent.Visitor) {
	if dec.Action == resolve.ActionPreview {
		m.previews.WithLabelValues(site.Hosts[0], botLabel(v.BotName)).Inc()
		return
	}
	m.clicks.WithLabelValues(site.Hosts[0], string(dec.Platform), inAppLabel(dec.InApp), string(dec.Action)).Inc()
}

// inAppLabel maps an in-app browser to its label: "none" for a plain
// browser, "other" for a name this build does not know, so the label set
// stays the fixed one even if the classifier grows.
func inAppLabel(name string) string {
	switch name {
	case useragent.InAppNone:
		return "none"
	case useragent.InAppFacebook, useragent.InAppMessenger, useragent.InAppInstagram, useragent.InAppThreads,
		useragent.InAppTikTok, useragent.InAppSnapchat, useragent.InAppLinkedIn, useragent.InAppX,
		useragent.InAppLine, useragent.InAppWeChat, useragent.InAppGoogle, useragent.InAppGmail,
		useragent.InAppKakaoTalk, useragent.InAppTeams, useragent.InAppWebView:
		return name
	}
	return "other"
}

// maxBotLabel bounds a bot name used as a label.
const maxBotLabel = 32

// botLabel keeps the classifier's short bot name when it looks like one
// (lower-case letters, digits, "_" and "-") and says "other" otherwise, so
// a classifier bug can never put user-agent text into a label.
func botLabel(name string) string {
	if name == "" || len(name) > maxBotLabel {
		return "other"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return "other"
		}
	}
	return name
}
