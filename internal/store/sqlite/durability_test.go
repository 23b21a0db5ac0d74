package sqlite

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// childDBEnv, when set, makes TestAcceptedEventsSurviveSIGKILL the child
// process: it inserts into that database until killed.
const childDBEnv = "DEEPLINKD_TEST_SQLITE_CHILD_DB"

// TestAcceptedEventsSurviveSIGKILL kills a process that is inserting from 64
// goroutines and checks that every event whose Insert had returned, which is
// when the API answers 202, is in the file afterwards. (Power loss is what
// synchronous=FULL is for; a test cannot pull the plug.)
func TestAcceptedEventsSurviveSIGKILL(t *testing.T) {
	if path := os.Getenv(childDBEnv); path != "" {
		insertUntilKilled(t, path)
		return
	}
	path := filepath.Join(t.TempDir(), "deeplinkd.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestAcceptedEventsSurviveSIGKILL$")
	cmd.Env = append(os.Environ(), childDBEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	const want = 1000
	var accepted []string
	r := bufio.NewReader(stdout)
	for len(accepted) < want {
		line, err := r.ReadString('\n')
		if err != nil {
			cmd.Wait()
			t.Fatalf("child stopped after %d events: %v\n%s", len(accepted), err, stderr.String())
		}
		accepted = append(accepted, strings.TrimSuffix(line, "\n"))
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	// Ids the child printed before it died count too; a last line cut
	// short by the kill was never a whole answer.
	rest, _ := io.ReadAll(r)
	lines := strings.Split(string(rest), "\n")
	accepted = append(accepted, lines[:len(lines)-1]...)
	cmd.Wait()

	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen after SIGKILL = %v", err)
	}
	defer db.Close()
	var lost int
	for _, id := range accepted {
		if _, err := db.Get(t.Context(), "main", id); err != nil {
			lost++
			if lost <= 5 {
				t.Errorf("Get(%s) after SIGKILL = %v; want the accepted event", id, err)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d accepted events lost to SIGKILL", lost, len(accepted))
	}
}

// insertUntilKilled is the child: it prints each event's id as soon as its
// Insert returns.
func insertUntilKilled(t *testing.T, path string) {
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("child Open = %v", err)
	}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for g := range 64 {
		wg.Go(func() {
			for i := 0; ; i++ {
				e := event(fmt.Sprintf("g%d_%d", g, i), "")
				got, _, err := db.Insert(t.Context(), e)
				if err != nil {
					t.Errorf("child Insert = %v", err)
					return
				}
				mu.Lock()
				_, err = fmt.Fprintln(os.Stdout, got.ID)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
}
