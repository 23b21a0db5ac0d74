package main

import (
	"bufio"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestBinaryHeapFloor checks the heap floor through the real binary's
// Go metrics: on by default, and off when the operator sets GOGC.
func TestBinaryHeapFloor(t *testing.T) {
	tests := []struct {
		name      string
		env       []string
		wantFloor bool
	}{
		{"default", nil, true},
		{"operator's GOGC", []string{"GOGC=100"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := startDaemon(t, writeConfig(t, t.TempDir(), configYAML(fixture{})), testEnv(tt.env...))
			_, body := fetch(t, d.admin, "localhost", "/metrics")
			gogc := metricValue(t, body, "go_gc_gogc_percent")
			goal := metricValue(t, body, "go_memstats_next_gc_bytes")
			if tt.wantFloor {
				if gogc <= 100 || goal < heapFloor {
					t.Errorf("GOGC %v, heap goal %v; want GOGC above 100 and a goal of at least %d", gogc, goal, heapFloor)
				}
			} else if gogc != 100 || goal >= heapFloor {
				t.Errorf("GOGC %v, heap goal %v with GOGC=100 set; want 100 and the runtime's own goal", gogc, goal)
			}
			d.signal(t, syscall.SIGTERM)
			d.waitFor(t, "stopped")
		})
	}
}

// metricValue reads an unlabelled sample from a Prometheus text page.
func metricValue(t *testing.T, page, name string) float64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(page))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(rest, 64)
		if err != nil {
			t.Fatalf("metric %s: %v", name, err)
		}
		return v
	}
	t.Fatalf("no metric %s in:\n%s", name, page)
	return 0
}
