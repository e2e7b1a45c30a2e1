package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/cart"
)

func DecodeJSON(c *gin.Context, v any) bool {
	data, err := io.ReadAll(c.Request.Body)
	if err == nil {
		err = DecodeStrict(data, v) // strictjson.go: exact, unique, known keys
	}
	if err != nil {
		status, msg := BodyError(err)
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			msg = fmt.Sprintf("field %q must be a %s", typeErr.Field, typeErr.Type)
			status = http.StatusUnprocessableEntity
		case errors.Is(err, ErrFieldCase), errors.Is(err, ErrUnknownField):
			msg, status = "request body: "+err.Error(), http.StatusUnprocessableEntity
		case errors.Is(err, ErrDuplicateKey):
			msg = "request body: " + err.Error()
		}
		Fail(c, status, msg)
		return false
	}
	return true
}

// Quantity checks a JSON quantity: present, whole, 1..MaxQuantity.
func Quantity(q *int, lang string) (int, string) {
	if q == nil {
		return 0, T(lang, "err.quantity_missing")
	}
	if *q < 1 || *q > cart.MaxQuantity {
		return 0, fmt.Sprintf(T(lang, "err.quantity"), cart.MaxQuantity)
	}
	return *q, ""
}

func Actor(c *gin.Context) string {
	if a := c.GetString(CtxActor); a != "" {
		return a
	}
	return "admin"
}
