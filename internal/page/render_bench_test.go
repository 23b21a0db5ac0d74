package page

import (
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/resolve"
	"github.com/deeplinkd/deeplinkd/internal/useragent"
)

// BenchmarkRender renders one page of each presentation as the server
// does for a request: the model, then html/template into a pooled buffer.
func BenchmarkRender(b *testing.B) {
	set := newSet(b)
	site := newSite(b, alpha())
	tests := []struct {
		name     string
		platform useragent.Platform
		action   resolve.Action
	}{
		{"ios", useragent.IOS, resolve.ActionPage},
		{"android", useragent.Android, resolve.ActionPage},
		{"desktop", useragent.Desktop, resolve.ActionPage},
		{"preview", useragent.Bot, resolve.ActionPreview},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			dec := resolve.Decision{Action: tt.action, Platform: tt.platform, Key: "K1", Route: "/", Links: alphaLinks}
			b.ReportAllocs()
			for b.Loop() {
				buf, err := set.Render(site.Data(dec, testNonce))
				if err != nil {
					b.Fatal(err)
				}
				set.Release(buf)
			}
		})
	}
}
