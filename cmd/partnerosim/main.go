// Command partnerosim serves the Partnero API simulator (internal/partnerosim)
// on its own, for demos and black-box tests. It is not for production: its
// /_sim/ control API has no authentication.
//
//	partnerosim [-listen ADDR] [-key KEY=PROGRAM:TYPE ...] [-partner PROGRAM:KEY ...]
//	            [-customer PROGRAM:KEY ...] [-rate N] [-referral-url URL]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "partnerosim:", err)
		os.Exit(1)
	}
}
