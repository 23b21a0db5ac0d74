package resolve

// MaxKeyLen is the longest referral key accepted.
const MaxKeyLen = 64

// ValidKey reports whether s is a referral key: 1 to 64 characters of
// A-Z a-z 0-9 _ - and dot. The dot segments "." and ".." are refused
// although their characters are allowed: as a path segment (/..) every URL
// resolver removes them, so such a key could never round-trip a link.
func ValidKey(s string) bool {
	if len(s) == 0 || len(s) > MaxKeyLen || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return true
}

// ClickParam is the query parameter that carries a click id (DESIGN.md
// section 8) in the links deeplinkd builds for the app. It is never
// carried over from a request into a route: only the server makes one.
const ClickParam = "dl_click"

// ValidClickID reports whether s can be a click id: 16 to 64 characters
// of A-Z a-z 0-9 _ and -, safe in any URL. The server's own ids are 26
// lower-case base32 characters.
func ValidClickID(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
