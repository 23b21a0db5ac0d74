package attribution

import (
	"strings"
	"testing"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/google/go-cmp/cmp"
)

// apiErr is the part of an *apperr.Error a client sees.
type apiErr struct {
	Code    apperr.Code
	Field   string
	Message string
	// RetryAfter matters for upstream_unavailable.
	RetryAfter time.Duration
}

func asAPIErr(t *testing.T, err error) *apiErr {
	t.Helper()
	if err == nil {
		return nil
	}
	e := apperr.As(err)
	if e == nil {
		t.Fatalf("error %v is not an *apperr.Error", err)
	}
	return &apiErr{Code: e.Code, Field: e.Field, Message: e.Message, RetryAfter: e.RetryAfter}
}

// bad is a Malformed (400) or Invalid (422) error about field.
func bad(status int, field, msg string) *apiErr {
	code := apperr.Invalid
	if status == 400 {
		code = apperr.Malformed
	}
	return &apiErr{Code: code, Field: field, Message: msg}
}

func decodeSignupAny(b []byte) (any, error)   { return decodeSignup(b) }
func decodePurchaseAny(b []byte) (any, error) { return decodePurchase(b) }
func decodeRefundAny(b []byte) (any, error)   { return decodeRefund(b) }

func TestDecodeSignup(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name    string
		body    string
		want    signupPayload
		wantErr *apiErr
	}{
		{name: "full", body: `{"referral_key":"PARTNER_1","customer":{"key":"user_1","email":"a@b.co","name":"Ann","surname":"Lee"}}`,
			want: signupPayload{ReferralKey: "PARTNER_1", Customer: customerPayload{Key: "user_1", Email: "a@b.co", Name: "Ann", Surname: "Lee"}}},
		{name: "unattributed", body: `{"referral_key":"","customer":{"key":"u"}}`, want: signupPayload{Customer: customerPayload{Key: "u"}}},
		{name: "referral key absent", body: `{"customer":{"key":"u"}}`, want: signupPayload{Customer: customerPayload{Key: "u"}}},
		{name: "nulls mean absent", body: `{"referral_key":null,"customer":{"key":"u","email":null}}`, want: signupPayload{Customer: customerPayload{Key: "u"}}},
		{name: "whitespace around", body: " \n{\"customer\":{\"key\":\"u\"}}\n ", want: signupPayload{Customer: customerPayload{Key: "u"}}},
		{name: "referral key of 64 with . - _", body: `{"referral_key":"` + strings.Repeat("a.-_", 16) + `","customer":{"key":"u"}}`,
			want: signupPayload{ReferralKey: strings.Repeat("a.-_", 16), Customer: customerPayload{Key: "u"}}},
		{name: "unicode key of 255 characters", body: `{"customer":{"key":"` + strings.Repeat("é", 255) + `"}}`,
			want: signupPayload{Customer: customerPayload{Key: strings.Repeat("é", 255)}}},

		{name: "empty body", body: ``, wantErr: bad(400, "", "request body is empty")},
		{name: "array body", body: `[]`, wantErr: bad(400, "", "request body must be a JSON object")},
		{name: "null body", body: `null`, wantErr: bad(400, "", "request body must be a JSON object")},
		{name: "malformed", body: `{"customer":{"key":"u"},}`, wantErr: bad(400, "", "malformed JSON at byte 25: invalid character '}' looking for beginning of object key string")},
		{name: "truncated", body: `{"customer":{"key":"u"}`, wantErr: bad(400, "", "malformed JSON: unexpected end of input")},
		{name: "trailing data", body: `{"customer":{"key":"u"}} {}`, wantErr: bad(400, "", "unexpected data after the JSON object")},
		{name: "trailing garbage", body: `{"customer":{"key":"u"}}x`, wantErr: bad(400, "", "unexpected data after the JSON object")},
		{name: "unknown field", body: `{"customer":{"key":"u"},"x":1}`, wantErr: bad(400, "x", `unknown field "x"`)},
		{name: "unknown nested field", body: `{"customer":{"key":"u","phone":"1"}}`, wantErr: bad(400, "customer.phone", `unknown field "phone"`)},
		{name: "field name in another case", body: `{"customer":{"KEY":"u"}}`, wantErr: bad(400, "customer.KEY", `unknown field "KEY"`)},
		{name: "top field in another case", body: `{"Referral_Key":"p","customer":{"key":"u"}}`, wantErr: bad(400, "Referral_Key", `unknown field "Referral_Key"`)},
		{name: "referral key a number", body: `{"referral_key":5,"customer":{"key":"u"}}`, wantErr: bad(400, "referral_key", "referral_key must be a string")},
		{name: "customer a string", body: `{"customer":"u"}`, wantErr: bad(400, "customer", "customer must be a JSON object")},
		{name: "customer key a number", body: `{"customer":{"key":1}}`, wantErr: bad(400, "customer.key", "customer.key must be a string")},
		{name: "email an object", body: `{"customer":{"key":"u","email":{}}}`, wantErr: bad(400, "customer.email", "customer.email must be a string")},
		{name: "customer missing", body: `{"referral_key":"p"}`, wantErr: bad(422, "customer.key", "customer.key is required")},
		{name: "customer null", body: `{"customer":null}`, wantErr: bad(422, "customer.key", "customer.key is required")},
		{name: "customer key missing", body: `{"customer":{"email":"a@b.co"}}`, wantErr: bad(422, "customer.key", "customer.key is required")},
		{name: "customer key empty", body: `{"customer":{"key":""}}`, wantErr: bad(422, "customer.key", "customer.key is required")},
		{name: "customer key too long", body: `{"customer":{"key":"` + long + `"}}`, wantErr: bad(422, "customer.key", "customer.key must be at most 255 characters")},
		{name: "customer key control char", body: `{"customer":{"key":"u\u0000"}}`, wantErr: bad(422, "customer.key", "customer.key must not contain control characters")},
		{name: "customer key newline", body: `{"customer":{"key":"u\n1"}}`, wantErr: bad(422, "customer.key", "customer.key must not contain control characters")},
		{name: "referral key too long", body: `{"referral_key":"` + strings.Repeat("a", 65) + `","customer":{"key":"u"}}`,
			wantErr: bad(422, "referral_key", "referral_key must be 1 to 64 letters, digits, '_', '-' or '.' (or empty for no referrer)")},
		{name: "referral key slash", body: `{"referral_key":"a/b","customer":{"key":"u"}}`,
			wantErr: bad(422, "referral_key", "referral_key must be 1 to 64 letters, digits, '_', '-' or '.' (or empty for no referrer)")},
		{name: "referral key space", body: `{"referral_key":" a","customer":{"key":"u"}}`,
			wantErr: bad(422, "referral_key", "referral_key must be 1 to 64 letters, digits, '_', '-' or '.' (or empty for no referrer)")},
		{name: "email without at", body: `{"customer":{"key":"u","email":"ann"}}`,
			wantErr: bad(422, "customer.email", `customer.email must be an email address such as "ann@example.com"`)},
		{name: "email with display name", body: `{"customer":{"key":"u","email":"Ann <a@b.co>"}}`,
			wantErr: bad(422, "customer.email", `customer.email must be an email address such as "ann@example.com"`)},
		{name: "email too long", body: `{"customer":{"key":"u","email":"` + strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + `.com"}}`,
			wantErr: bad(422, "customer.email", "customer.email must be at most 254 characters")},
		{name: "name too long", body: `{"customer":{"key":"u","name":"` + long + `"}}`, wantErr: bad(422, "customer.name", "customer.name must be at most 255 characters")},
		{name: "surname too long", body: `{"customer":{"key":"u","surname":"` + long + `"}}`, wantErr: bad(422, "customer.surname", "customer.surname must be at most 255 characters")},
		{name: "name with control char", body: `{"customer":{"key":"u","name":"A\u0007"}}`, wantErr: bad(422, "customer.name", "customer.name must not contain control characters")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeSignup([]byte(tt.body))
			if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
				t.Fatalf("decodeSignup(%q) error (-want +got):\n%s", tt.body, diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeSignup(%q) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

func TestDecodePurchase(t *testing.T) {
	long := strings.Repeat("x", 256)
	amountSyntax := `amount must be a decimal number such as "49.99" (digits, an optional point and decimals; no exponent, sign + or spaces)`
	tests := []struct {
		name    string
		body    string
		want    purchasePayload
		wantErr *apiErr
	}{
		{name: "full", body: `{"customer_key":"user_1","key":"txn_1","amount":"49.99","currency":"USD","product_id":"pro","product_type":"plan"}`,
			want: purchasePayload{CustomerKey: "user_1", Key: "txn_1", Amount: "49.99", Currency: "USD", ProductID: "pro", ProductType: "plan"}},
		{name: "string amount canonical", body: `{"customer_key":"u","key":"t","amount":"49.90"}`, want: purchasePayload{CustomerKey: "u", Key: "t", Amount: "49.9"}},
		{name: "number amount", body: `{"customer_key":"u","key":"t","amount":49.90}`, want: purchasePayload{CustomerKey: "u", Key: "t", Amount: "49.9"}},
		{name: "integral amount", body: `{"customer_key":"u","key":"t","amount":"10.0"}`, want: purchasePayload{CustomerKey: "u", Key: "t", Amount: "10"}},
		{name: "amount beyond float precision", body: `{"customer_key":"u","key":"t","amount":123456789012345678.12345678}`,
			want: purchasePayload{CustomerKey: "u", Key: "t", Amount: "123456789012345678.12345678"}},
		{name: "smallest amount", body: `{"customer_key":"u","key":"t","amount":"0.00000001"}`, want: purchasePayload{CustomerKey: "u", Key: "t", Amount: "0.00000001"}},

		{name: "unknown field", body: `{"customer_key":"u","key":"t","amount":"1","price":"1"}`, wantErr: bad(400, "price", `unknown field "price"`)},
		{name: "key a number", body: `{"customer_key":"u","key":7,"amount":"1"}`, wantErr: bad(400, "key", "key must be a string")},
		{name: "currency a number", body: `{"customer_key":"u","key":"t","amount":"1","currency":840}`, wantErr: bad(400, "currency", "currency must be a string")},
		{name: "amount a bool", body: `{"customer_key":"u","key":"t","amount":true}`, wantErr: bad(400, "amount", "amount must be a decimal string or number")},
		{name: "amount an object", body: `{"customer_key":"u","key":"t","amount":{"value":1}}`, wantErr: bad(400, "amount", "amount must be a decimal string or number")},
		{name: "customer key missing", body: `{"key":"t","amount":"1"}`, wantErr: bad(422, "customer_key", "customer_key is required")},
		{name: "key missing", body: `{"customer_key":"u","amount":"1"}`, wantErr: bad(422, "key", "key is required")},
		{name: "amount missing", body: `{"customer_key":"u","key":"t"}`, wantErr: bad(422, "amount", "amount is required")},
		{name: "amount null", body: `{"customer_key":"u","key":"t","amount":null}`, wantErr: bad(422, "amount", "amount is required")},
		{name: "key too long", body: `{"customer_key":"u","key":"` + long + `","amount":"1"}`, wantErr: bad(422, "key", "key must be at most 255 characters")},
		{name: "customer key control char", body: `{"customer_key":"u\t","key":"t","amount":"1"}`, wantErr: bad(422, "customer_key", "customer_key must not contain control characters")},
		{name: "amount zero", body: `{"customer_key":"u","key":"t","amount":"0.00"}`, wantErr: bad(422, "amount", "amount must be greater than 0")},
		{name: "amount negative", body: `{"customer_key":"u","key":"t","amount":-5}`, wantErr: bad(422, "amount", "amount must be greater than 0")},
		{name: "amount exponent number", body: `{"customer_key":"u","key":"t","amount":1e3}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount exponent string", body: `{"customer_key":"u","key":"t","amount":"1e3"}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount NaN", body: `{"customer_key":"u","key":"t","amount":"NaN"}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount leading space", body: `{"customer_key":"u","key":"t","amount":" 1"}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount trailing point", body: `{"customer_key":"u","key":"t","amount":"1."}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount empty string", body: `{"customer_key":"u","key":"t","amount":""}`, wantErr: bad(422, "amount", amountSyntax)},
		{name: "amount too many decimals", body: `{"customer_key":"u","key":"t","amount":"0.123456789"}`, wantErr: bad(422, "amount", "amount has more than 8 decimals")},
		{name: "amount too large", body: `{"customer_key":"u","key":"t","amount":1234567890123456789}`, wantErr: bad(422, "amount", "amount has more than 18 digits before the point")},
		{name: "currency lower case", body: `{"customer_key":"u","key":"t","amount":"1","currency":"usd"}`,
			wantErr: bad(422, "currency", `currency must be a three-letter ISO 4217 code in capitals, such as "USD"`)},
		{name: "currency four letters", body: `{"customer_key":"u","key":"t","amount":"1","currency":"USDT"}`,
			wantErr: bad(422, "currency", `currency must be a three-letter ISO 4217 code in capitals, such as "USD"`)},
		{name: "product id too long", body: `{"customer_key":"u","key":"t","amount":"1","product_id":"` + long + `"}`,
			wantErr: bad(422, "product_id", "product_id must be at most 255 characters")},
		{name: "product type too long", body: `{"customer_key":"u","key":"t","amount":"1","product_type":"` + long + `"}`,
			wantErr: bad(422, "product_type", "product_type must be at most 255 characters")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodePurchase([]byte(tt.body))
			if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
				t.Fatalf("decodePurchase(%q) error (-want +got):\n%s", tt.body, diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodePurchase(%q) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

func TestDecodeRefund(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    refundPayload
		wantErr *apiErr
	}{
		{name: "ok", body: `{"key":"txn_1"}`, want: refundPayload{Key: "txn_1"}},
		{name: "missing key", body: `{}`, wantErr: bad(422, "key", "key is required")},
		{name: "key a number", body: `{"key":1}`, wantErr: bad(400, "key", "key must be a string")},
		{name: "unknown field", body: `{"key":"t","amount":"1"}`, wantErr: bad(400, "amount", `unknown field "amount"`)},
		{name: "trailing data", body: `{"key":"t"}{"key":"u"}`, wantErr: bad(400, "", "unexpected data after the JSON object")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeRefund([]byte(tt.body))
			if diff := cmp.Diff(tt.wantErr, asAPIErr(t, err)); diff != "" {
				t.Fatalf("decodeRefund(%q) error (-want +got):\n%s", tt.body, diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decodeRefund(%q) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

// TestCanonical pins the stored bytes and shows that bodies meaning the
// same thing hash the same, and bodies that differ do not.
func TestCanonical(t *testing.T) {
	tests := []struct {
		name   string
		decode func([]byte) (any, error)
		bodies []string // all the same request
		want   string   // canonical payload
		other  string   // a different request
	}{
		{
			name:   "signup",
			decode: decodeSignupAny,
			bodies: []string{
				`{"referral_key":"P1","customer":{"key":"u1","email":"a@b.co","name":"Ann"}}`,
				`{"customer":{"name":"Ann","email":"a@b.co","key":"u1"},"referral_key":"P1"}`,
				"{\n  \"customer\": {\"key\": \"u1\", \"email\": \"a@b.co\", \"name\": \"Ann\", \"surname\": \"\"},\n  \"referral_key\": \"P1\"\n}",
			},
			want:  `{"referral_key":"P1","customer":{"key":"u1","email":"a@b.co","name":"Ann"}}`,
			other: `{"referral_key":"P2","customer":{"key":"u1","email":"a@b.co","name":"Ann"}}`,
		},
		{
			name:   "unattributed signup",
			decode: decodeSignupAny,
			bodies: []string{`{"customer":{"key":"u1"}}`, `{"referral_key":"","customer":{"key":"u1","email":null}}`},
			want:   `{"referral_key":"","customer":{"key":"u1"}}`,
			other:  `{"customer":{"key":"u1","name":"Ann"}}`,
		},
		{
			name:   "purchase",
			decode: decodePurchaseAny,
			bodies: []string{
				`{"customer_key":"u1","key":"t1","amount":"49.90","currency":"USD"}`,
				`{"amount":49.9,"key":"t1","customer_key":"u1","currency":"USD"}`,
				`{"customer_key":"u1","key":"t1","amount":49.900,"currency":"USD","product_id":""}`,
			},
			want:  `{"customer_key":"u1","key":"t1","amount":"49.9","currency":"USD"}`,
			other: `{"customer_key":"u1","key":"t1","amount":"49.99","currency":"USD"}`,
		},
		{
			name:   "refund",
			decode: decodeRefundAny,
			bodies: []string{`{"key":"t1"}`, ` { "key" : "t1" } `},
			want:   `{"key":"t1"}`,
			other:  `{"key":"t2"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hashes := map[string]bool{}
			for _, body := range tt.bodies {
				p, err := tt.decode([]byte(body))
				if err != nil {
					t.Fatalf("decode(%q) = %v", body, err)
				}
				b, hash, err := canonical(p)
				if err != nil {
					t.Fatal(err)
				}
				if string(b) != tt.want {
					t.Errorf("canonical(decode(%q)) = %s; want %s", body, b, tt.want)
				}
				if len(hash) != 64 {
					t.Errorf("hash %q is not hex sha256", hash)
				}
				hashes[hash] = true
			}
			if len(hashes) != 1 {
				t.Errorf("%d different hashes for the same request; want 1", len(hashes))
			}
			p, err := tt.decode([]byte(tt.other))
			if err != nil {
				t.Fatal(err)
			}
			_, hash, _ := canonical(p)
			if hashes[hash] {
				t.Errorf("decode(%q) hashes like %q; want a different hash", tt.other, tt.bodies[0])
			}
		})
	}
}
