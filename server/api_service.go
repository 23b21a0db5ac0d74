package server

import (
	"context"

	"github.com/deeplinkd/deeplinkd/internal/attribution"
)

// NewEventService adapts svc to the EventService the API handlers use.
func NewEventService(svc *attribution.Service) EventService { return serviceViews{svc} }

// serviceViews turns the Service's stored events into their API views.
type serviceViews struct{ svc *attribution.Service }

func (v serviceViews) Signup(ctx context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	e, created, err := v.svc.Signup(ctx, program, body)
	if err != nil {
		return attribution.EventView{}, false, err
	}
	return attribution.View(e), created, nil
}

func (v serviceViews) Purchase(ctx context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	e, created, err := v.svc.Purchase(ctx, program, body)
	if err != nil {
		return attribution.EventView{}, false, err
	}
	return attribution.View(e), created, nil
}

func (v serviceViews) Refund(ctx context.Context, program string, body []byte) (attribution.EventView, bool, error) {
	e, created, err := v.svc.Refund(ctx, program, body)
	if err != nil {
		return attribution.EventView{}, false, err
	}
	return attribution.View(e), created, nil
}

func (v serviceViews) Event(ctx context.Context, program, id string) (attribution.EventView, error) {
	e, err := v.svc.Event(ctx, program, id)
	if err != nil {
		return attribution.EventView{}, err
	}
	return attribution.View(e), nil
}

func (v serviceViews) Events(ctx context.Context, program, status, cursor string, limit int) ([]attribution.EventView, string, error) {
	events, next, err := v.svc.Events(ctx, program, status, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	views := make([]attribution.EventView, len(events))
	for i, e := range events {
		views[i] = attribution.View(e)
	}
	return views, next, nil
}

func (v serviceViews) Retry(ctx context.Context, program, id string) (attribution.EventView, error) {
	e, err := v.svc.Retry(ctx, program, id)
	if err != nil {
		return attribution.EventView{}, err
	}
	return attribution.View(e), nil
}
