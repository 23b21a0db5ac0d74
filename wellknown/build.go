package wellknown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Build renders both of a domain's well-known documents. It runs once per
// config load; the server then serves the bytes as they are. Identifier
// shapes are the config's to validate; whatever the strings hold, the
// output is valid JSON. It fails only when the AASA would exceed
// MaxAASASize, which Apple's fetcher refuses outright.
//
// Both documents are indented with two spaces and end with a newline, so
// `deeplinkd check -print` and curl show them readably; the few hundred
// bytes this costs are far below Apple's limit.
func Build(s Site) (Files, error) {
	aasa, err := encode(buildAASA(s))
	if err != nil {
		return Files{}, fmt.Errorf("build apple-app-site-association: %w", err)
	}
	if len(aasa) > MaxAASASize {
		return Files{}, fmt.Errorf("build apple-app-site-association: %d bytes is over Apple's limit of %d bytes (128 KB); configure fewer apps or components",
			len(aasa), MaxAASASize)
	}
	links, err := encode(buildAssetLinks(s))
	if err != nil {
		return Files{}, fmt.Errorf("build assetlinks.json: %w", err)
	}
	return Files{AASA: newDocument(aasa), AssetLinks: newDocument(links)}, nil
}

// encode writes v as indented JSON. HTML escaping is off: the files are
// never embedded in a page, and "\u0026" where a pattern says "&" would
// only puzzle whoever reads them. Map keys come out sorted, so the bytes
// do not depend on map iteration order.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// newDocument pairs body with its entity tag.
func newDocument(body []byte) Document {
	return Document{Body: body, ETag: ETag(body)}
}

// ETag is the strong entity tag of body: the first 16 bytes of its
// SHA-256 in hex, quoted. It depends on the bytes alone, so every instance
// serving the same config answers If-None-Match the same way.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}
