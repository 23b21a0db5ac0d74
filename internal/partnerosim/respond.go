package partnerosim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Laravel's stock messages, which Partnero's API returns (API.md §1).
const (
	msgUnauthenticated = "Unauthenticated."
	msgNotFound        = "Not found"
	msgInvalid         = "The given data was invalid."
	msgTooMany         = "Too Many Attempts."
)

// reply is what a handler decided; one function writes it and the request
// log records its status, so the two cannot disagree.
type reply struct {
	status int
	header http.Header
	body   any
}

// envelope is the success wrapper API.md §1 infers: {"data": …, "status": 1}.
type envelope struct {
	Data   any       `json:"data"`
	Meta   *pageMeta `json:"meta,omitempty"`
	Status int       `json:"status"`
}

// errorBody is Laravel's error shape; Errors is keyed by field path.
type errorBody struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors,omitempty"`
}

func okData(data any) reply {
	return reply{status: http.StatusOK, body: envelope{Data: data, Status: 1}}
}

func created(data any) reply {
	return reply{status: http.StatusCreated, body: envelope{Data: data, Status: 1}}
}

func page(data any, m pageMeta) reply {
	return reply{status: http.StatusOK, body: envelope{Data: data, Meta: &m, Status: 1}}
}

func fail(status int, msg string) reply {
	return reply{status: status, body: errorBody{Message: msg}}
}

func notFound() reply { return fail(http.StatusNotFound, msgNotFound) }

func invalid(errs fieldErrors) reply {
	return reply{status: http.StatusUnprocessableEntity, body: errorBody{Message: msgInvalid, Errors: errs}}
}

// tooMany is Laravel's throttle answer.
func tooMany(limit, retryAfter int) reply {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(retryAfter))
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", "0")
	return reply{status: http.StatusTooManyRequests, header: h, body: errorBody{Message: msgTooMany}}
}

// encode renders v as compact JSON without HTML escaping, so links read as
// sent, followed by a newline.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every body is built from plain structs and maps; failing here is a
		// bug in this package, so say so rather than send half a body.
		panic("partnerosim: encode response: " + err.Error())
	}
	return b.Bytes()
}

func writeJSON(w http.ResponseWriter, rp reply) {
	for k, vs := range rp.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(rp.status)
	if rp.body != nil {
		_, _ = w.Write(encode(rp.body))
	}
}
