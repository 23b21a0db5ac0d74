package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// openAPIMethods are the operation keys of an OpenAPI path item.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// loadOpenAPI parses the embedded document.
func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(openAPIDocument))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	return doc
}

// routerOperations lists "METHOD /path" for every /api/v1 route of the
// real public router, echo's :param written as OpenAPI's {param}. HEAD
// is left out: it rides along with GET. Wildcards are catch-alls, not
// routes of the API.
func routerOperations(t *testing.T) []string {
	t.Helper()
	srv := newAPIServer(t, &fakeEvents{}, &fakeCustomers{})
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	var out []string
	for _, r := range srv.public.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.Contains(r.Path, "*") || r.Method == http.MethodHead {
			continue
		}
		out = append(out, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// documentOperations lists "METHOD /path" for every operation of doc.
func documentOperations(doc map[string]any) []string {
	var out []string
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range openAPIMethods {
			if _, ok := ops[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIMatchesRouter: every /api/v1 route of the router is in the
// document, and the document describes no route the router lacks.
func TestOpenAPIMatchesRouter(t *testing.T) {
	routes := routerOperations(t)
	if len(routes) < 10 {
		t.Fatalf("router has only %d /api/v1 operations: %q", len(routes), routes)
	}
	if diff := cmp.Diff(routes, documentOperations(loadOpenAPI(t))); diff != "" {
		t.Errorf("openapi.json paths differ from the router's /api/v1 routes (-router +document):\n%s", diff)
	}
}

// TestOpenAPIDocument checks the document's required top-level fields,
// that every $ref resolves, that every path parameter is declared, that
// each operation answers errors with the Error schema, and that all but
// the document itself need the bearer token.
func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	if v, _ := doc["openapi"].(string); !regexp.MustCompile(`^3\.[01]\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q; want 3.0.x or 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["title"] == nil || info["version"] == "" || info["version"] == nil {
		t.Errorf("info = %v; want a title and a version", info)
	}
	scheme := lookupRef(doc, "#/components/securitySchemes/bearer")
	if m, _ := scheme.(map[string]any); m["type"] != "http" || m["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearer = %v; want type http, scheme bearer", scheme)
	}
	if diff := cmp.Diff([]any{map[string]any{"bearer": []any{}}}, doc["security"]); diff != "" {
		t.Errorf("top-level security (-want +got):\n%s", diff)
	}
	errSchema, _ := lookupRef(doc, "#/components/schemas/Error").(map[string]any)
	errProps, _ := lookupRef(doc, "#/components/schemas/Error/properties/error/properties").(map[string]any)
	for _, f := range []string{"code", "message", "field"} {
		if _, ok := errProps[f]; !ok || errSchema == nil {
			t.Errorf("Error schema lacks error.%s", f)
		}
	}

	walkRefs(doc, func(ref string) {
		if lookupRef(doc, ref) == nil {
			t.Errorf("$ref %q does not resolve", ref)
		}
	})

	placeholder := regexp.MustCompile(`\{([^}]+)\}`)
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range openAPIMethods {
			op, ok := ops[m].(map[string]any)
			if !ok {
				continue
			}
			name := strings.ToUpper(m) + " " + path
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm, _ := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					pm, _ = lookupRef(doc, ref).(map[string]any)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, want := range placeholder.FindAllStringSubmatch(path, -1) {
				if !declared[want[1]] {
					t.Errorf("%s does not declare path parameter %q", name, want[1])
				}
			}
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				t.Errorf("%s has no responses", name)
			}
			for code, r := range responses {
				if code < "400" {
					continue
				}
				rm, _ := r.(map[string]any)
				if ref, ok := rm["$ref"].(string); ok {
					rm, _ = lookupRef(doc, ref).(map[string]any)
				}
				schema := lookupPath(rm, "content", "application/json", "schema", "$ref")
				if schema != "#/components/schemas/Error" {
					t.Errorf("%s response %s schema = %v; want the Error schema", name, code, schema)
				}
			}
			sec, overridden := op["security"]
			public := path == "/api/v1/openapi.json"
			if public != (overridden && len(sec.([]any)) == 0) {
				t.Errorf("%s security = %v (overridden %v); want no token only for the document itself", name, sec, overridden)
			}
		}
	}
}

// TestOpenAPIServed: the document is served without a token, as the
// embedded bytes, as JSON.
func TestOpenAPIServed(t *testing.T) {
	rec := apiRequest(newAPIServer(t, nil, nil).Public(), "GET", "/api/v1/openapi.json", "", "")
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/openapi.json = %d; want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPIDocument) {
		t.Errorf("served document differs from the embedded one")
	}
}

// walkRefs calls fn with every "$ref" value in v.
func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "$ref" {
				fn(s)
				continue
			}
			walkRefs(e, fn)
		}
	case []any:
		for _, e := range v {
			walkRefs(e, fn)
		}
	}
}

// lookupRef resolves a local JSON pointer ("#/a/b"), nil when it does not.
func lookupRef(doc map[string]any, ref string) any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var keys []string
	for _, k := range strings.Split(rest, "/") {
		keys = append(keys, strings.ReplaceAll(strings.ReplaceAll(k, "~1", "/"), "~0", "~"))
	}
	return lookupPath(doc, keys...)
}

// lookupPath follows keys through nested objects, nil when one is missing.
func lookupPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
