package attribution

import (
	"errors"
	"strings"
)

// Limits of an amount: enough for any real price, small enough that the
// value survives every JSON reader on the way to Partnero.
const (
	maxIntDigits  = 18
	maxFracDigits = 8
)

// decimal is an exact decimal number: no float ever holds an amount, so
// "49.99" reaches Partnero as 49.99 and not 49.990000000000002.
type decimal struct {
	neg bool
	// digits are the significant digits without leading zeros ("" for
	// zero); the value is digits × 10^-scale.
	digits string
	// scale counts the digits after the point, trailing zeros removed.
	scale int
}

// Errors of parseDecimal, worded to follow a field name.
var (
	errDecimalSyntax    = errors.New("must be a decimal number such as \"49.99\" (digits, an optional point and decimals; no exponent, sign + or spaces)")
	errDecimalIntDigits = errors.New("has more than 18 digits before the point")
	errDecimalDecimals  = errors.New("has more than 8 decimals")
)

// parseDecimal reads s in JSON's number grammar without an exponent:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?. The same grammar serves a JSON number and
// a string, so "49.90" and 49.9 are the same amount.
func parseDecimal(s string) (decimal, error) {
	var d decimal
	rest, neg := strings.CutPrefix(s, "-")
	d.neg = neg
	intPart, frac, hasPoint := strings.Cut(rest, ".")
	if !allDigits(intPart) || (len(intPart) > 1 && intPart[0] == '0') {
		return decimal{}, errDecimalSyntax
	}
	if hasPoint && !allDigits(frac) {
		return decimal{}, errDecimalSyntax
	}
	frac = strings.TrimRight(frac, "0")
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > maxIntDigits {
		return decimal{}, errDecimalIntDigits
	}
	if len(frac) > maxFracDigits {
		return decimal{}, errDecimalDecimals
	}
	d.digits = strings.TrimLeft(intPart+frac, "0")
	d.scale = len(frac)
	if d.digits == "" {
		// Zero has one form: no sign, no scale.
		return decimal{}, nil
	}
	return d, nil
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// positive reports whether d > 0.
func (d decimal) positive() bool { return !d.neg && d.digits != "" }

// String is the canonical form: no leading zeros but one before the point,
// no trailing zeros after it, no point without decimals ("49.90" → "49.9",
// "10.0" → "10", "0.50" → "0.5").
func (d decimal) String() string {
	if d.digits == "" {
		return "0"
	}
	digits := d.digits
	if pad := d.scale + 1 - len(digits); pad > 0 {
		digits = strings.Repeat("0", pad) + digits
	}
	cut := len(digits) - d.scale
	s := digits[:cut]
	if d.scale > 0 {
		s += "." + digits[cut:]
	}
	if d.neg {
		s = "-" + s
	}
	return s
}
