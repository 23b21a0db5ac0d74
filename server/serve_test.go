package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// get fetches url with the given Host header, without following redirects.
func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return res.StatusCode, string(body)
}

func TestServeAndShutdown(t *testing.T) {
	ts := newTestServer(t, Options{})
	pub, adm := listen(t), listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- ts.Serve(ctx, pub, adm, 5*time.Second) }()

	pubURL, admURL := "http://"+pub.Addr().String(), "http://"+adm.Addr().String()
	if code, body := get(t, pubURL+pathAASA, "go.alpha.com"); code != 200 || body != string(aasaA) {
		t.Errorf("public AASA = %d %q; want 200 and alpha's file", code, body)
	}
	if code, body := get(t, pubURL+pathAASA, "links.beta.org"); code != 200 || body != string(aasaB) {
		t.Errorf("public AASA for beta = %d %q; want 200 and beta's file", code, body)
	}
	if code, _ := get(t, pubURL+"/metrics", "go.alpha.com"); code != 404 {
		t.Errorf("public /metrics = %d; want 404", code)
	}
	if code, body := get(t, admURL+"/metrics", "go.alpha.com"); code != 200 || !strings.Contains(body, "deeplinkd_build_info") {
		t.Errorf("admin /metrics = %d; want 200 with build info", code)
	}
	if code, _ := get(t, admURL+pathAASA, "go.alpha.com"); code != 404 {
		t.Errorf("admin AASA = %d; want 404", code)
	}

	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve() = %v; want nil after a clean drain", err)
	}
	for _, l := range []net.Listener{pub, adm} {
		if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
			c.Close()
			t.Errorf("listener %s still accepts after Serve returned", l.Addr())
		}
	}
}

// TestServeDrainsInFlight cancels while a request is running: the request
// completes, then Serve returns nil.
func TestServeDrainsInFlight(t *testing.T) {
	ts := newTestServer(t, Options{})
	draining := make(chan struct{})
	ts.onDrain = func() { close(draining) }
	started, release := make(chan struct{}), make(chan struct{})
	ts.public.GET("/slow", func(c echo.Context) error {
		close(started)
		<-release
		return c.String(http.StatusOK, "done")
	})
	pub, adm := listen(t), listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- ts.Serve(ctx, pub, adm, 10*time.Second) }()

	type result struct {
		code int
		body string
	}
	answered := make(chan result, 1)
	go func() {
		code, body := get(t, "http://"+pub.Addr().String()+"/slow", "go.alpha.com")
		answered <- result{code, body}
	}()
	<-started
	cancel()
	<-draining // only release once Shutdown is underway
	if code, body := get(t, "http://"+adm.Addr().String()+"/readyz", "localhost"); code != 503 {
		t.Errorf("admin /readyz while draining = %d %q; want 503", code, body)
	}
	close(release)
	if r := <-answered; r.code != 200 || r.body != "done" {
		t.Errorf("in-flight request = %d %q; want 200 done", r.code, r.body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve() = %v; want nil", err)
	}
}

// TestServeDrainTimeout keeps a request running past the shutdown timeout:
// Serve gives up, cuts it, and says so.
func TestServeDrainTimeout(t *testing.T) {
	ts := newTestServer(t, Options{})
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	ts.public.GET("/stuck", func(c echo.Context) error {
		close(started)
		<-release
		return nil
	})
	pub, adm := listen(t), listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- ts.Serve(ctx, pub, adm, 50*time.Millisecond) }()
	go func() {
		req, _ := http.NewRequest(http.MethodGet, "http://"+pub.Addr().String()+"/stuck", nil)
		req.Host = "go.alpha.com"
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	<-started
	cancel()
	err := <-served
	if err == nil || !strings.Contains(err.Error(), "drain public listener") {
		t.Errorf("Serve() = %v; want a drain timeout of the public listener", err)
	}
}

// TestServeListenerFailure closes the admin listener first: Serve must not
// run half a service, it stops the public one too and reports the failure.
func TestServeListenerFailure(t *testing.T) {
	ts := newTestServer(t, Options{})
	pub, adm := listen(t), listen(t)
	adm.Close()
	err := ts.Serve(t.Context(), pub, adm, time.Second)
	if err == nil || !strings.Contains(err.Error(), "serve admin listener") {
		t.Errorf("Serve() = %v; want the admin listener's failure", err)
	}
}

// TestSlowBodyTimesOut: a body that trickles in is cut off after the body
// timeout with a 408, while bodiless requests have no such deadline.
func TestSlowBodyTimesOut(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.bodyTimeout = 200 * time.Millisecond
	ts.public.POST("/api/v1/echo", func(c echo.Context) error {
		_, err := io.ReadAll(c.Request().Body)
		return err
	})
	pub, adm := listen(t), listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go ts.Serve(ctx, pub, adm, time.Second)

	conn, err := net.Dial("tcp", pub.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Ten bytes announced, one sent, and then nothing.
	io.WriteString(conn, "POST /api/v1/echo HTTP/1.1\r\nHost: go.alpha.com\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // the test's own bound, far above the server's
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout {
		t.Errorf("stalled body = %d; want 408", res.StatusCode)
	}
}

// TestServeClosesFreshConnections: a connection that never sent a request
// (a client's spare keep-alive dial) does not hold the drain; net/http
// alone would count it busy for five seconds, past this 2s timeout.
func TestServeClosesFreshConnections(t *testing.T) {
	ts := newTestServer(t, Options{})
	pub, adm := listen(t), listen(t)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- ts.Serve(ctx, pub, adm, 2*time.Second) }()

	conn, err := net.Dial("tcp", pub.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A request on another connection proves the server is up and has
	// accepted the idle one by now (the listener accepts in order).
	if code, _ := get(t, "http://"+pub.Addr().String()+pathAASA, "go.alpha.com"); code != http.StatusOK {
		t.Fatalf("AASA = %d", code)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v; want a clean drain", err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second)) // the test's own bound
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Errorf("the fresh connection is still open after the drain")
	}
}
