package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// APIError is the one shape of every JSON API error: {"error": "..."}.
type APIError struct {
	Error string `json:"error"`
}

// fail answers a JSON API request with status and a message that says what is
// wrong, and stops the handler chain.
func Fail(c *gin.Context, status int, msg string) {
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	c.AbortWithStatusJSON(status, APIError{Error: msg})
}

// FailFields is Fail with the message of each form field at fault:
// {"error": "...", "fields": {"postal_code": "..."}}.
func FailFields(c *gin.Context, status int, msg string, fields map[string]string) {
	c.AbortWithStatusJSON(status, gin.H{"error": msg, "fields": fields})
}

// ok answers a JSON API request.
func OK(c *gin.Context, status int, v any) {
	c.JSON(status, v)
}

// BodyError turns a JSON decoding error into the status and message a client can act on.
func BodyError(err error) (int, string) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, "request body is too large"
	}
	return http.StatusBadRequest, "request body is not valid JSON: " + err.Error()
}

// CheckoutStatus is the HTTP status of a checkout's domain error, for the
// JSON API and the pages alike (the one place this mapping is made).
func CheckoutStatus(err error) int {
	switch {
	case errors.Is(err, ErrCheckoutForm), errors.Is(err, ErrCartEmpty), errors.Is(err, ErrCartTooLarge),
		errors.Is(err, ErrIdempotencyReuse), errors.Is(err, ErrCodeRefused), errors.Is(err, ErrGiftCard):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrCodeTries):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrPointsChanged), errors.Is(err, ErrPricesChanged),
		errors.Is(err, ErrTotalChanged), errors.Is(err, ErrOutOfStock), errors.Is(err, ErrPaymentKept),
		errors.Is(err, ErrEarlierPaid), errors.Is(err, ErrGiftCardShort):
		return http.StatusConflict
	case errors.Is(err, ErrProvider):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}
