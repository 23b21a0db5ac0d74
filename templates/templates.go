// Package templates holds the html/template sources of the resolver's
// pages: layout.html (the shared head, the PartneroJS loader, the brand
// block and the desktop section) and one file per presentation (ios.html,
// android.html, desktop.html, preview.html), each defining "main".
// internal/page parses them (page.NewSet) and renders every page with
// html/template.
package templates

import "embed"

// FS is the template sources, at the root of the file system.
//
//go:embed *.html
var FS embed.FS
