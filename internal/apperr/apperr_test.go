package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		err  *Error
		want int
	}{
		{New(Invalid, "x"), 400},
		{Field(422, "amount", "must be positive"), 422},
		{New(Unauthorized, "x"), 401},
		{New(Forbidden, "x"), 403},
		{New(NotFound, "x"), 404},
		{New(Conflict, "x"), 409},
		{New(PayloadTooLarge, "x"), 413},
		{New(RateLimited, "x"), 429},
		{New(UpstreamUnavailable, "x"), 503},
		{&Error{Code: UpstreamUnavailable, Status: 502}, 502},
		{New(Internal, "x"), 500},
		{New("made_up", "x"), 500},
	}
	for _, tt := range tests {
		if got := HTTPStatus(tt.err); got != tt.want {
			t.Errorf("HTTPStatus(%v) = %d; want %d", tt.err, got, tt.want)
		}
	}
}

func TestAs(t *testing.T) {
	inner := Field(400, "customer.key", "is required")
	wrapped := fmt.Errorf("signup: %w", inner)
	if got := As(wrapped); got != inner {
		t.Errorf("As(wrapped) = %v; want %v", got, inner)
	}
	if got := As(errors.New("plain")); got != nil {
		t.Errorf("As(plain) = %v; want nil", got)
	}
}
