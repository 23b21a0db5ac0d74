package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/static"
)

// assetCacheControl lets browsers and proxies keep an asset for good: its
// name changes whenever its bytes do.
const assetCacheControl = "public, max-age=31536000, immutable"

// contentTypes are the asset types served. A fixed table rather than the
// mime package, whose answers depend on the host's /etc/mime.types.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// assets are the embedded static files under content-hashed names
// ("page.js" is served as "page.1a2b3c4d5e6f.js"), so a new build never
// meets a stale cached copy.
type assets struct {
	byHashed map[string]*asset
	hashed   map[string]string // plain name -> hashed name
}

func newAssets() (*assets, error) {
	a := &assets{byHashed: map[string]*asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(static.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static.FS, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		digest := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + digest + ext
		ct := contentTypes[ext]
		if ct == "" {
			return fmt.Errorf("static asset %s: no content type for %q", name, ext)
		}
		a.byHashed[hashedName] = &asset{body: body, contentType: ct, etag: `"` + digest + `"`}
		a.hashed[name] = hashedName
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	return a, nil
}

// url returns the path a page links for the embedded file name. It panics
// on a name that is not embedded: the templates name fixed files.
func (a *assets) url(name string) string {
	h, ok := a.hashed[name]
	if !ok {
		panic("no static asset " + name)
	}
	return "/static/" + h
}

// serveAsset answers GET/HEAD /static/NAME for a hashed name; any other
// name, the plain one included, is a 404, so nothing is ever cached
// forever under a name whose bytes may change.
func (s *Server) serveAsset(c echo.Context) error {
	a, ok := s.links.assets.byHashed[c.Param("*")]
	if !ok {
		return errNotFound
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, assetCacheControl)
	h.Set("ETag", a.etag)
	if noneMatch(c.Request().Header.Values("If-None-Match"), a.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return writeBody(c, http.StatusOK, a.contentType, a.body)
}
