// Command deeplinkd is the deep-link domain host: it serves the
// well-known files, resolves referral links and forwards events to
// Partnero. See DESIGN.md section 1 for its commands.
package main

import (
	"context"
	"os"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}
