package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandler(t *testing.T) {
	h, err := newHandler("https://example.com/signup")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target, want string
	}{
		{"key", "/?ref=ABC123", "https://example.com/signup?ref=ABC123"},
		{"key escaped", "/?ref=a%26b", "https://example.com/signup?ref=a%26b"},
		{"no key", "/promo", "https://example.com/signup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if rec.Code != http.StatusFound || rec.Header().Get("Location") != tt.want {
				t.Errorf("GET %s = %d %q; want 302 %q", tt.target, rec.Code, rec.Header().Get("Location"), tt.want)
			}
		})
	}
	for _, bad := range []string{"", "/signup", "example.com"} {
		if _, err := newHandler(bad); err == nil {
			t.Errorf("newHandler(%q) = nil error; want one", bad)
		}
	}
}
