package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiError is the one shape of every JSON API error: {"error": "..."}.
type apiError struct {
	Error string `json:"error"`
}

// fail answers a JSON API request with status and a message that says what is
// wrong, and stops the handler chain.
func fail(c *gin.Context, status int, msg string) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	c.AbortWithStatusJSON(status, apiError{Error: msg})
}

// ok answers a JSON API request.
func ok(c *gin.Context, status int, v any) {
	c.JSON(status, v)
}

// bodyError turns a JSON decoding error into the status and message a client can act on.
func bodyError(err error) (int, string) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, "request body is too large"
	}
	return http.StatusBadRequest, "request body is not valid JSON: " + err.Error()
}
