// Package migrate reads a backend's embedded SQL migrations in the order they
// apply. Each backend applies them itself, in one transaction under its own
// lock, and records them in a schema_migrations table.
package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// File is one migration: Version is its file name without ".sql"
// ("0001_events"), the key recorded in schema_migrations.
type File struct {
	Version string
	SQL     string
}

// Load returns the *.sql files in dir of fsys sorted by name, which must
// start with a number so that name order is apply order.
func Load(fsys fs.FS, dir string) ([]File, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("list migrations in %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list migrations in %s: none found", dir)
	}
	slices.Sort(names)
	files := make([]File, 0, len(names))
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		if base == "" || base[0] < '0' || base[0] > '9' {
			return nil, fmt.Errorf("migration %s: name must start with its number", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		files = append(files, File{Version: base, SQL: string(b)})
	}
	return files, nil
}
