package shipping

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/usecase"
)

// TestLabelStatus: each label error has its status and says what to do;
// an address the carrier refused is the owner's to correct (422), the
// carrier not answering is a retry (502, no second parcel).
func TestLabelStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
		says string
	}{
		{usecase.ErrNotFound, http.StatusNotFound, "no such order"},
		{fmt.Errorf("label: %w", usecase.ErrNotShippable), http.StatusConflict, ""},
		{order.ErrTransition, http.StatusConflict, ""},
		{carrier.ErrNotSupported, http.StatusConflict, "cannot"},
		{fmt.Errorf("SF-1: %w", sendcloud.ErrInvalidAddress), http.StatusUnprocessableEntity, "correct it"},
		{sendcloud.ErrUnauthorized, http.StatusBadGateway, "SHOP_SENDCLOUD_SECRET_KEY"},
		{sendcloud.ErrTimeout, http.StatusBadGateway, "no second parcel"},
		{sendcloud.ErrServer, http.StatusBadGateway, "try again"},
		{errors.New("odd"), http.StatusBadGateway, "odd"},
	} {
		got, msg := labelStatus(c.err)
		if got != c.want || !strings.Contains(msg, c.says) || labelWords(c.err) != msg {
			t.Errorf("labelStatus(%v) = %d %q, want %d containing %q", c.err, got, msg, c.want, c.says)
		}
	}
}

// TestKm: a pick-up point's distance in metres under a kilometre, else in
// kilometres with one decimal; none when unknown.
func TestKm(t *testing.T) {
	for m, want := range map[int]string{0: "", -5: "", 1: "1 m", 999: "999 m", 1000: "1.0 km", 1049: "1.0 km", 12345: "12.3 km"} {
		if got := km(m); got != want {
			t.Errorf("km(%d) = %q, want %q", m, got, want)
		}
	}
}
