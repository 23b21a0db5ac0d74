package attribution

import (
	"errors"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in       string
		want     string // canonical form; "" when an error is expected
		positive bool
		err      error
	}{
		{in: "49.99", want: "49.99", positive: true},
		{in: "49.90", want: "49.9", positive: true},
		{in: "10.0", want: "10", positive: true},
		{in: "10", want: "10", positive: true},
		{in: "100", want: "100", positive: true},
		{in: "0.5", want: "0.5", positive: true},
		{in: "0.50", want: "0.5", positive: true},
		{in: "0.05", want: "0.05", positive: true},
		{in: "0.00000001", want: "0.00000001", positive: true},
		{in: "1.100000000", want: "1.1", positive: true}, // trailing zeros do not count as decimals
		{in: "999999999999999999", want: "999999999999999999", positive: true},
		{in: "999999999999999999.99999999", want: "999999999999999999.99999999", positive: true},
		{in: "0", want: "0"},
		{in: "0.000", want: "0"},
		{in: "-0", want: "0"},
		{in: "-5.50", want: "-5.5"},
		{in: "1000000000000000000", err: errDecimalIntDigits},
		{in: "0.000000001", err: errDecimalDecimals},
		{in: "1e3", err: errDecimalSyntax},
		{in: "1E3", err: errDecimalSyntax},
		{in: "1.5e2", err: errDecimalSyntax},
		{in: "NaN", err: errDecimalSyntax},
		{in: "Infinity", err: errDecimalSyntax},
		{in: " 1", err: errDecimalSyntax},
		{in: "1 ", err: errDecimalSyntax},
		{in: "1.", err: errDecimalSyntax},
		{in: ".5", err: errDecimalSyntax},
		{in: "+1", err: errDecimalSyntax},
		{in: "01", err: errDecimalSyntax},
		{in: "1,5", err: errDecimalSyntax},
		{in: "1.2.3", err: errDecimalSyntax},
		{in: "--1", err: errDecimalSyntax},
		{in: "-", err: errDecimalSyntax},
		{in: "", err: errDecimalSyntax},
		{in: "0x10", err: errDecimalSyntax},
		{in: "١", err: errDecimalSyntax}, // a non-ASCII digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := parseDecimal(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("parseDecimal(%q) = %v, %v; want error %v", tt.in, d, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseDecimal(%q) = %v", tt.in, err)
			}
			if got := d.String(); got != tt.want {
				t.Errorf("parseDecimal(%q).String() = %q; want %q", tt.in, got, tt.want)
			}
			if got := d.positive(); got != tt.positive {
				t.Errorf("parseDecimal(%q).positive() = %v; want %v", tt.in, got, tt.positive)
			}
			// The canonical form is a fixed point.
			again, err := parseDecimal(d.String())
			if err != nil || again != d {
				t.Errorf("parseDecimal(%q) = %#v, %v; want %#v", d.String(), again, err, d)
			}
		})
	}
}
