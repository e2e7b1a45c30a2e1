package server

// The checkout of a standing order as a page (works without JavaScript):
// GET /standing/new/?sku=…&weeks=… shows what is charged now, what and
// when afterwards, and how to stop; POST begins it and sends the customer
// to the first payment. The total the page showed travels with the form;
// if the price changed meanwhile the page comes back with the new one
// instead of charging (docs/money.md's guarantee).

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
)

type standingNewPage struct {
	Lang      string
	F         StandingRequest
	Intervals []int
	Title     string
	Q         StandingQuote
	Now       string // formatted amounts
	Each      string
	Second    string // formatted day
	Error     string
}

var standingNewTmpl = template.Must(template.New("standing-new").Funcs(pageFuncs).Parse(`{{$l := .Lang}}
<div class="wrap sf-standing-new">
<h1>{{t $l "standing.new.title"}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<p><strong>{{.Title}}</strong></p>
<div class="sf-standing-terms" data-charged-now="{{.Q.ChargedNow}}">
<p>{{tf $l "standing.new.now" .Now}}</p>
<p>{{tf $l "standing.new.then" .F.Weeks .Each .Second}}</p>
<p>{{tf $l "standing.new.notice" .Q.NoticeDays}}</p>
<p>{{t $l "standing.how"}}</p>
</div>
<form method="post" action="/standing/new/" class="sf-standing-form">
<input type="hidden" name="lang" value="{{$l}}">
<input type="hidden" name="sku" value="{{.F.SKU}}">
<input type="hidden" name="shown_total" value="{{.Q.ChargedNow}}">
<p><label for="sf-n-weeks">{{t $l "standing.interval"}}</label>
<select id="sf-n-weeks" name="weeks">{{range .Intervals}}<option value="{{.}}"{{if eq . $.F.Weeks}} selected{{end}}>{{tf $l "standing.every" .}}</option>{{end}}</select></p>
<p><label for="sf-n-qty">{{t $l "cart.quantity"}}</label> <input id="sf-n-qty" name="quantity" type="number" min="1" max="20" value="{{.F.Quantity}}" inputmode="numeric"></p>
<p><label for="sf-n-email">{{t $l "co.email"}}</label> <input id="sf-n-email" name="email" type="email" value="{{.F.Email}}" required autocomplete="email"></p>
<p><label for="sf-n-name">{{t $l "co.name"}}</label> <input id="sf-n-name" name="name" value="{{.F.Name}}" required autocomplete="name"></p>
<p><label for="sf-n-street">{{t $l "co.street"}}</label> <input id="sf-n-street" name="street" value="{{.F.Street}}" required autocomplete="street-address"></p>
<p><label for="sf-n-pc">{{t $l "co.postal_code"}}</label> <input id="sf-n-pc" name="postal_code" value="{{.F.PostalCode}}" required autocomplete="postal-code"></p>
<p><label for="sf-n-city">{{t $l "co.city"}}</label> <input id="sf-n-city" name="city" value="{{.F.City}}" required autocomplete="address-level2"></p>
<p><label for="sf-n-country">{{t $l "co.country"}}</label> <input id="sf-n-country" name="country" value="{{.F.Country}}" required maxlength="2" size="3" autocomplete="country"></p>
<p><button class="button" type="submit" name="update" value="1">{{t $l "co.update"}}</button>
<button class="button button--primary" type="submit">{{tf $l "standing.new.pay" .Now}}</button></p>
</form>
</div>
`))

func (s *Sidecar) standingForm(c *gin.Context) StandingRequest {
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
		PostalCode: get("postal_code"), City: get("city"), Country: strings.ToUpper(get("country")), Lang: s.lang(c)}
	if f.Country == "" {
		f.Country = s.catalog.Current().Shop.Country
	}
	return f
}

func (s *Sidecar) pageStandingNew(c *gin.Context) {
	f := s.standingForm(c)
	s.renderStandingNew(c, http.StatusOK, f, "")
}

func (s *Sidecar) renderStandingNew(c *gin.Context, status int, f StandingRequest, msg string) {
	lang := s.lang(c)
	cat := s.catalog.Current()
	it, found := cat.Lookup(f.SKU)
	if !found || it.Subscription == nil {
		s.noRoute(c)
		return
	}
	if f.Weeks == 0 || !(recurring.Offer{Intervals: it.Subscription.Intervals}).Offers(f.Weeks) {
		f.Weeks = it.Subscription.Intervals[0]
	}
	q, err := s.quoteStanding(f.request())
	if err != nil {
		f.Country = cat.Shop.Country
		if q, err = s.quoteStanding(f.request()); err != nil {
			s.internalPage(c, "quote standing order", err)
			return
		}
		if msg == "" {
			msg = tr(lang, "standing.new.country")
		}
	}
	title := it.Title
	if it.Variant != "" {
		title += " · " + it.Variant
	}
	second, _ := time.Parse(time.DateOnly, q.SecondCharge)
	d := standingNewPage{Lang: lang, F: f, Intervals: it.Subscription.Intervals, Title: title, Q: q, Error: msg,
		Now: money.Display(q.ChargedNow, q.Currency, lang), Each: money.Display(q.PerDelivery, q.Currency, lang), Second: dayText(second, lang)}
	var b bytes.Buffer
	if err := standingNewTmpl.Execute(&b, d); err != nil {
		s.internalPage(c, "render standing checkout", err)
		return
	}
	doc := s.shells.get(lang).render(tr(lang, "standing.new.title"), htmlSafe(b.String()))
	c.Header("X-Robots-Tag", "noindex")
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", doc)
}

func (s *Sidecar) formStandingNew(c *gin.Context) {
	f := s.standingForm(c)
	lang := s.lang(c)
	if c.PostForm("update") != "" {
		s.renderStandingNew(c, http.StatusOK, f, "")
		return
	}
	req := f.request()
	if msg := standingFormError(req); msg != "" {
		s.renderStandingNew(c, http.StatusUnprocessableEntity, f, tr(lang, "standing.new.fields"))
		return
	}
	q, err := s.quoteStanding(req)
	if err != nil {
		s.renderStandingNew(c, http.StatusUnprocessableEntity, f, tr(lang, "standing.new.country"))
		return
	}
	if shown, err := strconv.ParseInt(c.PostForm("shown_total"), 10, 64); err != nil || money.Amount(shown) != q.ChargedNow {
		// The page showed another amount (a price change, another country or
		// interval chosen): show the real one before anything is charged.
		s.renderStandingNew(c, http.StatusConflict, f, tr(lang, "standing.new.changed"))
		return
	}
	b, err := s.standing.Begin(c.Request.Context(), req)
	if errors.Is(err, standing.ErrNoRecurring) {
		s.renderStandingNew(c, http.StatusServiceUnavailable, f, tr(lang, "standing.new.unavailable"))
		return
	}
	if err != nil {
		s.internalPage(c, "begin standing order", err)
		return
	}
	c.Redirect(http.StatusSeeOther, b.CheckoutURL)
}

func init() {
	addPhrases(map[string]map[string]string{
		"nl": {
			"standing.new.title":       "Abonnement afsluiten",
			"standing.new.now":         "Nu betaal je %s (de eerste levering, met verzending).",
			"standing.new.then":        "Daarna elke %d weken %s, automatisch afgeschreven, voor het eerst op %s.",
			"standing.new.notice":      "%d dagen voor elke afschrijving krijg je een e-mail met het bedrag en de datum.",
			"standing.new.pay":         "Abonneren en %s betalen",
			"standing.new.fields":      "Vul je e-mailadres, naam, straat, postcode, plaats en land (twee letters, bijvoorbeeld NL) in.",
			"standing.new.country":     "We kunnen niet bezorgen in dat land; kies een ander land.",
			"standing.new.changed":     "Het bedrag is veranderd sinds de pagina werd getoond. Dit is het juiste bedrag; er is nog niets afgeschreven.",
			"standing.new.unavailable": "Abonnementen kunnen in deze winkel nu niet worden afgesloten. Er is niets afgeschreven.",
		},
		"en": {
			"standing.new.title":       "Take a subscription",
			"standing.new.now":         "Now you pay %s (the first delivery, shipping included).",
			"standing.new.then":        "Then every %d weeks %s, charged automatically, first on %s.",
			"standing.new.notice":      "%d days before every charge you get an e-mail with the amount and the day.",
			"standing.new.pay":         "Subscribe and pay %s",
			"standing.new.fields":      "Fill in your e-mail, name, street, postal code, city and country (two letters, e.g. NL).",
			"standing.new.country":     "We cannot deliver to that country; choose another one.",
			"standing.new.changed":     "The amount changed since the page was shown. This is the right amount; nothing has been charged.",
			"standing.new.unavailable": "Subscriptions cannot be taken in this shop right now. Nothing has been charged.",
		},
	})
}
