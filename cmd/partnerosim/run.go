package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
)

// Defaults when no -key is given: one affiliate program with a partner, so
// ?ref=demo works out of the box. The demo key guards nothing real.
const (
	defaultListen   = "127.0.0.1:8099"
	demoKey         = "sim_demo_key"
	demoProgram     = "main"
	demoPartner     = "demo"
	shutdownTimeout = 5 * time.Second
)

// run parses args, serves the simulator until ctx ends, then shuts down
// gracefully. stdout is unused; logs go to stderr as JSON.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_ = stdout
	fs := flag.NewFlagSet("partnerosim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", defaultListen, "address to listen on")
	var keys keyFlags
	fs.Var(&keys, "key", "an API key and its program, KEY=PROGRAM:TYPE with TYPE affiliate (default) or refer_a_friend; repeatable (default "+demoKey+"="+demoProgram+":affiliate, with partner "+demoPartner+")")
	var partners, customers seedFlags
	fs.Var(&partners, "partner", "seed a partner, PROGRAM:KEY; repeatable")
	fs.Var(&customers, "customer", "seed a customer (a referrer), PROGRAM:KEY; repeatable")
	rate := fs.Int("rate", partnerosim.DefaultRatePerMinute, "requests per minute per key; negative turns the limit off")
	referral := fs.String("referral-url", partnerosim.DefaultReferralURL, "base of the referral links customers' stats report")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if len(keys.keys) == 0 {
		keys.keys = map[string]string{demoKey: demoProgram}
		keys.kinds = map[string]partnerosim.ProgramKind{demoProgram: partnerosim.Affiliate}
		if len(partners.m) == 0 {
			partners.add(demoProgram, demoPartner)
		}
	}
	for _, s := range []*seedFlags{&partners, &customers} {
		for prog := range s.m {
			if _, ok := keys.kinds[prog]; !ok {
				return fmt.Errorf("seed for program %q: no -key names that program", prog)
			}
		}
	}
	if *rate == 0 {
		return errors.New("-rate 0 would refuse every request; use a negative value to turn the limit off")
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	sim := partnerosim.New(partnerosim.Options{
		Keys:          keys.keys,
		Programs:      keys.kinds,
		Seed:          partnerosim.Seed{Partners: partners.m, Customers: customers.m},
		RatePerMinute: *rate,
		ReferralURL:   *referral,
		Logger:        logger,
	})

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *listen, err)
	}
	srv := &http.Server{
		Handler:           sim,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests share ctx, so a signal also ends "slow" faults in
		// progress instead of letting them hold up the shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String(), "programs", programNames(keys.kinds))

	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	logger.Info("stopped")
	return nil
}

func programNames(kinds map[string]partnerosim.ProgramKind) []string {
	out := make([]string, 0, len(kinds))
	for p := range kinds {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
