package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"
)

// TestMarshalRoundTrip writes a loaded config back with yaml.Marshal and
// loads the result: the strict decoder must read every field the way
// yaml.v3 writes it (durations, the "?" shapes, pointers to bool).
func TestMarshalRoundTrip(t *testing.T) {
	for _, file := range []string{"testdata/good/full.yaml", "testdata/good/minimal.yaml"} {
		t.Run(file, func(t *testing.T) {
			env := fixtureEnv(t, file)
			first, err := Load(file, envFunc(env))
			if err != nil {
				t.Fatalf("Load(%q) = %v", file, err)
			}
			data, err := yaml.Marshal(first)
			if err != nil {
				t.Fatalf("yaml.Marshal: %v", err)
			}
			second, err := Parse(file, data, envFunc(env))
			if err != nil {
				t.Fatalf("Parse(yaml.Marshal(Load(%q))) = %v\n%s", file, err, data)
			}
			// yaml.v3 writes a nil list as [], which reads back empty.
			if diff := cmp.Diff(first, second, secretsByValue, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip of %q mismatch (-loaded +reloaded):\n%s", file, diff)
			}
		})
	}
}
