package apperr

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestError(t *testing.T) {
	cause := errors.New("disk full")
	tests := []struct {
		err  *Error
		want string
	}{
		{New(NotFound, "event %s not found", "evt_1"), "not_found: event evt_1 not found"},
		{Field(Invalid, "amount", "must be positive"), "invalid: must be positive (amount)"},
		{Field(Malformed, "limit", "limit must be a whole number"), "malformed: limit must be a whole number (limit)"},
		{&Error{Code: Internal, Message: "store", Err: cause}, "internal: store: disk full"},
		{&Error{Code: RateLimited, Message: "slow down", RetryAfter: time.Second}, "rate_limited: slow down"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

func TestAs(t *testing.T) {
	inner := Field(Malformed, "customer.key", "is required")
	wrapped := fmt.Errorf("signup: %w", inner)
	if got := As(wrapped); got != inner {
		t.Errorf("As(wrapped) = %v; want %v", got, inner)
	}
	if got := As(errors.New("plain")); got != nil {
		t.Errorf("As(plain) = %v; want nil", got)
	}
	cause := errors.New("timeout")
	if got := (&Error{Code: BadGateway, Err: cause}); !errors.Is(got, cause) {
		t.Errorf("errors.Is(%v, cause) = false; want the cause unwrapped", got)
	}
}
