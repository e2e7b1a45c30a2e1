package retention

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// The customer's points and data page. There are no accounts: on /points/
// the customer asks for a link by e-mail; the link (/points/{token}, 192
// random bits, valid PointsLinkTTL, kept in the database as a hash) shows
// their balance, history, orders and the personal data the shop holds,
// with a button that deletes that data. Opening the link also puts the
// token in an HttpOnly cookie, which is what lets the checkout spend the
// points of that address: knowing someone's e-mail address is not enough.

// Privacy is the customer's points and data page (points links, data
// deletion) and the owner's view of one customer's points.
type Privacy struct {
	*web.Web
	UC usecase.Privacy
}

type pointsRequestPage struct {
	Lang, Email, Error, Notice string
	Signed                     string // the address whose link this browser holds
	Token                      string
}

type pointsAccountPage struct {
	Lang, Email, Token string
	Balance, Pending   int
	Worth              string
	MinRedeem          int
	History            []pointsRow
	Orders             []pointsOrder
	Notice, Error      string
	Rule               loyalty.Rule
	Currency           string
}

type pointsRow struct {
	When, Order, What         string
	Points, Balance, Forgiven int
}

type pointsOrder struct {
	ID, When, Total, State, URL string
	Name, Address               string
}

func (h *Privacy) PagePoints(c *gin.Context) {
	lang := h.Lang(c)
	d := pointsRequestPage{Lang: lang}
	if tok, err := c.Cookie(pointsCookie); err == nil && tok != "" {
		if email, err := h.UC.LinkEmail(tok); err == nil {
			d.Signed, d.Token = email, tok
		}
	}
	h.Page(c, http.StatusOK, "points-request", web.T(lang, "points.title"), d)
}

func (h *Privacy) FormPointsLink(c *gin.Context) {
	lang := h.Lang(c)
	email := loyalty.NormalizeEmail(c.PostForm("email"))
	d := pointsRequestPage{Lang: lang, Email: email}
	if !view.ValidEmail(email) {
		d.Error = web.T(lang, "field.email")
		h.Page(c, http.StatusUnprocessableEntity, "points-request", web.T(lang, "points.title"), d)
		return
	}
	// The answer is the same whether a link was sent or not (usecase.Privacy.RequestLink).
	if err := h.UC.RequestLink(email, lang); err != nil {
		h.InternalPage(c, "points link", err)
		return
	}
	d.Notice = web.T(lang, "pp.sent")
	h.Page(c, http.StatusOK, "points-request", web.T(lang, "points.title"), d)
}

// linkEmail checks the token in the path; it answers the page itself when
// the link is unknown or expired.
func (h *Privacy) linkEmail(c *gin.Context, lang string) (string, bool) {
	email, err := h.UC.LinkEmail(c.Param("token"))
	if err == nil {
		return email, true
	}
	status := http.StatusNotFound
	if errors.Is(err, usecase.ErrLinkExpired) {
		status = http.StatusGone
	} else if !errors.Is(err, usecase.ErrNotFound) {
		h.InternalPage(c, "points link", err)
		return "", false
	}
	h.Page(c, status, "message", web.T(lang, "points.title"),
		map[string]string{"Lang": lang, "Title": web.T(lang, "points.title"), "Text": web.T(lang, "pp.expired"), "Home": "/points/"})
	return "", false
}

func (h *Privacy) setPointsCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: pointsCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteLaxMode})
}

func (h *Privacy) PagePointsAccount(c *gin.Context) {
	lang := h.Lang(c)
	email, found := h.linkEmail(c, lang)
	if !found {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer") // the token is in the address
	h.setPointsCookie(c, c.Param("token"), int(PointsLinkTTL/time.Second))
	h.renderPointsAccount(c, http.StatusOK, email, lang, "", "")
}

func (h *Privacy) renderPointsAccount(c *gin.Context, status int, email, lang, notice, msg string) {
	cat := h.Catalog.Current()
	acc, orders, err := h.UC.Account(email)
	if err != nil {
		h.InternalPage(c, "points account", err)
		return
	}
	rule := loyaltyRule(cat)
	d := pointsAccountPage{Lang: lang, Email: email, Token: c.Param("token"), Balance: acc.Balance, Pending: acc.Pending,
		Worth: money.Display(rule.Value(acc.Balance), cat.Currency, lang), MinRedeem: rule.MinRedeem,
		Notice: notice, Error: msg, Rule: rule, Currency: cat.Currency}
	loc := h.Zone()
	for i := len(acc.History) - 1; i >= 0; i-- { // newest first
		e := acc.History[i]
		d.History = append(d.History, pointsRow{When: view.DayText(e.At.In(loc), lang), Order: e.OrderID,
			What: web.T(lang, "pp.kind."+string(e.Kind)), Points: e.Points, Balance: e.Balance, Forgiven: e.Forgiven})
	}
	for _, o := range orders {
		d.Orders = append(d.Orders, pointsOrder{ID: o.ID, When: view.DayText(o.CreatedAt.In(loc), lang),
			Total: money.Display(o.Total(), o.Currency, lang), State: web.T(lang, "pp.state."+string(o.State)), URL: h.OrderPath(o),
			Name: o.Customer.Name, Address: addressLine(o.Customer, lang)})
	}
	h.Page(c, status, "points-account", web.T(lang, "points.title"), d)
}

func (h *Privacy) FormDeleteData(c *gin.Context) {
	lang := h.Lang(c)
	email, found := h.linkEmail(c, lang)
	if !found {
		return
	}
	c.Header("Cache-Control", "no-store")
	if c.PostForm("confirm") != "1" {
		h.renderPointsAccount(c, http.StatusUnprocessableEntity, email, lang, "", web.T(lang, "pp.confirm_needed"))
		return
	}
	err := h.UC.DeleteData(email)
	if errors.Is(err, usecase.ErrOrderOpen) {
		h.renderPointsAccount(c, http.StatusConflict, email, lang, "", web.T(lang, "pp.open"))
		return
	}
	if err != nil {
		h.InternalPage(c, "delete customer data", err)
		return
	}
	h.setPointsCookie(c, "", -1)
	h.Page(c, http.StatusOK, "message", web.T(lang, "points.title"),
		map[string]string{"Lang": lang, "Title": web.T(lang, "pp.deleted"), "Text": web.T(lang, "pp.deleted_p"), "Home": h.Home(lang)})
}

func (h *Privacy) FormForgetLink(c *gin.Context) {
	h.setPointsCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/points/")
}

// AdminPoints is the owner's view of one customer's points:
// GET /api/admin/points?email=...
func (h *Privacy) AdminPoints(c *gin.Context) {
	email := loyalty.NormalizeEmail(c.Query("email"))
	if email == "" {
		web.Fail(c, http.StatusBadRequest, "give the customer's address: ?email=...")
		return
	}
	acc, orders, err := h.UC.OwnerAccount(email)
	if err != nil {
		h.Internal(c, "points account", err)
		return
	}
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	web.OK(c, http.StatusOK, gin.H{"email": email, "balance": acc.Balance, "pending": acc.Pending, "history": acc.History, "orders": ids})
}

// addressLine is the customer's address on one line, without the parts an
// order of gift cards only did not ask for.
func addressLine(c order.Customer, lang string) string {
	var parts []string
	for _, p := range []string{c.Street, strings.TrimSpace(c.PostalCode + " " + c.City), web.CountryName(lang, c.Country)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
