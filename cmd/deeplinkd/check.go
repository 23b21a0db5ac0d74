package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/deeplinkd/deeplinkd/internal/config"
	"github.com/deeplinkd/deeplinkd/server"
)

// check validates the config the way serve would load it and lists every
// problem; with -print it writes each domain's well-known files.
func check(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", stderr)
	path := configFlag(fs, getenv)
	printFiles := fs.Bool("print", false, "write the AASA and assetlinks.json served for each domain to stdout")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return ignoreHelp(err)
	}

	cfg, snap, err := load(*path, getenv, nil)
	if err != nil {
		for _, line := range problemLines(err) {
			fmt.Fprintln(stderr, line)
		}
		return exitError{code: 1}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	// With -print, stdout is the documents alone, ready to pipe or diff.
	status := stdout
	if *printFiles {
		status = stderr
		for _, site := range snap.Sites() {
			host := site.Hosts[0]
			writeDocument(stdout, host, "/.well-known/apple-app-site-association", site.WellKnown.AASA.Body)
			writeDocument(stdout, host, "/.well-known/assetlinks.json", site.WellKnown.AssetLinks.Body)
		}
	}
	fmt.Fprintf(status, "%s: OK (%d domains)\n", *path, len(cfg.Domains))
	return nil
}

// writeDocument writes a "# HOST PATH" header line and then body exactly,
// plus a newline only if body lacks one, so the next header starts a line.
func writeDocument(w io.Writer, host, path string, body []byte) {
	fmt.Fprintf(w, "# %s %s\n", host, path)
	_, _ = w.Write(body)
	if len(body) == 0 || body[len(body)-1] != '\n' {
		fmt.Fprintln(w)
	}
}

// load reads and validates the config and builds the snapshot serve would
// run (see buildSnapshot for demoKeys), so check and serve fail on exactly
// the same problems.
func load(path string, getenv func(string) string, demoKeys map[string]string) (*config.Config, *server.Snapshot, error) {
	cfg, err := config.Load(path, getenv)
	if err != nil {
		return nil, nil, err
	}
	snap, err := buildSnapshot(cfg, demoKeys)
	if err != nil {
		return nil, nil, err
	}
	return cfg, snap, nil
}

// problemLines splits a load error into one line per problem.
func problemLines(err error) []string {
	var ce *config.Errors
	if errors.As(err, &ce) {
		return strings.Split(ce.Error(), "\n")
	}
	return []string{err.Error()}
}
