package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

// StandingActStatus is the status of a standing order action's error, for
// the customer's and the owner's API and pages alike.
func StandingActStatus(err error) int {
	switch {
	case errors.Is(err, standing.ErrAction):
		return http.StatusNotFound
	case errors.Is(err, recurring.ErrState), errors.Is(err, recurring.ErrInterval), errors.Is(err, standing.ErrNotOffered):
		return http.StatusConflict
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case strings.Contains(err.Error(), "required"), strings.Contains(err.Error(), "does not deliver"):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}
