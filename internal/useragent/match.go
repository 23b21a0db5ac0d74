package useragent

import "strings"

// Hand-written matchers for the few patterns that need word boundaries.
// Unanchored regexps with \b backtrack over every position of a UA and cost
// more than the rest of classification together.

// hasToken reports whether s holds tok starting at a word boundary and, if
// digitAfter, immediately followed by a digit ("line/7" but not "offline/").
func hasToken(s, tok string, digitAfter bool) bool {
	for i := 0; i <= len(s); {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(tok)
		if (j == 0 || !isWordByte(s[j-1])) && (!digitAfter || (end < len(s) && isDigit(s[end]))) {
			return true
		}
		i = j + 1
	}
	return false
}

// hasDomain reports whether s names a host such as example.com: a label
// character, then one of the common TLDs, then the end of the word. ".NET
// CLR" in Internet Explorer UAs has a space before the dot and never matches.
func hasDomain(s string) bool {
	for _, tld := range []string{".com", ".org", ".net", ".io"} {
		for i := 0; i < len(s); {
			j := strings.Index(s[i:], tld)
			if j < 0 {
				break
			}
			j += i
			end := j + len(tld)
			if j > 0 && (isWordByte(s[j-1]) || s[j-1] == '-') && (end == len(s) || !isWordByte(s[end])) {
				return true
			}
			i = j + 1
		}
	}
	return false
}

// isRealCompatible reports whether a "(compatible; …)" UA is a browser that
// uses the form: Internet Explorer ("msie 8") or Konqueror.
func isRealCompatible(lower string) bool {
	return hasToken(lower, "msie ", true) || strings.Contains(lower, "konqueror") ||
		strings.Contains(lower, "iemobile")
}

func isWordByte(b byte) bool {
	return b == '_' || isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
