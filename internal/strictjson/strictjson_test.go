package strictjson

import (
	"testing"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

func TestDecode(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type body struct {
		Name  string `json:"name"`
		OK    bool   `json:"ok"`
		Inner inner  `json:"inner"`
	}
	tests := []struct {
		name      string
		raw       string
		wantField string
		wantMsg   string
	}{
		{"fine", `{"name":"a","ok":true,"inner":{"n":1}}`, "", ""},
		{"empty", ``, "", "request body is empty"},
		{"array", `[]`, "", "request body must be a JSON object"},
		{"unknown field", `{"nope":1}`, "nope", `unknown field "nope"`},
		{"field in another case", `{"NAME":"a"}`, "NAME", `unknown field "NAME"`},
		{"wrong type", `{"name":1}`, "name", "name must be a string"},
		{"wrong nested type", `{"inner":{"n":"x"}}`, "inner.n", "inner.n must be a number"},
		{"trailing data", `{} {}`, "", "unexpected data after the JSON object"},
		{"cut short", `{"name":`, "", "malformed JSON: unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b body
			err := Decode([]byte(tt.raw), "", &b, "name", "ok", "inner")
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Decode(%q) = %v; want nil", tt.raw, err)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Malformed || e.Field != tt.wantField || e.Message != tt.wantMsg {
				t.Errorf("Decode(%q) = %#v; want Malformed, field %q, %q", tt.raw, e, tt.wantField, tt.wantMsg)
			}
		})
	}
}

func TestIsNull(t *testing.T) {
	for raw, want := range map[string]bool{"": true, " null ": true, "{}": false, `""`: false} {
		if got := IsNull([]byte(raw)); got != want {
			t.Errorf("IsNull(%q) = %v; want %v", raw, got, want)
		}
	}
}
