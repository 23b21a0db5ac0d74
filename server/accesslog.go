package server

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// accessLine is one access log entry.
type accessLine struct {
	level     slog.Level
	listener  string
	method    string
	route     string
	status    int
	bytes     int64
	duration  time.Duration
	requestID string
	host      string // "" on the admin listener
}

// accessLog writes access lines as JSON objects with the keys, order and
// formats of slog's JSONHandler (time in RFC 3339 with nanoseconds, the
// duration in nanoseconds, its string escaping), so a log reader sees one
// format on stderr. Formatting by hand costs a fraction of slog's generic
// path, which matters on the well-known and redirect routes where the
// answer itself is a few microseconds; the parts of a line that only
// depend on bounded values (level, listener, method, route, host) are
// escaped once and kept.
type accessLog struct {
	out   io.Writer
	bufs  sync.Pool
	parts sync.Map // partsKey → *lineParts
	// second caches the formatted date and time of the current second:
	// formatting a time from scratch was the costliest part of a line.
	second atomic.Pointer[secondPrefix]
}

// secondPrefix is one second formatted in one location: "2006-01-02T15:04:05"
// and its zone ("Z" or "-07:00"). A second has one offset in a location,
// so the pair is exact.
type secondPrefix struct {
	unix int64
	loc  *time.Location
	text []byte
	zone []byte
}

type partsKey struct {
	level                         slog.Level
	listener, method, route, host string
}

// lineParts are the fixed runs of a line: mid goes from the level to the
// "status" key, tail from the host to the end.
type lineParts struct {
	mid, tail []byte
}

func newAccessLog(out io.Writer) *accessLog {
	return &accessLog{out: out, bufs: sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}}
}

func (a *accessLog) partsFor(l accessLine) *lineParts {
	k := partsKey{l.level, l.listener, l.method, l.route, l.host}
	if p, ok := a.parts.Load(k); ok {
		return p.(*lineParts)
	}
	var mid []byte
	mid = append(mid, `","level":"`...)
	mid = append(mid, l.level.String()...)
	mid = append(mid, `","msg":"request","listener":`...)
	mid = appendJSONString(mid, l.listener)
	mid = append(mid, `,"method":`...)
	mid = appendJSONString(mid, l.method)
	mid = append(mid, `,"route":`...)
	mid = appendJSONString(mid, l.route)
	mid = append(mid, `,"status":`...)
	var tail []byte
	if l.host != "" {
		tail = append(tail, `,"host":`...)
		tail = appendJSONString(tail, l.host)
	}
	tail = append(tail, "}\n"...)
	p, _ := a.parts.LoadOrStore(k, &lineParts{mid: mid, tail: tail})
	return p.(*lineParts)
}

func (a *accessLog) write(now time.Time, l accessLine) {
	parts := a.partsFor(l)
	bp := a.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"time":"`...)
	b = a.appendTime(b, now)
	b = append(b, parts.mid...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, l.bytes, 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(l.duration), 10)
	b = append(b, `,"request_id":`...)
	b = appendJSONString(b, l.requestID)
	b = append(b, parts.tail...)
	_, _ = a.out.Write(b) // as slog does: a log that cannot be written is not the request's failure
	*bp = b
	a.bufs.Put(bp)
}

// appendTime appends now as time.RFC3339Nano does: the second's date,
// time and zone from the cache, the fraction without trailing zeros in
// between. The cache is per location too: time.Now's times are in Local,
// which is not time.UTC even where Local is UTC.
func (a *accessLog) appendTime(b []byte, now time.Time) []byte {
	sec, loc := now.Unix(), now.Location()
	p := a.second.Load()
	if p == nil || p.unix != sec || p.loc != loc {
		whole := now.Truncate(time.Second)
		p = &secondPrefix{
			unix: sec,
			loc:  loc,
			text: whole.AppendFormat(nil, "2006-01-02T15:04:05"),
			zone: whole.AppendFormat(nil, "Z07:00"),
		}
		a.second.Store(p)
	}
	b = append(b, p.text...)
	if ns := now.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, p.zone...)
}

// appendJSONString appends s as a JSON string. The values logged here are
// bounded (route patterns, configured hosts, checked request ids), but the
// escaping is complete anyway so no value can break a line.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				if c < 0x20 {
					b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
				} else {
					b = append(b, c)
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
