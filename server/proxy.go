package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// pinnedSnapshot is the snapshot the request pinned, or the current one
// when the extractor runs outside the middleware (a bare handler test).
func (s *Server) pinnedSnapshot(r *http.Request) *Snapshot {
	if snap, ok := r.Context().Value(snapshotCtxKey{}).(*Snapshot); ok {
		return snap
	}
	return s.snap.Load()
}

// clientIP is echo's IPExtractor. X-Forwarded-For is believed only when the
// peer is a trusted proxy, and then only as far as the chain of trusted
// proxies goes: walking from the right, the first address that is not a
// trusted proxy is the client. Anyone can put anything at the left end.
func (s *Server) clientIP(r *http.Request) string {
	peer := remoteAddr(r)
	snap := s.pinnedSnapshot(r)
	if !snap.trusts(peer) {
		if peer.IsValid() {
			return peer.String()
		}
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		return host
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			// A garbled entry ends what can be believed; the last trusted
			// hop is the best we know.
			break
		}
		client = hop
		if !snap.trusts(hop) {
			break
		}
	}
	return client.String()
}

// scheme is echo's SchemeExtractor: X-Forwarded-Proto from a trusted peer,
// else whether this connection is TLS.
func (s *Server) scheme(r *http.Request) string {
	if s.pinnedSnapshot(r).trusts(remoteAddr(r)) {
		proto := r.Header.Get("X-Forwarded-Proto")
		// Proxies that append give "https, http": the first is the edge.
		if i := strings.IndexByte(proto, ','); i >= 0 {
			proto = proto[:i]
		}
		switch p := strings.ToLower(strings.TrimSpace(proto)); p {
		case "http", "https":
			return p
		}
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// Some transports (tests, unix sockets) give a bare address.
		a, err := netip.ParseAddr(r.RemoteAddr)
		if err != nil {
			return netip.Addr{}
		}
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// forwardedFor flattens every X-Forwarded-For header into its hops, in
// order.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, possibly in
// brackets or with a port, as some proxies write it.
func parseHop(h string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
