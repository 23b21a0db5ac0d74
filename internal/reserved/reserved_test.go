package reserved

import (
	"slices"
	"testing"
)

func TestPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/.well-known/apple-app-site-association", true},
		{"/.well-known/assetlinks.json", true},
		{"/apple-app-site-association", true},
		{"/api/v1/signups", true},
		{"/api", true},
		{"/static/app.css", true},
		{"/robots.txt", true},
		{"/robots.txt/x", true},
		{"/favicon.ico", true},
		{"/%2Ewell-known/assetlinks.json", true},
		{"/%2ewell-known", true},
		{"/", false},
		{"", false},
		{"/ABC123", false},
		{"/apix", false},
		{"/statics/x", false},
		{"/promo/api/x", false},
		{"/API/x", false},
		{"/%zz/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := Path(tt.path); got != tt.want {
				t.Errorf("Path(%q) = %v; want %v", tt.path, got, tt.want)
			}
		})
	}
}

// TestPathsIsACopy: a caller cannot change the list through what Paths
// returns.
func TestPathsIsACopy(t *testing.T) {
	before := slices.Clone(Paths())
	p := Paths()
	p[0] = "/mine/"
	if !slices.Equal(before, Paths()) || Segment("mine") {
		t.Errorf("Paths() after an append = %v; want %v", Paths(), before)
	}
	for _, path := range Paths() {
		if !Path(path) {
			t.Errorf("Path(%q) = false for a listed path", path)
		}
	}
}
