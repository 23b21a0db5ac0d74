package server

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
	"github.com/deeplinkd/deeplinkd/internal/reserved"
	"github.com/deeplinkd/deeplinkd/internal/resolve"
)

// maxResolveURL bounds the url parameter of /api/v1/resolve.
const maxResolveURL = 4 << 10

// resolveAnswer is the JSON of GET /api/v1/resolve (DESIGN.md section 4).
type resolveAnswer struct {
	// Host is the canonical host of the domain the link belongs to.
	Host        string `json:"host"`
	ReferralKey string `json:"referral_key"`
	Route       string `json:"route"`
	Platform    string `json:"platform"`
	InApp       string `json:"in_app"`
	Action      string `json:"action"`
	// Location is where the visitor ends up: the redirect target, or for
	// a page or a preview the link itself, which the visitor stays on.
	Location string `json:"location"`
}

// apiResolve answers GET /api/v1/resolve?url=LINK: the decision the
// resolver would make for LINK and the request's own User-Agent, without
// counting a click. LINK must be an absolute http(s) URL on a configured
// host of the token's program.
func (s *Server) apiResolve(c echo.Context) error {
	u, err := parseLink(c.QueryParam("url"))
	if err != nil {
		return err
	}
	site, ok := snapshotOf(c).Lookup(u.Host)
	if !ok || site.Domain == nil {
		return apperr.New(apperr.NotFound, "no configured domain serves links on that host")
	}
	if err := authorizeProgram(c, site.Program); err != nil {
		return err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if reserved.Path(path) {
		return apperr.New(apperr.NotFound, "that path is one of deeplinkd's own routes, not a link")
	}
	link := resolve.Extract(site.Domain, path, u.RawQuery)
	visitor := s.links.ua.Classify(c.Request().UserAgent())
	dec := resolve.Decide(site.Domain, link, visitor)

	location := dec.Location
	if location == "" {
		u.Host = strings.ToLower(u.Host)
		u.Fragment, u.RawFragment = "", ""
		location = u.String()
	}
	s.log.LogAttrs(c.Request().Context(), slog.LevelDebug, "resolve queried",
		slog.String("request_id", requestIDOf(c)),
		slog.String("token", tokenNameFor(c)),
		slog.String("domain", site.Hosts[0]),
		slog.String("action", string(dec.Action)))
	// The answer depends on the caller's User-Agent, like a link's.
	c.Response().Header()["Vary"] = append(c.Response().Header()["Vary"], hdrVaryUA...)
	return apiJSON(c, http.StatusOK, resolveAnswer{
		Host:        site.Hosts[0],
		ReferralKey: dec.Key,
		Route:       dec.Route,
		Platform:    string(dec.Platform),
		InApp:       dec.InApp,
		Action:      string(dec.Action),
		Location:    location,
	})
}

// parseLink checks the url parameter: present, at most 4 KiB, an absolute
// http(s) URL with a host and no user info.
func parseLink(raw string) (*url.URL, error) {
	const field = "url"
	if raw == "" {
		return nil, apperr.Field(apperr.Malformed, field, "url is required: the link to resolve, e.g. https://go.example.com/?ref=KEY")
	}
	if len(raw) > maxResolveURL {
		return nil, apperr.Field(apperr.Malformed, field, "url is longer than 4 KiB")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "" {
		return nil, apperr.Field(apperr.Malformed, field, "url must be an absolute http:// or https:// link")
	}
	if u.User != nil {
		return nil, apperr.Field(apperr.Malformed, field, "url must not carry a user name or password")
	}
	return u, nil
}
