package shop

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// AvailabilityView is one SKU's live stock for product pages.
type AvailabilityView struct {
	SKU       string `json:"sku"`
	Known     bool   `json:"known"`               // in the catalog
	Tracked   bool   `json:"tracked"`             // false: made or sourced on demand, no limit
	Available bool   `json:"available"`           // at least one can be ordered now
	Remaining *int   `json:"remaining,omitempty"` // tracked only
}

// Availability answers the product pages' live stock.
type Availability struct {
	*web.Web
	Store *store.Store
}

const maxAvailabilitySKUs = 50

// APIAvailability answers GET /api/availability?sku=A&sku=B.
func (h *Availability) APIAvailability(c *gin.Context) {
	skus := c.QueryArray("sku")
	if len(skus) == 0 {
		web.Fail(c, http.StatusBadRequest, "give one or more sku parameters, e.g. /api/availability?sku=KOF-GUJI-250-BO")
		return
	}
	if len(skus) > maxAvailabilitySKUs {
		web.Fail(c, http.StatusBadRequest, "at most 50 sku parameters per request")
		return
	}
	for _, sku := range skus {
		if !validSKU(sku) {
			web.Fail(c, http.StatusBadRequest, "sku "+quoteShort(sku)+" is not a valid product code")
			return
		}
	}
	av, err := h.Store.Stock.Availability(h.Catalog.Current(), skus...)
	if err != nil {
		h.Internal(c, "availability", err)
		return
	}
	out := struct {
		Items []AvailabilityView `json:"items"`
	}{Items: make([]AvailabilityView, 0, len(av))}
	for _, a := range av {
		v := AvailabilityView{SKU: a.SKU, Known: a.Known, Tracked: a.Tracked, Available: a.InStock(1)}
		if a.Tracked {
			r := a.Remaining
			v.Remaining = &r
		}
		out.Items = append(out.Items, v)
	}
	c.Header("Cache-Control", "no-cache")
	web.OK(c, http.StatusOK, out)
}

// quoteShort quotes user input for a message, cut to a readable length.
func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		r = append(r[:40], '…')
	}
	return `"` + string(r) + `"`
}
