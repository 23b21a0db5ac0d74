package resolve

import (
	"strings"
	"testing"
)

func TestValidKey(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"letters and digits", "ABC123xyz", true},
		{"all allowed punctuation", "a_b-c.d", true},
		{"one char", "a", true},
		{"64 chars", strings.Repeat("k", 64), true},
		{"three dots", "...", true},
		{"empty", "", false},
		{"65 chars", strings.Repeat("k", 65), false},
		{"dot segment", ".", false},
		{"dot-dot segment", "..", false},
		{"script tag", "<script>", false},
		{"space", "a b", false},
		{"slash", "a/b", false},
		{"backslash", `a\b`, false},
		{"percent escape left in", "a%20b", false},
		{"unicode", "ключ", false},
		{"accented latin", "café", false},
		{"NUL", "a\x00b", false},
		{"plus", "a+b", false},
		{"colon", "javascript:x", false},
		{"20 KB", strings.Repeat("a", 20<<10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidKey(tt.in); got != tt.want {
				t.Errorf("ValidKey(%q) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}
