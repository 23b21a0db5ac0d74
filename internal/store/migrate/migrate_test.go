package migrate

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []File
		wantErr string
	}{
		{
			name: "sorted by name, other files ignored",
			files: fstest.MapFS{
				"m/0002_b.sql":   {Data: []byte("B")},
				"m/0001_a.sql":   {Data: []byte("A")},
				"m/0010_c.sql":   {Data: []byte("C")},
				"m/README.md":    {Data: []byte("x")},
				"other/0000.sql": {Data: []byte("no")},
			},
			want: []File{{"0001_a", "A"}, {"0002_b", "B"}, {"0010_c", "C"}},
		},
		{
			name:    "none",
			files:   fstest.MapFS{"m/README.md": {Data: []byte("x")}},
			wantErr: "none found",
		},
		{
			name:    "unnumbered",
			files:   fstest.MapFS{"m/events.sql": {Data: []byte("x")}},
			wantErr: "must start with its number",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(tt.files, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load() = %v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
