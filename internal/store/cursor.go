package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// List page sizes.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
)

// cursorPrefix versions the cursor so its encoding can change later without
// misreading cursors that clients still hold.
const cursorPrefix = "s1:"

// Page is a ListQuery checked and resolved for a backend: list the program's
// events with Seq < Before (all when Before is 0), optionally in one Status,
// newest first, at most Limit of them.
type Page struct {
	// Program and Status are the query's, checked.
	Program string
	Status  string
	// Before is the cursor's sequence number, 0 for the first page.
	Before int64
	// Limit is the page size, defaulted and clamped; backends fetch one
	// more row to learn whether another page follows.
	Limit int
}

// Page validates q and resolves its cursor and limit. The error wraps
// ErrInvalid.
func (q ListQuery) Page() (Page, error) {
	p := Page{Program: q.Program, Status: q.Status, Limit: q.Limit}
	if q.Program == "" {
		return Page{}, fmt.Errorf("list events: missing program: %w", ErrInvalid)
	}
	if q.Status != "" && !ValidStatus(q.Status) {
		return Page{}, fmt.Errorf("list events: unknown status %q: %w", q.Status, ErrInvalid)
	}
	switch {
	case q.Limit < 0:
		return Page{}, fmt.Errorf("list events: negative limit %d: %w", q.Limit, ErrInvalid)
	case q.Limit == 0:
		p.Limit = DefaultListLimit
	case q.Limit > MaxListLimit:
		p.Limit = MaxListLimit
	}
	if q.Cursor != "" {
		seq, err := decodeCursor(q.Cursor)
		if err != nil {
			return Page{}, fmt.Errorf("list events: %w", err)
		}
		p.Before = seq
	}
	return p, nil
}

// NextCursor returns the cursor for the page after one whose last (oldest)
// event has sequence number seq.
func NextCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

// Paginate trims a backend's result, fetched with Limit+1 rows, to the page
// and returns it with the next cursor ("" when it was the last page).
func (p Page) Paginate(events []*Event) ([]*Event, string) {
	if len(events) <= p.Limit {
		return events, ""
	}
	events = events[:p.Limit]
	return events, NextCursor(events[len(events)-1].Seq)
}

func decodeCursor(c string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, fmt.Errorf("bad cursor: %w", ErrInvalid)
	}
	s, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, fmt.Errorf("bad cursor: %w", ErrInvalid)
	}
	seq, err := strconv.ParseInt(s, 10, 64)
	if err != nil || seq <= 0 {
		return 0, fmt.Errorf("bad cursor: %w", ErrInvalid)
	}
	return seq, nil
}
