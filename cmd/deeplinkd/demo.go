package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/internal/partnerosim"
)

// demoSeedKey is the partner (affiliate) or referring customer
// (refer-a-friend) every demo program starts with, so ?ref=demo links and
// sign-ups with "referral_key":"demo" are attributed.
const demoSeedKey = "demo"

// demoSim is the Partnero simulator of serve -demo, served in-process on
// a loopback port.
type demoSim struct {
	// url is the simulator's base URL, for the Partnero client.
	url string
	// keys are the demo API keys, by program.
	keys map[string]string
	srv  *http.Server
	done chan error
}

// startDemo starts the simulator with a demo key for each configured
// program and the demo partner or referrer seeded. The simulator also
// accepts a program's real key when it is set at start, since the client
// sends that key instead of the demo one; the simulator keeps keys in
// memory only and never logs or records them.
func startDemo(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*demoSim, error) {
	keys := map[string]string{}
	simKeys := map[string]string{}
	kinds := map[string]partnerosim.ProgramKind{}
	seed := partnerosim.Seed{Partners: map[string][]string{}, Customers: map[string][]string{}}
	for name, p := range cfg.Programs {
		// Guards nothing: the simulator is local and holds demo data.
		keys[name] = "sim_demo_key_" + name
		simKeys[keys[name]] = name
		if real := p.APIKey.Reveal(); real != "" {
			simKeys[real] = name
		}
		if p.Type == config.ProgramReferAFriend {
			kinds[name] = partnerosim.ReferAFriend
			seed.Customers[name] = []string{demoSeedKey}
		} else {
			kinds[name] = partnerosim.Affiliate
			seed.Partners[name] = []string{demoSeedKey}
		}
	}
	referral := partnerosim.DefaultReferralURL
	if len(cfg.Domains) > 0 {
		referral = "https://" + cfg.Domains[0].Host + "/"
	}
	sim := partnerosim.New(partnerosim.Options{
		Keys:        simKeys,
		Programs:    kinds,
		Seed:        seed,
		ReferralURL: referral,
		Logger:      logger.With("component", "partnerosim"),
	})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen for the Partnero simulator: %w", err)
	}
	d := &demoSim{
		url:  "http://" + ln.Addr().String(),
		keys: keys,
		srv:  &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { d.done <- d.srv.Serve(ln) }()

	names := make([]string, 0, len(cfg.Programs))
	for name, p := range cfg.Programs {
		names = append(names, name)
		if !p.APIKey.IsSet() {
			logger.Info("demo: program has no Partnero API key; using the simulator's demo key",
				"program", name, "api_key_env", p.APIKeyEnv)
		}
	}
	slices.Sort(names)
	logger.Info("demo: Partnero simulator running; deliveries go to it, not to Partnero",
		"url", d.url,
		"state", d.url+"/_sim/state",
		"requests", d.url+"/_sim/requests",
		"programs", names,
		"referral_key", demoSeedKey)
	return d, nil
}

// stop shuts the simulator down; requests still running get until ctx
// ends.
func (d *demoSim) stop(ctx context.Context) error {
	err := d.srv.Shutdown(ctx)
	if err != nil {
		_ = d.srv.Close() // out of time: cut what is left
	}
	if serr := <-d.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("demo: stop the Partnero simulator: %w", err)
	}
	return nil
}
