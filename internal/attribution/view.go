package attribution

import (
	"time"

	"github.com/deeplinkd/deeplinkd/internal/store"
)

// EventView is an event as the API shows it (DESIGN.md section 4): no
// payload, keys or lease, times in RFC 3339 UTC, delivered_at null until
// Partnero has the event.
type EventView struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Status      string  `json:"status"`
	Attempts    int     `json:"attempts"`
	LastError   string  `json:"last_error"`
	CreatedAt   string  `json:"created_at"`
	DeliveredAt *string `json:"delivered_at"`
}

// View returns e's API view.
func View(e *store.Event) EventView {
	v := EventView{
		ID:        e.ID,
		Type:      e.Type,
		Status:    e.Status,
		Attempts:  e.Attempts,
		LastError: e.LastError,
		CreatedAt: rfc3339(e.CreatedAt),
	}
	if e.DeliveredAt != nil {
		d := rfc3339(*e.DeliveredAt)
		v.DeliveredAt = &d
	}
	return v
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
