package view

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/invoice"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
)

// CheckoutForm is what the customer fills in, as JSON (POST /api/checkout)
// or as a form (POST /checkout/). Nothing about prices: those come from the
// catalog only.
type CheckoutForm struct {
	Name           string `json:"name" form:"name"`
	Email          string `json:"email" form:"email"`
	Street         string `json:"street" form:"street"`
	PostalCode     string `json:"postal_code" form:"postal_code"`
	City           string `json:"city" form:"city"`
	Country        string `json:"country" form:"country"`
	ShippingMethod string `json:"shipping_method" form:"shipping_method"`
	Lang           string `json:"lang" form:"lang"`
	GiftNote       string `json:"gift_note" form:"gift_note"` // optional, printed on the packing slip
	// A business buyer's company and VAT number (optional; invoices.go).
	Company string `json:"company" form:"company"`
	VATID   string `json:"vat_id" form:"vat_id"`
	// A pick-up point method's chosen point, and the postcode it was found
	// near (carrier.go); empty for other methods.
	PickupPoint    string `json:"pickup_point" form:"pickup_point"`
	PickupPostcode string `json:"pickup_postcode" form:"pickup_postcode"`
	// Loyalty points (loyalty.go): only when the customer asks. Points caps
	// how many (0: as many as possible). PointsShown ("0"/"1", forms only)
	// says whether the total the page showed had the points taken off, so a
	// form never pays another amount than it showed.
	UsePoints   bool   `json:"use_points" form:"use_points"`
	Points      int    `json:"points" form:"points"`
	PointsShown string `json:"-" form:"points_shown"`
	PointsEmail string `json:"-" form:"-"` // proven by the points link cookie, set by the handler
	// Code is the discount code the customer typed (codes.go); the shop
	// never fills one in. Client is who is asking (clientKey), set by the
	// handler: failed codes are limited per client.
	Code   string `json:"code" form:"code"`
	Client string `json:"-" form:"-"`
	// A gift card pays (giftcards.go): its code, a tender beside the
	// payment, never a discount. ExpectedDue / shown_due is what the page
	// said the provider would be charged after the card.
	GiftCode    string        `json:"gift_code" form:"gift_code"`
	ExpectedDue *money.Amount `json:"expected_due" form:"-"`
	ShownDue    string        `json:"-" form:"shown_due"`
	// Buying gift cards: who gets them, the message, the sending day.
	GiftTo      string `json:"gift_to" form:"gift_to"`
	GiftMessage string `json:"gift_message" form:"gift_message"`
	GiftSendOn  string `json:"gift_send_on" form:"gift_send_on"` // YYYY-MM-DD, today or later
	// ExpectedTotal is the total (minor units) the customer saw: when the
	// total computed now differs, no order and no payment (409). Optional
	// in the JSON API; the checkout page always sends it (shown_total).
	ExpectedTotal *money.Amount `json:"expected_total" form:"-"`
	// ShownTotal and ShownFor (forms only): the total the page showed and
	// what it was priced for (ShownKey), to say what changed.
	ShownTotal string `json:"-" form:"shown_total"`
	ShownFor   string `json:"-" form:"shown_for"`
	// NoAddress (set by the handler from the cart): the order is gift
	// cards only, nothing is shipped, so street, postcode and city are
	// optional (checked when given, for the invoice); docs/giftcards.md.
	NoAddress bool `json:"-" form:"-"`
}

// Clean trims and collapses whitespace in every field.
func (f *CheckoutForm) Clean() {
	for _, p := range []*string{&f.Name, &f.Email, &f.Street, &f.PostalCode, &f.City, &f.Country, &f.ShippingMethod, &f.Lang, &f.Company, &f.VATID, &f.PickupPoint, &f.PickupPostcode} {
		*p = strings.Join(strings.Fields(*p), " ")
	}
	f.Country = strings.ToUpper(f.Country)
	f.Email = strings.ToLower(f.Email)
	f.GiftNote = CleanGiftNote(f.GiftNote)
	f.Code = cart.NormalizeCode(f.Code)
}

var postalCodes = map[string]*regexp.Regexp{
	"NL": regexp.MustCompile(`^[1-9][0-9]{3} ?[A-Za-z]{2}$`),
	"BE": regexp.MustCompile(`^[1-9][0-9]{3}$`),
	"DE": regexp.MustCompile(`^[0-9]{5}$`),
	"LU": regexp.MustCompile(`^(L-)?[0-9]{4}$`),
	"FR": regexp.MustCompile(`^[0-9]{5}$`),
}

var anyPostalCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$`)

// PlainText refuses control and format characters (bidi overrides, zero
// width) that make a name or address look different from what it is.
func PlainText(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) {
			return false
		}
	}
	return true
}

// ValidEmail reports whether s is a bare e-mail address the shop can write
// to: one address and nothing around it, a dot in the domain, at most 254
// bytes, no control or format characters (a bidi override would show the
// owner another address than the one mail goes to). Checkout, the points
// page and subscriptions all use it.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254 &&
		strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") && PlainText(s)
}

// Validate checks the form against the catalog; it returns a message per
// field in the customer's language, empty when all is well.
func (f *CheckoutForm) Validate(cat *catalog.Catalog, lang string) map[string]string {
	errs := map[string]string{}
	text := func(field, v string, max int) {
		switch {
		case v == "" && f.NoAddress && field != "name":
		case v == "":
			errs[field] = web.T(lang, "field.required")
		case len([]rune(v)) > max:
			errs[field] = web.TF(lang, "field.too_long", max)
		case !PlainText(v):
			errs[field] = web.T(lang, "field.characters")
		}
	}
	text("name", f.Name, 100)
	text("street", f.Street, 200)
	text("city", f.City, 100)
	if msg := GiftNoteError(f.GiftNote, lang); msg != "" {
		errs["gift_note"] = msg
	}
	if f.Email == "" {
		errs["email"] = web.T(lang, "field.required")
	} else if !ValidEmail(f.Email) {
		errs["email"] = web.T(lang, "field.email")
	}
	if f.Country == "" {
		f.Country = cat.Shop.Country
	}
	if len(cat.MethodsFor(f.Country)) == 0 {
		errs["country"] = web.T(lang, "field.country")
	}
	if f.PostalCode == "" && f.NoAddress {
		// gift cards only: no address needed
	} else if f.PostalCode == "" {
		errs["postal_code"] = web.T(lang, "field.required")
	} else if re, ok := postalCodes[f.Country]; ok && !re.MatchString(f.PostalCode) || !ok && !anyPostalCode.MatchString(f.PostalCode) {
		// The example is the chosen country's: a German told "e.g.
		// 1234 AB" learns nothing about what is wrong with "10 115".
		key := "field.postal_code"
		if ok {
			key += "_" + f.Country
		}
		errs["postal_code"] = web.T(lang, key)
	} else if f.Country == "NL" {
		pc := strings.ToUpper(strings.ReplaceAll(f.PostalCode, " ", ""))
		f.PostalCode = pc[:4] + " " + pc[4:]
	}
	if _, bad := errs["country"]; !bad {
		if f.ShippingMethod == "" {
			f.ShippingMethod = cat.MethodsFor(f.Country)[0].ID
		}
		if m, ok := cat.Method(f.ShippingMethod); !ok || !m.Ships(f.Country) {
			errs["shipping_method"] = web.T(lang, "field.shipping")
		}
	}
	f.ValidateBusiness(errs, lang) // invoices.go
	return errs
}

func (f CheckoutForm) Customer() order.Customer {
	return order.Customer{Name: f.Name, Email: f.Email, Street: f.Street, PostalCode: f.PostalCode, City: f.City, Country: f.Country,
		Company: f.Company, VATID: f.VATID}
}

// Hash identifies the checkout request behind an idempotency key.
func (f CheckoutForm) Hash(cartID string) string {
	h := sha256.New()
	for _, v := range []string{cartID, f.Name, f.Email, f.Street, f.PostalCode, f.City, f.Country, f.ShippingMethod, f.GiftNote, f.Company, f.VATID, f.PickupPoint} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	if f.UsePoints {
		fmt.Fprintf(h, "points:%d", f.Points)
	}
	if f.Code != "" {
		fmt.Fprintf(h, "code:%s", f.Code)
	}
	for _, v := range []string{giftcard.Normalize(f.GiftCode), f.GiftTo, f.GiftMessage, f.GiftSendOn} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ValidateBusiness checks the optional company and VAT number: plain text
// of sensible length, and a VAT number in the format of the address's
// country (normalised: BE 0123.456.749 -> BE0123456749).
func (f *CheckoutForm) ValidateBusiness(errs map[string]string, lang string) {
	if len([]rune(f.Company)) > 100 {
		errs["company"] = web.TF(lang, "field.too_long", 100)
	} else if !PlainText(f.Company) {
		errs["company"] = web.T(lang, "field.characters")
	}
	if f.VATID == "" {
		return
	}
	id, err := invoice.CheckVATID(f.VATID, f.Country)
	if len(f.VATID) > 20 || err != nil {
		errs["vat_id"] = web.T(lang, "co.vat_bad")
		return
	}
	f.VATID = id
}

// CleanGiftNote trims the note and normalises line breaks (at most a few).
func CleanGiftNote(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.Join(strings.Fields(lines[i]), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// GiftNoteError says what is wrong with a gift note, or "".
func GiftNoteError(note, lang string) string {
	if len([]rune(note)) > MaxGiftNote {
		return web.TF(lang, "field.too_long", MaxGiftNote)
	}
	if strings.Count(note, "\n") > 8 || !PlainText(strings.ReplaceAll(note, "\n", " ")) {
		return web.T(lang, "field.characters")
	}
	return ""
}

// MaxGiftNote is the longest gift note, in characters.
const MaxGiftNote = 300

// ShownKey is what a checkout page was priced for, "method|country|code|gift
// card", sent back as shown_for so that a total that changed can be
// explained by what the customer changed (shop.totalChangedMsg). Pages of
// an earlier version sent only "method|country".
func (f CheckoutForm) ShownKey() string {
	return f.ShippingMethod + "|" + f.Country + "|" + f.Code + "|" + f.GiftCode
}

// ShownParts splits a ShownKey; has says whether the code and gift card
// parts were sent.
func ShownParts(key string) (method, country, code, giftCode string, has bool) {
	p := strings.SplitN(key, "|", 4)
	for len(p) < 4 {
		p = append(p, "")
	}
	return p[0], p[1], p[2], p[3], strings.Count(key, "|") >= 3
}
