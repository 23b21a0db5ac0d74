package attribution

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/strictjson"
)

// Value limits of DESIGN.md section 4.
const (
	maxKeyLen   = 255 // customer and transaction keys
	maxTextLen  = 255 // names, product fields
	maxEmailLen = 254 // RFC 5321's path limit
)

var (
	referralKeyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	currencyRE    = regexp.MustCompile(`^[A-Z]{3}$`)
)

// The payload types are the canonical form of each request: what the
// store keeps and hashes, and what the Sender reads back. Field order is
// fixed by the struct, optional fields that are empty are left out, and
// the amount is its canonical decimal string, so two requests that mean
// the same thing are the same bytes.
type (
	signupPayload struct {
		ReferralKey string          `json:"referral_key"`
		Customer    customerPayload `json:"customer"`
	}
	customerPayload struct {
		Key     string `json:"key"`
		Email   string `json:"email,omitempty"`
		Name    string `json:"name,omitempty"`
		Surname string `json:"surname,omitempty"`
	}
	purchasePayload struct {
		CustomerKey string `json:"customer_key"`
		Key         string `json:"key"`
		Amount      string `json:"amount"`
		Currency    string `json:"currency,omitempty"`
		ProductID   string `json:"product_id,omitempty"`
		ProductType string `json:"product_type,omitempty"`
	}
	refundPayload struct {
		Key string `json:"key"`
	}
)

// decodeSignup reads and checks a POST /signups body.
func decodeSignup(body []byte) (signupPayload, error) {
	var in struct {
		ReferralKey string          `json:"referral_key"`
		Customer    json.RawMessage `json:"customer"`
	}
	if err := strictjson.Decode(body, "", &in, "referral_key", "customer"); err != nil {
		return signupPayload{}, err
	}
	out := signupPayload{ReferralKey: in.ReferralKey}
	if out.ReferralKey != "" && !referralKeyRE.MatchString(out.ReferralKey) {
		return signupPayload{}, apperr.Field(apperr.Invalid, "referral_key",
			"referral_key must be 1 to 64 letters, digits, '_', '-' or '.' (or empty for no referrer)")
	}
	if strictjson.IsNull(in.Customer) {
		return signupPayload{}, apperr.Field(apperr.Invalid, "customer.key", "customer.key is required")
	}
	if err := strictjson.Decode(in.Customer, "customer", &out.Customer, "key", "email", "name", "surname"); err != nil {
		return signupPayload{}, err
	}
	c := out.Customer
	if err := checkKey("customer.key", c.Key); err != nil {
		return signupPayload{}, err
	}
	if err := checkEmail("customer.email", c.Email); err != nil {
		return signupPayload{}, err
	}
	for _, f := range []struct{ name, v string }{{"customer.name", c.Name}, {"customer.surname", c.Surname}} {
		if err := checkText(f.name, f.v); err != nil {
			return signupPayload{}, err
		}
	}
	return out, nil
}

// decodePurchase reads and checks a POST /purchases body.
func decodePurchase(body []byte) (purchasePayload, error) {
	var in struct {
		CustomerKey string          `json:"customer_key"`
		Key         string          `json:"key"`
		Amount      json.RawMessage `json:"amount"`
		Currency    string          `json:"currency"`
		ProductID   string          `json:"product_id"`
		ProductType string          `json:"product_type"`
	}
	if err := strictjson.Decode(body, "", &in,
		"customer_key", "key", "amount", "currency", "product_id", "product_type"); err != nil {
		return purchasePayload{}, err
	}
	out := purchasePayload{CustomerKey: in.CustomerKey, Key: in.Key, Currency: in.Currency,
		ProductID: in.ProductID, ProductType: in.ProductType}
	if err := checkKey("customer_key", out.CustomerKey); err != nil {
		return purchasePayload{}, err
	}
	if err := checkKey("key", out.Key); err != nil {
		return purchasePayload{}, err
	}
	amount, err := decodeAmount("amount", in.Amount)
	if err != nil {
		return purchasePayload{}, err
	}
	if !amount.positive() {
		return purchasePayload{}, apperr.Field(apperr.Invalid, "amount", "amount must be greater than 0")
	}
	out.Amount = amount.String()
	if out.Currency != "" && !currencyRE.MatchString(out.Currency) {
		return purchasePayload{}, apperr.Field(apperr.Invalid, "currency",
			"currency must be a three-letter ISO 4217 code in capitals, such as \"USD\"")
	}
	for _, f := range []struct{ name, v string }{{"product_id", out.ProductID}, {"product_type", out.ProductType}} {
		if err := checkText(f.name, f.v); err != nil {
			return purchasePayload{}, err
		}
	}
	return out, nil
}

// decodeRefund reads and checks a POST /refunds body.
func decodeRefund(body []byte) (refundPayload, error) {
	var out refundPayload
	if err := strictjson.Decode(body, "", &out, "key"); err != nil {
		return refundPayload{}, err
	}
	if err := checkKey("key", out.Key); err != nil {
		return refundPayload{}, err
	}
	return out, nil
}

// decodeAmount reads an amount given as a JSON string or number. A JSON
// number is taken from its source text, never through a float.
func decodeAmount(field string, raw json.RawMessage) (decimal, error) {
	if strictjson.IsNull(raw) {
		return decimal{}, apperr.Field(apperr.Invalid, field, "%s is required", field)
	}
	v := bytes.TrimSpace(raw)
	var text string
	switch c := v[0]; {
	case c == '"':
		if err := json.Unmarshal(v, &text); err != nil {
			return decimal{}, apperr.Field(apperr.Malformed, field, "%s must be a decimal string or number", field)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		text = string(v)
	default:
		return decimal{}, apperr.Field(apperr.Malformed, field, "%s must be a decimal string or number", field)
	}
	d, err := parseDecimal(text)
	if err != nil {
		return decimal{}, apperr.Field(apperr.Invalid, field, "%s %v", field, err)
	}
	return d, nil
}

// checkKey checks a required key: 1 to 255 characters, no control
// characters (they would corrupt logs and Partnero's dashboard).
func checkKey(field, v string) error {
	if v == "" {
		return apperr.Field(apperr.Invalid, field, "%s is required", field)
	}
	if utf8.RuneCountInString(v) > maxKeyLen {
		return apperr.Field(apperr.Invalid, field, "%s must be at most %d characters", field, maxKeyLen)
	}
	return checkControl(field, v)
}

// checkText checks an optional free-text field.
func checkText(field, v string) error {
	if utf8.RuneCountInString(v) > maxTextLen {
		return apperr.Field(apperr.Invalid, field, "%s must be at most %d characters", field, maxTextLen)
	}
	return checkControl(field, v)
}

func checkControl(field, v string) error {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return apperr.Field(apperr.Invalid, field, "%s must not contain control characters", field)
	}
	return nil
}

// checkEmail checks an optional bare address: net/mail's grammar, and
// nothing but the address (no display name or angle brackets).
func checkEmail(field, v string) error {
	if v == "" {
		return nil
	}
	if len(v) > maxEmailLen {
		return apperr.Field(apperr.Invalid, field, "%s must be at most %d characters", field, maxEmailLen)
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return apperr.Field(apperr.Invalid, field, "%s must be an email address such as \"ann@example.com\"", field)
	}
	return nil
}

// canonical returns the payload's canonical JSON and its hex sha256, the
// BodyHash that makes a repeated request recognisable.
func canonical(v any) ([]byte, string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, "", fmt.Errorf("encode canonical body: %w", err)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}
