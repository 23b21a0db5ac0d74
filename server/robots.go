package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// robotsTxt lets every crawler read every link: Twitterbot and
// facebookexternalhit obey robots.txt, and a disallowed link gets no
// preview card (DEEPLINK-RULES.md section 8.1). The pages keep themselves
// out of search results with X-Robots-Tag: noindex instead. Only the API
// is closed; it has nothing to show a crawler.
const robotsTxt = "User-agent: *\nDisallow: /api/\n"

// serveRobots answers GET/HEAD /robots.txt, the same for every domain.
func serveRobots(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return writeBody(c, http.StatusOK, echo.MIMETextPlainCharsetUTF8, []byte(robotsTxt))
}

// serveFavicon answers /favicon.ico with 204: browsers ask for it on every
// page, and an empty answer is cheaper than a 404 in the logs and metrics.
// Cached for a day so they stop asking.
func serveFavicon(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=86400")
	return c.NoContent(http.StatusNoContent)
}
