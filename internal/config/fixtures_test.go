package config

import (
	"bufio"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/**/*.want from the current output")

// testEnv is the environment the fixtures load with unless a sibling
// NAME.env file replaces it.
var testEnv = map[string]string{
	"DEEPLINKD_API_TOKEN": "test-token-0123456789",
	"PARTNERO_API_KEY":    "pk_test_abcdef",
}

func envFunc(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// fixtureEnv reads NAME.env (KEY=VALUE lines) next to a fixture, or
// returns testEnv when there is none.
func fixtureEnv(t *testing.T, fixture string) map[string]string {
	t.Helper()
	f, err := os.Open(strings.TrimSuffix(fixture, ".yaml") + ".env")
	if errors.Is(err, os.ErrNotExist) {
		return testEnv
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, _ := strings.Cut(s.Text(), "=")
		env[k] = v
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return env
}

// checkGolden compares got with the file want, or rewrites it with -update.
func checkGolden(t *testing.T, call, wantFile, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(wantFile)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s =\n%s\nwant\n%s", call, got, want)
	}
}

// TestBadFixtures loads one fixture per rule under testdata/bad and
// compares the whole error with NAME.want, byte for byte.
func TestBadFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures under testdata/bad")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			env := fixtureEnv(t, file)
			c, err := Load(file, envFunc(env))
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load(%q) = %v, %v; want *Errors", file, c, err)
			}
			if c != nil {
				t.Errorf("Load(%q) returned a config alongside its errors", file)
			}
			if len(errs.Problems) == 0 {
				t.Fatalf("Load(%q) = *Errors without problems", file)
			}
			got := err.Error() + "\n"
			for _, v := range env {
				if strings.Contains(got, v) {
					t.Errorf("Load(%q) error shows the secret %q", file, v)
				}
			}
			checkGolden(t, "Load("+file+")", strings.TrimSuffix(file, ".yaml")+".want", got)
		})
	}
}

// TestGoodFixtures loads every file under testdata/good without a problem.
func TestGoodFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures under testdata/good")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			if _, err := Load(file, envFunc(fixtureEnv(t, file))); err != nil {
				t.Errorf("Load(%q) = %v; want no error", file, err)
			}
		})
	}
}
