package server

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/store"
)

// The customer's points and data page. There are no accounts: on /points/
// the customer asks for a link by e-mail; the link (/points/{token}, 192
// random bits, valid pointsLinkTTL, kept in the database as a hash) shows
// their balance, history, orders and the personal data the shop holds,
// with a button that deletes that data. Opening the link also puts the
// token in an HttpOnly cookie, which is what lets the checkout spend the
// points of that address: knowing someone's e-mail address is not enough.

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

func (s *Sidecar) pagePoints(c *gin.Context) {
	lang := s.lang(c)
	d := pointsRequestPage{Lang: lang}
	if tok, err := c.Cookie(pointsCookie); err == nil && tok != "" {
		if email, err := s.store.PointsLinkEmail(tok); err == nil {
			d.Signed, d.Token = email, tok
		}
	}
	s.page(c, http.StatusOK, "points-request", tr(lang, "points.title"), d)
}

func (s *Sidecar) formPointsLink(c *gin.Context) {
	lang := s.lang(c)
	email := loyalty.NormalizeEmail(c.PostForm("email"))
	d := pointsRequestPage{Lang: lang, Email: email}
	if !validEmail(email) {
		d.Error = tr(lang, "field.email")
		s.page(c, http.StatusUnprocessableEntity, "points-request", tr(lang, "points.title"), d)
		return
	}
	// Only addresses with an order their owner confirmed (paid) get a link:
	// neither the form nor an unpaid order with someone else's address can
	// make the shop mail strangers. The answer is the same either way.
	if os, err := s.store.CustomerOrders(email); err != nil {
		s.internalPage(c, "points link", err)
		return
	} else if slices.ContainsFunc(os, store.ConfirmedByOwner) {
		if _, err := s.store.RequestPointsLink(email, lang, pointsLinkTTL, pointsLinkEvery); err != nil {
			s.internalPage(c, "points link", err)
			return
		}
		s.kickMail()
	}
	d.Notice = tr(lang, "pp.sent")
	s.page(c, http.StatusOK, "points-request", tr(lang, "points.title"), d)
}

// linkEmail checks the token in the path; it answers the page itself when
// the link is unknown or expired.
func (s *Sidecar) linkEmail(c *gin.Context, lang string) (string, bool) {
	email, err := s.store.PointsLinkEmail(c.Param("token"))
	if err == nil {
		return email, true
	}
	status := http.StatusNotFound
	if errors.Is(err, store.ErrLinkExpired) {
		status = http.StatusGone
	} else if !errors.Is(err, store.ErrNotFound) {
		s.internalPage(c, "points link", err)
		return "", false
	}
	s.page(c, status, "message", tr(lang, "points.title"),
		map[string]string{"Lang": lang, "Title": tr(lang, "points.title"), "Text": tr(lang, "pp.expired"), "Home": "/points/"})
	return "", false
}

func (s *Sidecar) setPointsCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: pointsCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteLaxMode})
}

func (s *Sidecar) pagePointsAccount(c *gin.Context) {
	lang := s.lang(c)
	email, found := s.linkEmail(c, lang)
	if !found {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer") // the token is in the address
	s.setPointsCookie(c, c.Param("token"), int(pointsLinkTTL/time.Second))
	s.renderPointsAccount(c, http.StatusOK, email, lang, "", "")
}

func (s *Sidecar) renderPointsAccount(c *gin.Context, status int, email, lang, notice, msg string) {
	cat := s.catalog.Current()
	acc, orders, err := s.store.PointsAccount(email, s.returnWindow)
	if err != nil {
		s.internalPage(c, "points account", err)
		return
	}
	rule := loyaltyRule(cat)
	d := pointsAccountPage{Lang: lang, Email: email, Token: c.Param("token"), Balance: acc.Balance, Pending: acc.Pending,
		Worth: money.Display(rule.Value(acc.Balance), cat.Currency, lang), MinRedeem: rule.MinRedeem,
		Notice: notice, Error: msg, Rule: rule, Currency: cat.Currency}
	loc := s.zone()
	for i := len(acc.History) - 1; i >= 0; i-- { // newest first
		e := acc.History[i]
		d.History = append(d.History, pointsRow{When: dayText(e.At.In(loc), lang), Order: e.OrderID,
			What: tr(lang, "pp.kind."+string(e.Kind)), Points: e.Points, Balance: e.Balance, Forgiven: e.Forgiven})
	}
	for _, o := range orders {
		if !store.ConfirmedByOwner(o) {
			continue // a stranger may have typed this address into an unpaid order
		}
		d.Orders = append(d.Orders, pointsOrder{ID: o.ID, When: dayText(o.CreatedAt.In(loc), lang),
			Total: money.Display(o.Total(), o.Currency, lang), State: tr(lang, "pp.state."+string(o.State)), URL: s.orderPath(o),
			Name: o.Customer.Name, Address: strings.Join([]string{o.Customer.Street, o.Customer.PostalCode + " " + o.Customer.City, countryName(lang, o.Customer.Country)}, ", ")})
	}
	s.page(c, status, "points-account", tr(lang, "points.title"), d)
}

func (s *Sidecar) formDeleteData(c *gin.Context) {
	lang := s.lang(c)
	email, found := s.linkEmail(c, lang)
	if !found {
		return
	}
	c.Header("Cache-Control", "no-store")
	if c.PostForm("confirm") != "1" {
		s.renderPointsAccount(c, http.StatusUnprocessableEntity, email, lang, "", tr(lang, "pp.confirm_needed"))
		return
	}
	unlock := s.lockEmail(email) // no checkout spends these points meanwhile
	d, err := s.store.DeleteCustomerData(email)
	unlock()
	if errors.Is(err, store.ErrOrderOpen) {
		s.renderPointsAccount(c, http.StatusConflict, email, lang, "", tr(lang, "pp.open"))
		return
	}
	if err != nil {
		s.internalPage(c, "delete customer data", err)
		return
	}
	s.log.Info("customer data deleted on request", "orders", d.Orders, "mails", d.Mails, "links", d.Links)
	s.setPointsCookie(c, "", -1)
	s.page(c, http.StatusOK, "message", tr(lang, "points.title"),
		map[string]string{"Lang": lang, "Title": tr(lang, "pp.deleted"), "Text": tr(lang, "pp.deleted_p"), "Home": s.home(lang)})
}

func (s *Sidecar) formForgetLink(c *gin.Context) {
	s.setPointsCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/points/")
}

// adminPoints is the owner's view of one customer's points:
// GET /api/admin/points?email=...
func (s *Sidecar) adminPoints(c *gin.Context) {
	email := loyalty.NormalizeEmail(c.Query("email"))
	if email == "" {
		fail(c, http.StatusBadRequest, "give the customer's address: ?email=...")
		return
	}
	acc, orders, err := s.store.PointsAccount(email, s.returnWindow)
	if err != nil {
		s.internal(c, "points account", err)
		return
	}
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	ok(c, http.StatusOK, gin.H{"email": email, "balance": acc.Balance, "pending": acc.Pending, "history": acc.History, "orders": ids})
}

func init() {
	template.Must(pages.New("keep-points").Parse(pointsTemplates))
	addPhrases(map[string]map[string]string{
		"nl": {
			"pp.intro":                  "Je spaart punten met elke bestelling. Er is geen account: je punten horen bij je e-mailadres. Vul het in en we sturen je een link naar je punten en de gegevens die we van je hebben. Met die link kun je ook je punten gebruiken bij het afrekenen en je gegevens laten verwijderen.",
			"pp.email":                  "Je e-mailadres",
			"pp.send":                   "Stuur mij de link",
			"pp.sent":                   "Als we bestellingen van dit adres hebben, staat er binnen een paar minuten een e-mail met de link in je inbox.",
			"pp.signed":                 "Deze browser heeft de link van %s.",
			"pp.open_link":              "Naar mijn punten",
			"pp.forget":                 "Deze browser vergeten",
			"pp.expired":                "Deze link is verlopen of onbekend. Vraag een nieuwe aan op de pagina Mijn punten.",
			"pp.balance":                "Je hebt %d punten, samen %s korting.",
			"pp.pending":                "Nog bij te schrijven: %d punten, zodra de retourtermijn van je bestellingen voorbij is.",
			"pp.rule":                   "Elke hele euro die je aan producten betaalt is %d punt(en) waard; elk punt is %s korting bij het afrekenen, vanaf %d punten.",
			"pp.history":                "Geschiedenis",
			"pp.orders":                 "Je bestellingen",
			"pp.data":                   "Wat we van je bewaren",
			"pp.data_p":                 "Bij je bestellingen: je naam, e-mailadres en bezorgadres, en wat je kocht en betaalde. We gebruiken ze om te leveren, voor retouren en voor je punten.",
			"pp.delete":                 "Mijn gegevens verwijderen",
			"pp.delete_p":               "We wissen je naam, e-mailadres, adres, cadeauberichten en track-and-trace bij al je bestellingen, en de e-mails die we je stuurden; je reviews blijven staan onder de naam die je koos, zonder je e-mailadres. Je punten vervallen daarmee. Wat de wet ons laat bewaren voor de boekhouding (7 jaar): ordernummer, datum, producten, bedragen, btw, betalingen, terugbetalingen en het land van levering — zonder je naam of adres.",
			"pp.confirm":                "Ja, verwijder mijn gegevens en punten",
			"pp.confirm_needed":         "Vink eerst aan dat je je gegevens echt wilt laten verwijderen.",
			"pp.open":                   "Je hebt nog een bestelling of retour onderweg; daarvoor hebben we je adres nodig. Verwijderen kan zodra die afgerond is.",
			"pp.deleted":                "Je gegevens zijn verwijderd",
			"pp.deleted_p":              "We hebben je naam, e-mailadres en adres bij je bestellingen gewist, en je punten vervallen. Alleen de boekhoudgegevens zonder naam of adres blijven bewaard.",
			"pp.when":                   "Datum",
			"pp.order":                  "Bestelling",
			"pp.what":                   "Wat",
			"pp.points":                 "Punten",
			"pp.after":                  "Saldo",
			"pp.total":                  "Totaal",
			"pp.state":                  "Status",
			"pp.none":                   "Nog geen punten.",
			"pp.kind.credited":          "bijgeschreven (bezorgd)",
			"pp.kind.taken_back":        "teruggenomen (terugbetaling)",
			"pp.kind.redeemed":          "gebruikt bij afrekenen",
			"pp.kind.restored":          "teruggegeven (terugbetaling)",
			"pp.forgiven":               "kwijtgescholden",
			"pp.state.awaiting_payment": "wacht op betaling",
			"pp.state.payment_failed":   "betaling mislukt",
			"pp.state.paid":             "betaald",
			"pp.state.packed":           "ingepakt",
			"pp.state.shipped":          "verzonden",
			"pp.state.delivered":        "bezorgd",
			"pp.state.canceled":         "geannuleerd",
		},
		"en": {
			"pp.intro":                  "You collect points with every order. There is no account: your points belong to your e-mail address. Enter it and we send you a link to your points and the data we hold about you. With that link you can also use your points at checkout and have your data deleted.",
			"pp.email":                  "Your e-mail address",
			"pp.send":                   "Send me the link",
			"pp.sent":                   "If we have orders from this address, an e-mail with the link will be in your inbox within a few minutes.",
			"pp.signed":                 "This browser holds the link of %s.",
			"pp.open_link":              "To my points",
			"pp.forget":                 "Forget this browser",
			"pp.expired":                "This link has expired or is unknown. Ask for a new one on the My points page.",
			"pp.balance":                "You have %d points, together %s off.",
			"pp.pending":                "Still to be credited: %d points, once the return period of your orders has ended.",
			"pp.rule":                   "Every whole euro you pay for products is worth %d point(s); each point is %s off at checkout, from %d points.",
			"pp.history":                "History",
			"pp.orders":                 "Your orders",
			"pp.data":                   "What we keep about you",
			"pp.data_p":                 "With your orders: your name, e-mail address and delivery address, and what you bought and paid. We use them to deliver, for returns and for your points.",
			"pp.delete":                 "Delete my data",
			"pp.delete_p":               "We erase your name, e-mail address, address, gift notes and tracking on all your orders, and the e-mails we sent you; your reviews stay under the name you chose, without your address. Your points lapse with them. What the law lets us keep for the books (7 years): order number, date, products, amounts, VAT, payments, refunds and the country of delivery — without your name or address.",
			"pp.confirm":                "Yes, delete my data and points",
			"pp.confirm_needed":         "First tick the box to confirm you really want your data deleted.",
			"pp.open":                   "You still have an order or a return under way; we need your address for it. You can delete once it is done.",
			"pp.deleted":                "Your data has been deleted",
			"pp.deleted_p":              "We erased your name, e-mail address and address on your orders, and your points lapsed. Only the bookkeeping records without name or address are kept.",
			"pp.when":                   "Date",
			"pp.order":                  "Order",
			"pp.what":                   "What",
			"pp.points":                 "Points",
			"pp.after":                  "Balance",
			"pp.total":                  "Total",
			"pp.state":                  "Status",
			"pp.none":                   "No points yet.",
			"pp.kind.credited":          "credited (delivered)",
			"pp.kind.taken_back":        "taken back (refund)",
			"pp.kind.redeemed":          "used at checkout",
			"pp.kind.restored":          "given back (refund)",
			"pp.forgiven":               "forgiven",
			"pp.state.awaiting_payment": "awaiting payment",
			"pp.state.payment_failed":   "payment failed",
			"pp.state.paid":             "paid",
			"pp.state.packed":           "packed",
			"pp.state.shipped":          "shipped",
			"pp.state.delivered":        "delivered",
			"pp.state.canceled":         "canceled",
		},
	})
}

const pointsTemplates = `
{{define "points-request"}}{{$l := .Lang}}
<div class="wrap prose sf-points-page">
<h1>{{t $l "points.title"}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
{{if .Notice}}<p class="notice notice--success" role="status">{{.Notice}}</p>{{end}}
{{if .Signed}}<p>{{tf $l "pp.signed" .Signed}} <a href="/points/{{.Token}}">{{t $l "pp.open_link"}}</a></p>
<form method="post" action="/points/x/forget"><button type="submit" class="button button--link">{{t $l "pp.forget"}}</button></form>{{end}}
<p>{{t $l "pp.intro"}}</p>
<form method="post" action="/points/" class="sf-points-form">
<input type="hidden" name="lang" value="{{$l}}">
<p class="sf-field form-row"><label for="f-pemail">{{t $l "pp.email"}}</label>
<input id="f-pemail" name="email" type="email" autocomplete="email" required value="{{.Email}}"></p>
<p><button type="submit" class="sf-button button button--primary">{{t $l "pp.send"}}</button></p>
</form>
</div>
{{end}}

{{define "points-account"}}{{$l := .Lang}}
<div class="wrap sf-points-account">
<h1>{{t $l "points.title"}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<p class="sf-points-balance"><strong data-points="{{.Balance}}">{{tf $l "pp.balance" .Balance .Worth}}</strong></p>
{{if .Pending}}<p data-pending="{{.Pending}}">{{tf $l "pp.pending" .Pending}}</p>{{end}}
{{if .Rule.Enabled}}<p class="muted small">{{tf $l "pp.rule" .Rule.PointsPerEuro (money .Rule.PointValue .Currency $l) .MinRedeem}}</p>{{end}}
<h2>{{t $l "pp.history"}}</h2>
{{if .History}}<table class="sf-lines cart-table sf-points-history"><thead><tr><th scope="col">{{t $l "pp.when"}}</th><th scope="col">{{t $l "pp.order"}}</th><th scope="col">{{t $l "pp.what"}}</th><th scope="col" class="num">{{t $l "pp.points"}}</th><th scope="col" class="num">{{t $l "pp.after"}}</th></tr></thead><tbody>
{{range .History}}<tr><td>{{.When}}</td><td>{{.Order}}</td><td>{{.What}}{{if .Forgiven}} ({{.Forgiven}} {{t $l "pp.forgiven"}}){{end}}</td><td class="num">{{if gt .Points 0}}+{{end}}{{.Points}}</td><td class="num">{{.Balance}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">{{t $l "pp.none"}}</p>{{end}}
<h2>{{t $l "pp.orders"}}</h2>
<table class="sf-lines cart-table"><thead><tr><th scope="col">{{t $l "pp.order"}}</th><th scope="col">{{t $l "pp.when"}}</th><th scope="col">{{t $l "pp.state"}}</th><th scope="col" class="num">{{t $l "pp.total"}}</th></tr></thead><tbody>
{{range .Orders}}<tr><td><a href="{{.URL}}">{{.ID}}</a></td><td>{{.When}}</td><td>{{.State}}</td><td class="num">{{.Total}}</td></tr>
{{end}}</tbody></table>
<h2>{{t $l "pp.data"}}</h2>
<p>{{t $l "pp.data_p"}}</p>
<ul class="sf-points-data"><li>{{.Email}}</li>{{range .Orders}}<li>{{.ID}}: {{.Name}}, {{.Address}}</li>{{end}}</ul>
<h2>{{t $l "pp.delete"}}</h2>
<p>{{t $l "pp.delete_p"}}</p>
<form method="post" action="/points/{{.Token}}/delete" class="sf-points-delete">
<input type="hidden" name="lang" value="{{$l}}">
<p><label><input type="checkbox" name="confirm" value="1"> {{t $l "pp.confirm"}}</label></p>
<p><button type="submit" class="sf-button button">{{t $l "pp.delete"}}</button></p>
</form>
<form method="post" action="/points/{{.Token}}/forget"><button type="submit" class="button button--link">{{t $l "pp.forget"}}</button></form>
</div>
{{end}}

{{define "points-field"}}{{$l := .Lang}}{{with .Points}}{{if .On}}
<fieldset class="sf-field form-row sf-points{{if .Error}} sf-invalid{{end}}">
<legend>{{t $l "sum.points"}}</legend>
<input type="hidden" name="points_shown" value="{{if .Using}}1{{else}}0{{end}}">
{{if and .Email .Points}}<label><input type="checkbox" name="use_points" value="1"{{if .Using}} checked{{end}}> {{tf $l "points.use" .Points .Discount}}</label>
<p class="muted small">{{if .Using}}{{tf $l "points.using_hint" .Balance}}{{else}}{{tf $l "points.use_hint" .Balance .Worth}}{{end}}</p>
{{else if .Email}}<p class="muted small">{{tf $l "points.none" .Balance .Worth .Min}}</p>
{{else}}<p class="muted small">{{t $l "points.ask"}} <a href="/points/?lang={{$l}}">{{t $l "points.title"}}</a></p>{{end}}
{{with .Error}}<span id="e-use_points" class="sf-error field-error">{{.}}</span>{{end}}
</fieldset>
{{end}}{{end}}{{end}}
`
