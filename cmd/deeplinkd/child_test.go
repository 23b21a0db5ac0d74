package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// exitTimeout bounds the wait for a process told to stop; only a hang
// reaches it.
const exitTimeout = 30 * time.Second

// child is a deeplinkd the test started, with its whole stderr (the JSON
// log). The log is a buffer the test owns, set as cmd.Stderr: exec copies
// stderr into it and cmd.Wait returns only after that copy has finished,
// so once the process has exited every line it wrote is here. (Read
// through StderrPipe and a scanner, Wait closed the pipe while the scanner
// could still be reading, and the last lines were sometimes lost.)
type child struct {
	cmd *exec.Cmd

	mu     sync.Mutex
	log    []byte
	exited bool
	grew   chan struct{} // closed, then replaced, when log grows or the process exits

	done chan struct{} // closed once cmd.Wait has returned
	err  error         // cmd.Wait's result, set before done is closed
}

// startChild starts cmd with its stderr going to the child's log. Only
// the child calls cmd.Wait, so a wait for a log line also learns that the
// log has ended. The test's cleanup kills the process if it still runs.
func startChild(t *testing.T, cmd *exec.Cmd) *child {
	t.Helper()
	c := &child{cmd: cmd, grew: make(chan struct{}), done: make(chan struct{})}
	cmd.Stderr = c
	if err := cmd.Start(); err != nil {
		t.Fatalf("start deeplinkd: %v", err)
	}
	go func() {
		err := cmd.Wait()
		c.mu.Lock()
		c.exited = true
		close(c.grew)
		c.grew = make(chan struct{})
		c.mu.Unlock()
		c.err = err
		close(c.done)
	}()
	t.Cleanup(c.kill)
	return c
}

// Write appends p to the log and wakes the waiters; exec calls it with
// whatever the process writes to stderr, not necessarily whole lines.
func (c *child) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, p...)
	close(c.grew)
	c.grew = make(chan struct{})
	return len(p), nil
}

// logText is everything logged so far.
func (c *child) logText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.log)
}

// waitLine reads the log's whole lines from byte offset from until one
// whose msg is msg, and returns it and the offset just past it. Every line
// must be JSON. It fails the test if the log ends first, or after
// waitTimeout: that bound only ends a wait for a line that never comes.
func (c *child) waitLine(t *testing.T, from int, msg string) (map[string]any, int) {
	t.Helper()
	timeout := time.NewTimer(waitTimeout)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		// A copy of the unread part, and whether more can come: after the
		// exit, the log is complete.
		unread, exited, grew := bytes.Clone(c.log[from:]), c.exited, c.grew
		c.mu.Unlock()
		for {
			n := bytes.IndexByte(unread, '\n')
			if n < 0 {
				break
			}
			line := unread[:n+1]
			unread, from = unread[n+1:], from+n+1
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Errorf("log line is not JSON: %q", line)
				continue
			}
			if m["msg"] == msg {
				return m, from
			}
		}
		if exited {
			t.Fatalf("the log ended without a %q line:\n%s", msg, c.logText())
		}
		select {
		case <-grew:
		case <-timeout.C:
			t.Fatalf("no %q log line within %v:\n%s", msg, waitTimeout, c.logText())
		}
	}
}

// wait waits for the process to exit and returns cmd.Wait's error.
func (c *child) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(exitTimeout):
		t.Fatalf("deeplinkd still runs %v after it was told to stop:\n%s", exitTimeout, c.logText())
		return nil
	}
}

// kill ends the process with SIGKILL, if it still runs, and waits until it
// is reaped and its log complete.
func (c *child) kill() {
	_ = c.cmd.Process.Kill() // fails only when the process has exited
	<-c.done
}
