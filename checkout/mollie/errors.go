package mollie

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// decodeError turns a non-2xx answer into a *BaseError. The body is decoded
// whatever Content-Length said; a body that is not Mollie's JSON still gives
// a typed error with the HTTP status.
func decodeError(status int, _ http.Header, body []byte) *BaseError {
	e := &BaseError{}
	if err := json.Unmarshal(body, e); err != nil || (e.Title == "" && e.Detail == "") {
		e = &BaseError{Detail: snippet(body)}
	}
	if e.Status == 0 {
		e.Status = status
	}
	if e.Title == "" {
		e.Title = http.StatusText(status)
	}
	return e
}

// snippet is the start of a non-JSON body, cleaned up for an error message.
func snippet(b []byte) string {
	const max = 200
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}

// EmptyAnswerError is returned when a 2xx answer that should carry a
// resource has no body; Status is the HTTP status (e.g. 202).
type EmptyAnswerError struct{ Status int }

func (e *EmptyAnswerError) Error() string {
	return fmt.Sprintf("mollie: %d answer without a body", e.Status)
}
