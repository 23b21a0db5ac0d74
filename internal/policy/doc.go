// Package policy holds repository-wide checks that no single package can
// make about itself, such as the import edges STYLE.md forbids. It has no
// runtime code: nothing imports it, and its tests run with `go test ./...`.
package policy
