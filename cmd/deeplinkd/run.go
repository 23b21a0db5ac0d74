package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// envConfig names the config file when -config is not given.
const envConfig = "DEEPLINKD_CONFIG"

// defaultConfigFile is used when neither -config nor DEEPLINKD_CONFIG is set.
const defaultConfigFile = "config.yaml"

const usage = `Usage: deeplinkd [command] [flags]

Commands:
  serve [-config FILE] [-demo]   run the service (the default command)
  check [-config FILE] [-print]  validate the config and list every problem;
                                 -print writes the well-known files it would serve
  verify [-timeout 10s] [-cdn] [-insecure] URL…
                                 fetch a live domain's well-known files the way
                                 Apple's and Google's verifiers do and report
                                 every finding; -cdn also checks Apple's CDN copy
  version                        print the version, commit and Go version
  help                           print this help

-config defaults to $DEEPLINKD_CONFIG, else ./config.yaml.

Environment:
  DEEPLINKD_CONFIG       the config file
  DEEPLINKD_STORAGE_DSN  overrides storage.dsn
  PARTNERO_API_URL       overrides partnero.api_url
  DEEPLINKD_LOG_LEVEL    debug, info (default), warn or error
  and the variables the config names for secrets (api_key_env, token_env).

Signals (serve): SIGTERM or SIGINT drains and stops; SIGHUP reloads the config.
`

// exitError ends the process with code; whatever explains it has already
// been written (usage, config problems, log lines).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errUsage is returned after a usage message went to stderr.
var errUsage = exitError{code: 2}

// exitCode maps run's result to the process exit code, printing an error
// that nobody has reported yet.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "deeplinkd:", err)
	return 1
}

// run is the whole program: it picks the command, which owns its flags.
// getenv is the only view of the environment anything below gets.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd, rest := "serve", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	if len(args) > 0 && isHelp(args[0]) {
		cmd = "help"
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, stderr)
	case "check":
		return check(rest, getenv, stdout, stderr)
	case "verify":
		// verify works on a copy that refuses redirects; tests call it
		// with a client that trusts their TLS servers.
		return verify(ctx, rest, &http.Client{}, stdout, stderr)
	case "version":
		if len(rest) > 0 {
			return usageError(stderr, "version takes no arguments")
		}
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError(stderr, fmt.Sprintf("unknown command %q", cmd))
}

func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// usageError prints msg and the usage to stderr.
func usageError(stderr io.Writer, msg string) error {
	fmt.Fprintf(stderr, "deeplinkd: %s\n\n%s", msg, usage)
	return errUsage
}

// newFlagSet is a command's flag set: errors come back instead of exiting,
// and the flag package's own messages go to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("deeplinkd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args; -h prints the command's flags and ends the
// command successfully (errHelp), anything else wrong is a usage error.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		return errHelp
	case err != nil:
		return usageError(stderr, err.Error())
	case fs.NArg() > 0:
		return usageError(stderr, fmt.Sprintf("unexpected arguments %q", fs.Args()))
	}
	return nil
}

// errHelp ends a command after its help was printed; exit code 0.
var errHelp = errors.New("help requested")

// ignoreHelp turns errHelp into success.
func ignoreHelp(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// configFlag adds -config with its default from the environment.
func configFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv(envConfig)
	if def == "" {
		def = defaultConfigFile
	}
	return fs.String("config", def, "the config file (default $"+envConfig+", else ./"+defaultConfigFile+")")
}
