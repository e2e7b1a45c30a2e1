package shop

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
)

// Discount codes at checkout (docs/codes.md). The customer types a code
// (never filled in or suggested by the shop); it is priced by cart.ApplyCode
// before points, shown as its own line, and its use is counted by the store
// with the order. Codes come from data/codes.toml (Options.CodesFile, read
// again when it changes) and from the owner (admin API, `shop codes`).

const (
	CodeTriesPerHour = 20 // failed code attempts per client …
	CodeTriesBurst   = 10 // … at most this many at once
)

// Codes is the customer's side of discount codes: it prices the code a
// customer typed for the cart, the checkout and an order paid again, in
// the customer's words, limits failed tries per client, and reads the codes
// file. It has no routes of its own: the cart, checkout and payment
// handlers hold it (the owner's codes are codes_admin.go).
type Codes struct {
	*web.Web
	store *store.Store
	// codesFile is Options.CodesFile (empty: no codes file).
	codesFile string

	once  sync.Once
	tries *web.Limiter

	failMu sync.Mutex
	failed map[string]string // client -> the last code that failed (asked again: no new try)

	mu      sync.Mutex // the codes file as last read
	mod     time.Time
	size    int64
	fromFil map[string]cart.Code
}

func NewCodes(w *web.Web, st *store.Store, codesFile string) *Codes {
	return &Codes{Web: w, store: st, codesFile: codesFile}
}

// codeTries is the web.Limiter of failed code attempts per client: a stranger
// cannot try codes one after the other.
func (h *Codes) codeTries() *web.Limiter {
	h.once.Do(func() {
		// perMinute is fractional here: CodeTriesPerHour / 60 per minute.
		h.tries = web.NewLimiterPer(float64(CodeTriesPerHour)/3600, CodeTriesBurst, h.Now, h.ClientKey)
	})
	return h.tries
}

// failedTry takes one attempt from client for a code that does not exist,
// unless it is the same code that failed last (the page re-prices it on
// every change of country or carrier; that is not a new guess).
func (h *Codes) failedTry(client, name string) {
	h.failMu.Lock()
	if h.failed == nil || len(h.failed) > 10000 {
		h.failed = map[string]string{} // bounded: forgetting only lets one more try through
	}
	same := h.failed[client] == name
	h.failed[client] = name
	h.failMu.Unlock()
	if !same {
		h.codeTries().Allow(client)
	}
}

// FileCodes are the codes of Options.CodesFile, read again when the file
// changes. A file with problems keeps the codes that are right (shop
// doctor names the rest) and logs the problems once per change.
func (h *Codes) FileCodes() map[string]cart.Code {
	path := h.codesFile
	if path == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fi, err := os.Stat(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			h.Log.Warn("codes file", "file", path, "err", err)
		}
		h.fromFil, h.mod = nil, time.Time{}
		return nil
	}
	if fi.ModTime().Equal(h.mod) && fi.Size() == h.size && h.fromFil != nil {
		return h.fromFil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		h.Log.Warn("codes file", "file", path, "err", err)
		return h.fromFil
	}
	codes, probs := cart.ParseCodes(b, h.Zone())
	for _, p := range probs {
		h.Log.Warn("codes file: code left out", "file", path, "field", p.Field, "problem", p.Message)
	}
	m := make(map[string]cart.Code, len(codes))
	for _, c := range codes {
		m[c.Code] = c
	}
	h.fromFil, h.mod, h.size = m, fi.ModTime(), fi.Size()
	return m
}

// lookupCode finds a code: data/codes.toml first, then the owner's.
func (h *Codes) lookupCode(name string) (cart.Code, bool, error) {
	name = cart.NormalizeCode(name)
	if c, ok := h.FileCodes()[name]; ok {
		return c, true, nil
	}
	c, err := h.store.Codes.Get(name)
	if errors.Is(err, store.ErrNotFound) {
		return cart.Code{}, false, nil
	}
	if err != nil {
		return cart.Code{}, false, fmt.Errorf("code %s: %w", name, err)
	}
	c.Source = "admin"
	return c, true, nil
}

// applyCode prices the code the customer typed (f.Code) into t and gives
// it back for the order, or the words saying why it does not apply. The
// uses are counted for the page's message; the store counts them again
// in the transaction that stores the order. client is who is trying
// (clientKey): failed attempts are limited per client.
func (h *Codes) applyCode(t *cart.Totals, f view.CheckoutForm, cartID, lang string) (*cart.Code, string, error) {
	r, err := h.priceCode(t, f, cartID, lang)
	return r.Applied, r.Message, err
}

// codeResult is what priceCode found: the code that applied (nil when
// none), the words why not, and whether the code exists at all (a known
// code that does not apply now is kept with the cart; an unknown one, or
// one refused for too many tries, is not).
type codeResult struct {
	Applied *cart.Code
	Message string
	Known   bool
	Tries   bool      // refused: too many failed tries from this client
	Code    cart.Code // the code found (Known)
}

// priceCode is applyCode with what the cart page needs to know besides.
func (h *Codes) priceCode(t *cart.Totals, f view.CheckoutForm, cartID, lang string) (codeResult, error) {
	client := f.Client
	name := cart.NormalizeCode(f.Code)
	if name == "" {
		return codeResult{}, nil
	}
	tries := h.codeTries()
	if no, wait := tries.Blocked(client); no {
		return codeResult{Tries: true, Message: web.TF(lang, "code.too_many", max(1, int(math.Ceil(wait.Minutes()))))}, nil
	}
	var c cart.Code
	found := false
	if cart.ValidCodeName(name) {
		var err error
		if c, found, err = h.lookupCode(name); err != nil {
			return codeResult{}, err
		}
	}
	if !found || c.Disabled {
		h.failedTry(client, name)
		return codeResult{Message: web.T(lang, "code.unknown")}, nil
	}
	res := codeResult{Known: true, Code: c}
	email := ""
	if view.ValidEmail(f.Email) {
		email = f.Email
	}
	if c.MaxUses > 0 || c.MaxPerUser > 0 && email != "" { // a limit that can be checked now (the cart has no address)
		except := "" // the cart's own order awaiting payment: a new checkout replaces it
		if prev, err := h.store.Orders.CartOrder(cartID); err == nil && prev != nil {
			except = prev.ID
		}
		total, mine, err := h.store.CodeUses(c.Code, email, except)
		if err != nil {
			return codeResult{}, err
		}
		switch {
		case c.MaxUses > 0 && total >= c.MaxUses:
			res.Message = web.T(lang, "code.used_up")
			return res, nil
		case c.MaxPerUser > 0 && email != "" && mine >= c.MaxPerUser:
			res.Message = web.T(lang, "code.used_up_you")
			return res, nil
		}
	}
	if err := cart.ApplyCode(t, c, h.Catalog.Current(), web.T(lang, "sum.code")+" "+c.Code, h.Now()); err != nil {
		res.Message = h.codeWords(c, *t, err, lang)
		return res, nil
	}
	res.Applied = &c
	return res, nil
}

// checkoutCode is applyCode for placing an order: a code that does not
// apply stops the checkout with the reason at the field (a code the
// customer typed is never dropped silently).
func (h *Codes) checkoutCode(t *cart.Totals, f view.CheckoutForm, cartID, lang string) (*cart.Code, *web.CheckoutError) {
	kind := web.ErrCodeRefused
	if no, _ := h.codeTries().Blocked(f.Client); no && f.Code != "" {
		kind = web.ErrCodeTries
	}
	c, msg, err := h.applyCode(t, f, cartID, lang)
	if err != nil {
		return nil, h.InternalErr(lang, "discount code", err)
	}
	if msg == "" {
		return c, nil
	}
	// Say how to go on: the checkout stops for the code alone.
	msg += " " + web.T(lang, "code.without")
	say := func(string) string { return msg }
	return nil, &web.CheckoutError{Err: kind, Say: say, Fields: map[string]string{"code": msg}}
}

// codeWords says in the customer's words why a code does not apply.
func (h *Codes) codeWords(c cart.Code, t cart.Totals, err error, lang string) string {
	var used *store.CodeUsedUpError
	switch {
	case errors.As(err, &used) && used.PerCustomer:
		return web.T(lang, "code.used_up_you")
	case errors.Is(err, cart.ErrCodeUsedUp):
		return web.T(lang, "code.used_up")
	case errors.Is(err, cart.ErrCodeExpired):
		return web.TF(lang, "code.expired", view.DayText(c.To.In(h.Zone()), lang))
	case errors.Is(err, cart.ErrCodeNotYet):
		return web.TF(lang, "code.not_yet", view.DayText(c.From.In(h.Zone()), lang))
	case errors.Is(err, cart.ErrCodeBelowMin):
		return web.TF(lang, "code.below_min", money.Display(c.MinOrder, t.Currency, lang), money.Display(t.Goods(), t.Currency, lang))
	case errors.Is(err, cart.ErrCodeNotForCart):
		return web.T(lang, "code.not_for")
	default:
		return web.T(lang, "code.unknown")
	}
}

// codeNote is what the checkout says under the code field when it applies.
func codeNote(name string, t cart.Totals, lang string) string {
	d := t.Discount(cart.KindCode)
	if d == 0 {
		return ""
	}
	return web.TF(lang, "code.applied", cart.NormalizeCode(name), money.Display(d, t.Currency, lang))
}

// PayAgainCode is the order's code when a new payment would take its use
// back (the order's payment failed or was canceled; it holds no use now):
// the code's limits, in total and per address, are checked as at the
// first checkout, the order's own use not counted; a code used up is a
// *store.CodeUsedUpError (payAgainCodeErr words it). The store checks
// again when it attaches the payment (AttachPaymentCode). A code that is
// gone (removed from data/codes.toml) has no limits left to keep: nil.
func (h *Codes) PayAgainCode(o *order.Order) (*cart.Code, error) {
	if o.DiscountCode == "" || o.State != order.PaymentFailed {
		return nil, nil
	}
	c, found, err := h.lookupCode(o.DiscountCode)
	if err != nil {
		return nil, fmt.Errorf("discount code of an order paid again: %w", err)
	}
	if !found {
		return nil, nil
	}
	if c.Limited() {
		total, mine, err := h.store.CodeUses(c.Code, o.Customer.Email, o.ID)
		if err != nil {
			return nil, fmt.Errorf("uses of code %s: %w", c.Code, err)
		}
		switch {
		case c.MaxUses > 0 && total >= c.MaxUses:
			return nil, &store.CodeUsedUpError{Code: c.Code}
		case c.MaxPerUser > 0 && mine >= c.MaxPerUser:
			return nil, &store.CodeUsedUpError{Code: c.Code, PerCustomer: true}
		}
	}
	return &c, nil
}
