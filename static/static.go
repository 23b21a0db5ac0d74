// Package static holds the pages' script and stylesheet. The server serves
// them under /static/ with content-hashed names, so browsers may cache them
// for good.
package static

import "embed"

// FS is the assets, at the root of the file system ("page.js", "page.css").
//
//go:embed *.js *.css
var FS embed.FS
