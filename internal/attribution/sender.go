package attribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/outbox"
	"github.com/deeplinkd/deeplinkd/internal/partnero"
	"github.com/deeplinkd/deeplinkd/internal/store"
)

// Program is what the Sender and the Reader need of a configured program.
type Program struct {
	// Type decides how a sign-up names its referrer.
	Type partnero.ProgramType
	// APIKey returns the program's Partnero API key, "" while unset. It is
	// a func so that a config reload that sets the key takes effect for
	// events already queued.
	APIKey func() string
}

// key returns the program's API key, "" when it has none.
func (p Program) key() string {
	if p.APIKey == nil {
		return ""
	}
	return p.APIKey()
}

// Sender delivers stored events to Partnero; it is the outbox's Sender.
type Sender struct {
	client   *partnero.Client
	programs func(name string) (Program, bool)
}

var _ outbox.Sender = (*Sender)(nil)

// NewSender returns a Sender that calls Partnero through client, with the
// API key of each event's program as programs reports it at send time.
func NewSender(client *partnero.Client, programs func(name string) (Program, bool)) *Sender {
	return &Sender{client: client, programs: programs}
}

// Send makes the Partnero call for e and says what became of it. A
// Reason never holds the API key.
func (s *Sender) Send(ctx context.Context, e *store.Event) outbox.Result {
	prog, ok := s.programs(e.Program)
	if !ok {
		// The program left the config; the event waits in case it comes
		// back rather than being thrown away.
		return outbox.Result{Outcome: outbox.Retry,
			Reason: fmt.Sprintf("program %q is not in the config (add it under programs to deliver this event)", e.Program)}
	}
	apiKey := prog.key()
	if apiKey == "" {
		return outbox.Result{Outcome: outbox.Retry,
			Reason: fmt.Sprintf("no Partnero API key for program %q yet (set the variable named by programs.%s.api_key_env)", e.Program, e.Program)}
	}
	err := s.call(ctx, prog.Type, apiKey, e)
	res := result(e.Type, err)
	// The client never puts the key in an error; this guards the outbox's
	// last_error, which the API shows, against any future path that might.
	res.Reason = strings.ReplaceAll(res.Reason, apiKey, "<secret>")
	return res
}

// call decodes e's payload and makes its Partnero request.
func (s *Sender) call(ctx context.Context, typ partnero.ProgramType, apiKey string, e *store.Event) error {
	switch e.Type {
	case store.TypeSignup:
		var p signupPayload
		if err := unmarshalPayload(e, &p); err != nil {
			return err
		}
		if p.Customer.Key == "" {
			return missingKey(e)
		}
		c := partnero.Customer{Key: p.Customer.Key, Email: p.Customer.Email, Name: p.Customer.Name, Surname: p.Customer.Surname}
		c.AttributeTo(typ, p.ReferralKey)
		return s.client.CreateCustomer(ctx, apiKey, c)
	case store.TypePurchase:
		var p purchasePayload
		if err := unmarshalPayload(e, &p); err != nil {
			return err
		}
		if p.Key == "" || p.CustomerKey == "" {
			return missingKey(e)
		}
		amount, err := parseDecimal(p.Amount)
		if err != nil || !amount.positive() {
			return &payloadError{fmt.Sprintf("stored %s event %s has an unusable amount", e.Type, e.ID)}
		}
		// Currency stays in our payload only: API.md does not confirm that
		// Partnero accepts it on a transaction.
		return s.client.CreateTransaction(ctx, apiKey, partnero.Transaction{
			Key:         p.Key,
			Amount:      json.Number(amount.String()),
			Action:      "sale",
			ProductID:   p.ProductID,
			ProductType: p.ProductType,
			Customer:    partnero.Ref{Key: p.CustomerKey},
		})
	case store.TypeRefund:
		var p refundPayload
		if err := unmarshalPayload(e, &p); err != nil {
			return err
		}
		if p.Key == "" {
			return missingKey(e)
		}
		return s.client.DeleteTransaction(ctx, apiKey, p.Key)
	}
	return &payloadError{fmt.Sprintf("stored event %s has unknown type %q", e.ID, e.Type)}
}

// payloadError is a stored event that cannot be sent as it is: sending it
// again will not help.
type payloadError struct{ msg string }

func (e *payloadError) Error() string { return e.msg }

// unmarshalPayload reads e's payload into dst.
func unmarshalPayload(e *store.Event, dst any) error {
	if err := json.Unmarshal(e.Payload, dst); err != nil {
		return &payloadError{fmt.Sprintf("stored %s event %s has an unreadable payload: %v", e.Type, e.ID, err)}
	}
	return nil
}

// missingKey is a payload without a key the request needs.
func missingKey(e *store.Event) error {
	return &payloadError{fmt.Sprintf("stored %s event %s has no key in its payload", e.Type, e.ID)}
}

// result maps a call's outcome to the outbox's, per partnero/API.md: a
// duplicate means an earlier attempt got through, and a refund of a
// transaction Partnero does not have is already done.
func result(typ string, err error) outbox.Result {
	if err == nil {
		return outbox.Result{Outcome: outbox.Delivered}
	}
	var pe *payloadError
	if errors.As(err, &pe) {
		return outbox.Result{Outcome: outbox.Failed, Reason: err.Error()}
	}
	switch partnero.KindOf(err) {
	case partnero.Duplicate:
		return outbox.Result{Outcome: outbox.Delivered}
	case partnero.NotFound:
		if typ == store.TypeRefund {
			return outbox.Result{Outcome: outbox.Delivered}
		}
		return outbox.Result{Outcome: outbox.Failed, Reason: err.Error()}
	case partnero.Permanent:
		return outbox.Result{Outcome: outbox.Failed, Reason: err.Error()}
	case partnero.RateLimited:
		return outbox.Result{Outcome: outbox.Retry, Reason: err.Error(), RateLimited: true, RetryAfter: partnero.RetryAfterOf(err)}
	}
	// Retryable, and anything unclassified: keep the event and try later.
	return outbox.Result{Outcome: outbox.Retry, Reason: err.Error()}
}
