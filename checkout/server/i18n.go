package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/order"
)

const langCookie = "sf_lang"

// langExplicit is the language the customer chose: the lang form field or
// query parameter (remembered in a cookie), or the cookie; "" when none.
func (s *Sidecar) langExplicit(c *gin.Context) string {
	l := c.Query("lang")
	if l == "" && c.Request.Method == http.MethodPost {
		l = c.PostForm("lang")
	}
	if l == "nl" || l == "en" {
		if cur, _ := c.Cookie(langCookie); cur != l {
			http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: s.base.Scheme == "https", SameSite: http.SameSiteLaxMode})
		}
		return l
	}
	if l, err := c.Cookie(langCookie); err == nil && (l == "nl" || l == "en") {
		return l
	}
	return ""
}

// langOr is the customer's chosen language, else fallback (the language
// of the order or subscription at hand; anything but en is nl). It is the
// language of the rest of the request too.
func (s *Sidecar) langOr(c *gin.Context, fallback string) string {
	lang := s.langExplicit(c)
	if lang == "" {
		lang = fallback
		if lang != "en" {
			lang = "nl"
		}
	}
	c.Set("lang", lang)
	return lang
}

// orderLang is the language of a page about o.
func (s *Sidecar) orderLang(c *gin.Context, o *order.Order) string { return s.langOr(c, o.Lang) }

// lang is the language to answer in: the customer's choice, else the site's
// default language (that of its shell page).
func (s *Sidecar) lang(c *gin.Context) string {
	if l, found := c.Get("lang"); found {
		return l.(string)
	}
	l := s.langExplicit(c)
	if l == "" && strings.HasPrefix(c.Request.URL.Path, "/api/") {
		// API clients may say it the HTTP way.
		if al := strings.ToLower(strings.TrimSpace(c.GetHeader("Accept-Language"))); strings.HasPrefix(al, "en") {
			l = "en"
		} else if strings.HasPrefix(al, "nl") {
			l = "nl"
		}
	}
	if l == "" {
		l = s.shells.defaultLang()
		if l != "en" {
			l = "nl"
		}
	}
	c.Set("lang", l)
	return l
}

// tr looks up a phrase; unknown languages get Dutch, unknown keys the key.
func tr(lang, key string) string {
	if m, ok := phrases[lang]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	if s, ok := phrases["nl"][key]; ok {
		return s
	}
	return key
}

// addPhrases adds a feature's phrases to the table tr reads. A key that is
// already there with other words is a mistake (two features saying one
// thing two ways, or one key meaning two things): it panics at start-up.
func addPhrases(add map[string]map[string]string) {
	for lang, m := range add {
		for k, v := range m {
			if old, dup := phrases[lang][k]; dup && old != v {
				panic(fmt.Sprintf("phrase %s/%s defined twice: %q and %q", lang, k, old, v))
			}
			phrases[lang][k] = v
		}
	}
}

var phrases = map[string]map[string]string{
	"nl": {
		"err.internal":         "Er ging iets mis aan onze kant. Probeer het zo nog eens; je winkelmand blijft bewaard.",
		"err.unknown_sku":      "Dit product bestaat niet (meer) in de winkel.",
		"err.sku":              "Geef een geldige artikelcode (sku) op.",
		"err.quantity":         "Het aantal moet een heel getal van 1 tot en met %d zijn.",
		"err.quantity_missing": "Geef een aantal (quantity) op.",
		"err.lines":            "Je winkelmand kan hoogstens %d verschillende producten bevatten.",
		"err.not_in_cart":      "Dit product zit niet in je winkelmand.",
		"err.stock":            "Er zijn er nog maar %d van %s.",
		"err.sold_out":         "%s is uitverkocht; haal het uit je winkelmand om verder te gaan.",
		"err.stock_short":      "Zoveel hebben we er niet meer op voorraad.",
		"err.form":             "Controleer de gemarkeerde velden.",
		"err.empty":            "Je winkelmand is leeg.",
		"err.too_large":        "Zo'n groot bedrag kan niet in één bestelling; neem contact met ons op.",
		"err.unavailable":      "Je winkelmand bevat een product dat niet meer te koop is. Haal het eruit om verder te gaan.",
		"err.price_confirm":    "Bekijk het nieuwe totaal en bevestig nog een keer.",
		"total.changed":        "Het totaal is nu %s, niet %s zoals de pagina liet zien. Er is niets besteld en niets betaald.",
		"total.why_shipping":   "Je koos de verzendwijze %s.",
		"total.why_country":    "Je koos een adres in %s.",
		"total.why_other":      "Prijzen, voorraad of je punten zijn intussen veranderd.",
		"total.confirm":        "Bekijk het nieuwe totaal en druk nog een keer op betalen.",
		"co.update":            "Totaal bijwerken",
		"co.update_note":       "Andere verzendwijze of ander land gekozen? Werk eerst het totaal bij.",
		"err.idem_missing":     "De header Idempotency-Key ontbreekt (een willekeurige sleutel per bestelpoging).",
		"err.idem_invalid":     "De header Idempotency-Key moet 1 tot 255 zichtbare ASCII-tekens zijn.",
		"err.idem_conflict":    "Deze Idempotency-Key is al gebruikt voor een andere bestelling; gebruik een nieuwe sleutel.",
		"err.provider":         "De betaaldienst reageert nu niet. Je bestelling en winkelmand zijn bewaard; probeer het over een minuutje opnieuw.",
		"err.payment_kept":     "Je winkelmand is veranderd, maar de betaling van je eerdere bestelling %s (%s) kan nog worden afgerond en de betaaldienst kan die nu niet stoppen. Om dubbel betalen te voorkomen starten we geen nieuwe betaling: rond die bestelling af of wacht tot haar betaling is verlopen, en reken daarna opnieuw af.",
		"err.newer_order":      "Voor deze winkelmand loopt al een betaling van je nieuwere bestelling %s; rond die af. Zo betaal je nooit twee keer.",
		"err.earlier_paid":     "Je eerdere bestelling %s is intussen betaald; die bestelling gaat naar je toe. Wil je nog iets anders, leg het in je winkelmand en reken opnieuw af.",
		"err.order_not_found":  "Deze bestelling bestaat niet. Controleer de link uit je e-mail.",
		"err.rate":             "Te veel pogingen. Wacht even en probeer het opnieuw.",
		"notice.unavailable":   "Product %s is niet meer te koop; haal het uit je winkelmand.",
		"notice.price":         "De prijs van %s is veranderd van %s naar %s sinds je het in je winkelmand legde.",
		"notice.added":         "Toegevoegd aan je winkelmand.",
		"field.required":       "Vul dit veld in.",
		"field.too_long":       "Dit is te lang (hoogstens %d tekens).",
		"field.characters":     "Dit bevat tekens die we niet kunnen gebruiken.",
		"field.email":          "Vul een geldig e-mailadres in, bijvoorbeeld naam@example.nl.",
		"field.country":        "Naar dit land verzenden we niet.",
		"field.postal_code":    "Vul een geldige postcode in, bijvoorbeeld 1234 AB.",
		"field.shipping":       "Kies een verzendmethode die naar jouw land bezorgt.",
		"step.ordered":         "Besteld",
		"step.paid":            "Betaald",
		"step.packed":          "Ingepakt",
		"step.shipped":         "Verzonden",
		"step.delivered":       "Bezorgd",
		"expected":             "verwacht",
		"cart.title":           "Winkelmand",
		"cart.empty":           "Je winkelmand is leeg.",
		"cart.continue":        "Verder winkelen",
		"cart.product":         "Product",
		"cart.quantity":        "Aantal",
		"cart.price":           "Prijs",
		"cart.total":           "Totaal",
		"cart.update":          "Wijzig",
		"cart.remove":          "Verwijder",
		"cart.checkout":        "Afrekenen",
		"cart.unavailable":     "niet meer te koop",
		"cart.free_from":       "Nog %s tot gratis verzending.",
		"sum.subtotal":         "Subtotaal",
		"sum.shipping":         "Verzending",
		"sum.free":             "gratis",
		"sum.vat":              "waarvan btw %d%%",
		"sum.total":            "Totaal",
		"sum.total_paid":       "Totaal",
		"co.title":             "Afrekenen",
		"co.name":              "Naam",
		"co.email":             "E-mailadres",
		"co.street":            "Straat en huisnummer",
		"co.postal_code":       "Postcode",
		"co.city":              "Plaats",
		"co.country":           "Land",
		"co.shipping":          "Verzendmethode",
		"co.summary":           "Je bestelling",
		"co.pay":               "Bestellen en betalen",
		"co.pay_note":          "Dit is het volledige bedrag; er komt niets meer bij. Je betaalt bij onze betaaldienst en komt daarna terug op deze site.",
		"co.back":              "Terug naar je winkelmand",
		"order.title":          "Bestelling %s",
		"order.confirming":     "We bevestigen je betaling",
		"order.confirming_p":   "Je betaling is nog niet afgerond bij de betaaldienst. Deze pagina ververst zichzelf; je hoeft niets te doen. Is je betaling gelukt, dan zie je dat hier binnen enkele seconden.",
		"order.pay_open":       "Nog niet betaald? Ga verder met betalen",
		"order.paid":           "Bedankt! Je betaling is binnen",
		"order.paid_p":         "We hebben je een bevestiging gestuurd naar %s.",
		"order.failed":         "Je betaling is niet gelukt",
		"order.failed_p":       "Er is niets afgeschreven. Je bestelling en winkelmand staan nog klaar: je kunt het opnieuw proberen.",
		"order.canceled_pay":   "Je hebt de betaling geannuleerd",
		"order.canceled_pay_p": "Er is niets afgeschreven. Je bestelling en winkelmand staan nog klaar: je kunt alsnog betalen.",
		"order.expired":        "De betaaltijd is verlopen",
		"order.expired_p":      "Er is niets afgeschreven. Je bestelling en winkelmand staan nog klaar: je kunt alsnog betalen.",
		"order.pay_again":      "Opnieuw betalen",
		"order.awaiting":       "Je bestelling wacht op betaling",
		"order.awaiting_p":     "Je bestelling is opgeslagen, maar de betaling is nog niet gestart.",
		"order.pay":            "Betalen",
		"order.canceled":       "Deze bestelling is geannuleerd",
		"order.canceled_p":     "Heb je al betaald, dan krijg je het volledige bedrag terug.",
		"order.packed":         "Je bestelling is ingepakt",
		"order.shipped":        "Je bestelling is onderweg",
		"order.delivered":      "Je bestelling is bezorgd",
		"order.track":          "Volg je pakket",
		"order.next":           "Wat er nu gebeurt",
		"order.if_paid":        "Verwachte data als je vandaag betaalt.",
		"order.address":        "Bezorgadres",
		"order.refunded":       "Terugbetaald: %s",
		"notfound.title":       "Niet gevonden",
		"notfound.p":           "Deze pagina bestaat niet.",
		"home":                 "Naar de winkel",
	},
	"en": {
		"err.internal":         "Something went wrong on our side. Please try again in a moment; your cart is kept.",
		"err.unknown_sku":      "This product is not (or no longer) in the shop.",
		"err.sku":              "Give a valid product code (sku).",
		"err.quantity":         "The quantity must be a whole number from 1 to %d.",
		"err.quantity_missing": "Give a quantity.",
		"err.lines":            "Your cart can hold at most %d different products.",
		"err.not_in_cart":      "This product is not in your cart.",
		"err.stock":            "Only %d left of %s.",
		"err.sold_out":         "%s is sold out; remove it from your cart to go on.",
		"err.stock_short":      "We do not have that many left in stock.",
		"err.form":             "Please check the marked fields.",
		"err.empty":            "Your cart is empty.",
		"err.too_large":        "An amount this large cannot go in one order; please contact us.",
		"err.unavailable":      "Your cart holds a product that is no longer for sale. Remove it to go on.",
		"err.price_confirm":    "Please check the new total and confirm again.",
		"total.changed":        "The total is now %s, not %s as the page showed. Nothing has been ordered or paid.",
		"total.why_shipping":   "You chose the shipping method %s.",
		"total.why_country":    "You chose an address in %s.",
		"total.why_other":      "Prices, stock or your points have changed meanwhile.",
		"total.confirm":        "Please check the new total and press pay again.",
		"co.update":            "Update total",
		"co.update_note":       "Chose another shipping method or country? Update the total first.",
		"err.idem_missing":     "The Idempotency-Key header is missing (a random key per checkout attempt).",
		"err.idem_invalid":     "The Idempotency-Key header must be 1 to 255 visible ASCII characters.",
		"err.idem_conflict":    "This Idempotency-Key was used for another checkout; use a new key.",
		"err.provider":         "The payment service is not answering right now. Your order and cart are kept; please try again in a minute.",
		"err.payment_kept":     "Your cart has changed, but the payment of your earlier order %s (%s) can still be completed and the payment service cannot stop it now. To keep you from paying twice, no new payment is started: finish that order, or wait until its payment has expired, then check out again.",
		"err.newer_order":      "Your newer order %s for this cart already has a payment in progress; please finish that one. This way you never pay twice.",
		"err.earlier_paid":     "Your earlier order %s has been paid meanwhile; that order is on its way to you. If you want something else as well, put it in your cart and check out again.",
		"err.order_not_found":  "This order does not exist. Check the link in your e-mail.",
		"err.rate":             "Too many attempts. Please wait a moment and try again.",
		"notice.unavailable":   "Product %s is no longer for sale; remove it from your cart.",
		"notice.price":         "The price of %s changed from %s to %s since you put it in your cart.",
		"notice.added":         "Added to your cart.",
		"field.required":       "Please fill this in.",
		"field.too_long":       "This is too long (at most %d characters).",
		"field.characters":     "This holds characters we cannot use.",
		"field.email":          "Give a valid e-mail address, e.g. name@example.com.",
		"field.country":        "We do not ship to this country.",
		"field.postal_code":    "Give a valid postal code, e.g. 1234 AB.",
		"field.shipping":       "Choose a shipping method that delivers to your country.",
		"step.ordered":         "Ordered",
		"step.paid":            "Paid",
		"step.packed":          "Packed",
		"step.shipped":         "Shipped",
		"step.delivered":       "Delivered",
		"expected":             "expected",
		"cart.title":           "Cart",
		"cart.empty":           "Your cart is empty.",
		"cart.continue":        "Continue shopping",
		"cart.product":         "Product",
		"cart.quantity":        "Quantity",
		"cart.price":           "Price",
		"cart.total":           "Total",
		"cart.update":          "Update",
		"cart.remove":          "Remove",
		"cart.checkout":        "Check out",
		"cart.unavailable":     "no longer for sale",
		"cart.free_from":       "%s more for free shipping.",
		"sum.subtotal":         "Subtotal",
		"sum.shipping":         "Shipping",
		"sum.free":             "free",
		"sum.vat":              "of which VAT %d%%",
		"sum.total":            "Total",
		"sum.total_paid":       "Total",
		"co.title":             "Check out",
		"co.name":              "Name",
		"co.email":             "E-mail address",
		"co.street":            "Street and number",
		"co.postal_code":       "Postal code",
		"co.city":              "City",
		"co.country":           "Country",
		"co.shipping":          "Shipping method",
		"co.summary":           "Your order",
		"co.pay":               "Order and pay",
		"co.pay_note":          "This is the full amount; nothing is added. You pay at our payment service and come back to this site afterwards.",
		"co.back":              "Back to your cart",
		"order.title":          "Order %s",
		"order.confirming":     "We are confirming your payment",
		"order.confirming_p":   "Your payment is not complete at the payment service yet. This page refreshes itself; there is nothing you need to do. If your payment went through, you will see it here within seconds.",
		"order.pay_open":       "Not paid yet? Continue paying",
		"order.paid":           "Thank you! Your payment has arrived",
		"order.paid_p":         "We have sent a confirmation to %s.",
		"order.failed":         "Your payment did not go through",
		"order.failed_p":       "Nothing was charged. Your order and cart are still here: you can try again.",
		"order.canceled_pay":   "You canceled the payment",
		"order.canceled_pay_p": "Nothing was charged. Your order and cart are still here: you can still pay.",
		"order.expired":        "The time to pay ran out",
		"order.expired_p":      "Nothing was charged. Your order and cart are still here: you can still pay.",
		"order.pay_again":      "Pay again",
		"order.awaiting":       "Your order is waiting for payment",
		"order.awaiting_p":     "Your order is saved, but the payment has not started yet.",
		"order.pay":            "Pay",
		"order.canceled":       "This order has been canceled",
		"order.canceled_p":     "If you had paid, you get the full amount back.",
		"order.packed":         "Your order is packed",
		"order.shipped":        "Your order is on its way",
		"order.delivered":      "Your order has been delivered",
		"order.track":          "Track your parcel",
		"order.next":           "What happens next",
		"order.if_paid":        "Expected dates if you pay today.",
		"order.address":        "Delivery address",
		"order.refunded":       "Refunded: %s",
		"notfound.title":       "Not found",
		"notfound.p":           "This page does not exist.",
		"home":                 "To the shop",
	},
}

// countryNames are the names of the countries a shop may ship to, per language.
var countryNames = map[string]map[string]string{
	"nl": {"NL": "Nederland", "BE": "België", "DE": "Duitsland", "LU": "Luxemburg", "FR": "Frankrijk",
		"AT": "Oostenrijk", "DK": "Denemarken", "ES": "Spanje", "IT": "Italië", "GB": "Verenigd Koninkrijk",
		"IE": "Ierland", "PT": "Portugal", "SE": "Zweden", "FI": "Finland", "PL": "Polen", "CH": "Zwitserland"},
	"en": {"NL": "Netherlands", "BE": "Belgium", "DE": "Germany", "LU": "Luxembourg", "FR": "France",
		"AT": "Austria", "DK": "Denmark", "ES": "Spain", "IT": "Italy", "GB": "United Kingdom",
		"IE": "Ireland", "PT": "Portugal", "SE": "Sweden", "FI": "Finland", "PL": "Poland", "CH": "Switzerland"},
}

// countryName is a country's name for people, or its code when unknown.
func countryName(lang, code string) string {
	if n, ok := countryNames[lang][code]; ok {
		return n
	}
	return code
}
