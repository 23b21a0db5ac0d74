package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/deeplinkd/deeplinkd/internal/apperr"
)

// maxTokenLen bounds a presented bearer token; no configured token is
// anywhere near it, and hashing a huge header is work for nothing.
const maxTokenLen = 1024

// Keys of what requireToken leaves in the echo context.
const (
	keyTokenName    = "deeplinkd.token_name"
	keyTokenProgram = "deeplinkd.token_program"
)

// Token is one /api/v1 bearer token as the server checks it: its name (for
// logs), the program it acts on, and the SHA-256 of its value. The value
// itself is not kept, so no dump of a Snapshot can show it.
type Token struct {
	// Name is the token's name from api_tokens; safe to log.
	Name string
	// Program is the program the token acts on.
	Program string

	sum   [sha256.Size]byte
	valid bool
}

// NewToken returns the token named name, bound to program, whose secret
// is value. An empty value makes a token that matches nothing.
func NewToken(name, program, value string) Token {
	return Token{Name: name, Program: program, sum: sha256.Sum256([]byte(value)), valid: value != ""}
}

// matchToken finds the token whose value is presented. It hashes the
// presented value and compares it with every token in constant time, with
// no early exit, so neither the time taken nor the work done says how
// close a guess came or which token it matched.
func matchToken(tokens []Token, presented string) (Token, bool) {
	sum := sha256.Sum256([]byte(presented))
	found := -1
	for i := range tokens {
		eq := subtle.ConstantTimeCompare(sum[:], tokens[i].sum[:])
		if !tokens[i].valid {
			eq = 0
		}
		// Keep the first match without branching on which one it was.
		take := eq & subtle.ConstantTimeEq(int32(found), -1)
		found = subtle.ConstantTimeSelect(take, i, found)
	}
	if found < 0 {
		return Token{}, false
	}
	return tokens[found], true
}

// requireToken admits a request carrying "Authorization: Bearer TOKEN"
// with a configured token, and records the token's name and program for
// the handler (see programFor). Anything else is a 401 with a
// WWW-Authenticate challenge. The token is never logged or echoed.
func requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		presented, ok := bearerToken(c.Request().Header.Values(echo.HeaderAuthorization))
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="deeplinkd"`)
			return &apperr.Error{Code: apperr.Unauthorized, Message: "missing or malformed bearer token"}
		}
		tok, ok := matchToken(snapshotOf(c).apiTokens(), presented)
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="deeplinkd", error="invalid_token"`)
			return &apperr.Error{Code: apperr.Unauthorized, Message: "unknown bearer token"}
		}
		c.Set(keyTokenName, tok.Name)
		c.Set(keyTokenProgram, tok.Program)
		return next(c)
	}
}

// bearerToken extracts the token of a single "Bearer TOKEN" header (the
// scheme in any case). Several Authorization headers, another scheme, an
// empty or oversized token, or one with spaces or control characters are
// malformed.
func bearerToken(headers []string) (string, bool) {
	if len(headers) != 1 {
		return "", false
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(headers[0]), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimLeft(tok, " ")
	if tok == "" || len(tok) > maxTokenLen {
		return "", false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] == 0x7f {
			return "", false
		}
	}
	return tok, true
}

// programFor is the program of the token that authenticated the request,
// "" when requireToken did not run. Handlers act only on this program.
func programFor(c echo.Context) string {
	p, _ := c.Get(keyTokenProgram).(string)
	return p
}

// tokenNameFor is the name of the token that authenticated the request,
// for logs; "" when requireToken did not run.
func tokenNameFor(c echo.Context) string {
	n, _ := c.Get(keyTokenName).(string)
	return n
}

// authorizeProgram answers 403 unless the request's token acts on program.
func authorizeProgram(c echo.Context, program string) error {
	if p := programFor(c); p == "" || p != program {
		return &apperr.Error{Code: apperr.Forbidden, Message: "the token's program does not own this domain"}
	}
	return nil
}

// apiTokens is the snapshot's tokens; a nil snapshot has none.
func (s *Snapshot) apiTokens() []Token {
	if s == nil {
		return nil
	}
	return s.tokens
}
