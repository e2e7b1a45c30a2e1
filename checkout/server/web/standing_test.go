package web

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

// TestStandingStatuses: the standing orders' pages and API say a wrong action, a
// wrong state and an unknown subscription with their statuses.
func TestStandingStatuses(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{standing.ErrAction, http.StatusNotFound},
		{fmt.Errorf("pause: %w", recurring.ErrState), http.StatusConflict},
		{standing.ErrNotOffered, http.StatusConflict},
		{store.ErrNotFound, http.StatusNotFound},
		{errors.New("address required"), http.StatusUnprocessableEntity},
		{errors.New("disk full"), http.StatusInternalServerError},
	} {
		if got := StandingActStatus(c.err); got != c.want {
			t.Errorf("StandingActStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
