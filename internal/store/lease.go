package store

import (
	"fmt"
	"time"
)

// CheckClaim validates Claim's arguments for a backend; the error wraps
// ErrInvalid.
func CheckClaim(owner string, lease time.Duration, limit int) error {
	switch {
	case owner == "":
		return fmt.Errorf("claim events: missing owner: %w", ErrInvalid)
	case lease <= 0:
		return fmt.Errorf("claim events: lease %v not positive: %w", lease, ErrInvalid)
	case limit <= 0:
		return fmt.Errorf("claim events: limit %d not positive: %w", limit, ErrInvalid)
	}
	return nil
}

// CheckOwner validates the owner passed to MarkDelivered, Reschedule or
// MarkFailed. An empty owner is refused because unleased rows carry an empty
// owner, and must never look held. The error wraps ErrInvalid.
func CheckOwner(op, id, owner string) error {
	if owner == "" {
		return fmt.Errorf("%s %s: missing owner: %w", op, id, ErrInvalid)
	}
	return nil
}
