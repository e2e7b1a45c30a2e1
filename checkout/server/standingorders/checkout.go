package standingorders

// The checkout of a standing order as a page (works without JavaScript):
// GET /standing/new/?sku=…&weeks=… shows what is charged now, what and
// when afterwards, and how to stop; POST begins it and sends the customer
// to the first payment. The total the page showed travels with the form;
// if the price changed meanwhile the page comes back with the new one
// instead of charging (docs/money.md's guarantee).

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/standing"
)

type standingNewPage struct {
	Lang      string
	F         StandingRequest
	Intervals []int
	Countries []string // the countries the checkout offers (catalog.Countries)
	Title     string
	Q         StandingQuote
	Now       string // formatted amounts
	Each      string
	Second    string // formatted day
	Error     string
}

func (h *Standing) standingForm(c *gin.Context) StandingRequest {
	get := func(k string) string {
		if c.Request.Method == http.MethodPost {
			return strings.TrimSpace(c.PostForm(k))
		}
		return strings.TrimSpace(c.Query(k))
	}
	w, _ := strconv.Atoi(get("weeks"))
	q, _ := strconv.Atoi(get("quantity"))
	if q == 0 {
		q = 1
	}
	f := StandingRequest{SKU: get("sku"), Weeks: w, Quantity: q, Email: get("email"), Name: get("name"), Street: get("street"),
		PostalCode: get("postal_code"), City: get("city"), Country: strings.ToUpper(get("country")), Lang: h.Lang(c)}
	if f.Country == "" {
		f.Country = h.Catalog.Current().Shop.Country
	}
	return f
}

func (h *Standing) PageStandingNew(c *gin.Context) {
	f := h.standingForm(c)
	h.renderStandingNew(c, http.StatusOK, f, "")
}

func (h *Standing) renderStandingNew(c *gin.Context, status int, f StandingRequest, msg string) {
	lang := h.Lang(c)
	cat := h.Catalog.Current()
	it, found := cat.Lookup(f.SKU)
	if !found || it.Subscription == nil {
		h.NoRoute(c)
		return
	}
	if f.Weeks == 0 || !(recurring.Offer{Intervals: it.Subscription.Intervals}).Offers(f.Weeks) {
		f.Weeks = it.Subscription.Intervals[0]
	}
	q, err := h.quoteStanding(f.request())
	if err != nil {
		f.Country = cat.Shop.Country
		if q, err = h.quoteStanding(f.request()); err != nil {
			h.InternalPage(c, "quote standing order", err)
			return
		}
		if msg == "" {
			msg = web.T(lang, "standing.new.country")
		}
	}
	title := it.Name(lang)
	if v := it.VariantName(lang); v != "" {
		title += " · " + v
	}
	second, _ := time.Parse(time.DateOnly, q.SecondCharge)
	d := standingNewPage{Lang: lang, F: f, Intervals: it.Subscription.Intervals, Countries: countriesWith(cat, f.Country), Title: title, Q: q, Error: msg,
		Now: money.Display(q.ChargedNow, q.Currency, lang), Each: money.Display(q.PerDelivery, q.Currency, lang), Second: view.DayText(second, lang)}
	h.page(c, status, lang, "standing-new", "standing.new.title", d)
}

func (h *Standing) FormStandingNew(c *gin.Context) {
	f := h.standingForm(c)
	lang := h.Lang(c)
	if c.PostForm("update") != "" {
		h.renderStandingNew(c, http.StatusOK, f, "")
		return
	}
	req := f.request()
	if msg := standingFormError(req); msg != "" {
		h.renderStandingNew(c, http.StatusUnprocessableEntity, f, web.T(lang, "standing.new.fields"))
		return
	}
	if errs := addressErrors(h.Catalog.Current(), req.Email, &req.Address, lang); len(errs) > 0 {
		h.renderStandingNew(c, http.StatusUnprocessableEntity, f, addressMessage(errs, lang))
		return
	}
	q, err := h.quoteStanding(req)
	if err != nil {
		h.renderStandingNew(c, http.StatusUnprocessableEntity, f, web.T(lang, "standing.new.country"))
		return
	}
	if shown, err := strconv.ParseInt(c.PostForm("shown_total"), 10, 64); err != nil || money.Amount(shown) != q.ChargedNow {
		// The page showed another amount (a price change, another country or
		// interval chosen): show the real one before anything is charged.
		h.renderStandingNew(c, http.StatusConflict, f, web.T(lang, "standing.new.changed"))
		return
	}
	b, err := h.Svc.Begin(c.Request.Context(), req)
	if errors.Is(err, standing.ErrNoRecurring) {
		h.renderStandingNew(c, http.StatusServiceUnavailable, f, web.T(lang, "standing.new.unavailable"))
		return
	}
	if err != nil {
		h.InternalPage(c, "begin standing order", err)
		return
	}
	c.Redirect(http.StatusSeeOther, b.CheckoutURL)
}

// countriesWith are the countries to choose from on a subscription's
// pages: those the checkout offers, each with a shipping method, and the
// address's own country when no method goes there any more (so the form
// does not quietly move the subscriber; changing to it is refused with a
// message).
func countriesWith(cat *catalog.Catalog, current string) []string {
	cs := cat.Countries()
	if current != "" && !slices.Contains(cs, current) {
		cs = append(cs, current)
		slices.Sort(cs)
	}
	return cs
}
