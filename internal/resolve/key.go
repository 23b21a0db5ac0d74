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
