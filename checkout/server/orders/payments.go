package orders

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/payment/local"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
)

// Payments is the order's payments: making a payment for an order
// (checkout, pay again, the reconciler) and cancelling one not used, the
// provider's webhook, the checks from the order page and the reconciler's
// pass, and the built-in provider's page. The checkout and the order page
// hold it; the reconciler calls its pass.
type Payments struct {
	*web.Web
	Store *store.Store
	// MollieBaseURL is Options.MollieBaseURL (a test double of Mollie when set).
	MollieBaseURL string
	Provider      payment.Provider
	Local         *local.Local // the built-in provider, or nil
	Refunds       usecase.Refunds
	UC            usecase.Orders  // making a payment (PayAgain), a payment canceled
	Gift          GiftPayments    // giftcards.go
	Standing      StandingCharges // standing.go
	Schedule      ReconcileSched  // recheck.go
	// Effects carries out what the store leaves to us (the server's handleEffects).
	Effects func(*order.Order, []order.Effect)

	BG      context.Context // canceled by Close
	WG      *sync.WaitGroup // Close waits for the background work
	Cancels sync.WaitGroup  // background payment cancels (CancelPayment), for tests to wait on

	Hooks *HookThrottle // webhook-driven provider checks per payment

	// PageCheckEvery and PageCheckWait are the order page's provider
	// checks (DefaultPageCheckEvery, DefaultPageCheckWait); the server's
	// tests shorten them, as they replace Hooks.
	PageCheckEvery time.Duration
	PageCheckWait  time.Duration

	checkMu   sync.Mutex
	lastCheck map[string]time.Time // payment id -> last provider check from a page view
}

// GiftPayments is what payments need of gift cards (giftcards.go).
type GiftPayments interface {
	PayByGiftCard(o *order.Order) (*order.Order, error)
}

// StandingCharges is what payments pass to standing orders (standing.go).
type StandingCharges interface {
	SyncStandingCharge(ctx context.Context, id string) error
	StandingNews(ctx context.Context, p payment.Payment)
}

// ReconcileSched is the reconciler's schedule per payment (recheck.go).
type ReconcileSched interface {
	DueChecks(awaiting iter.Seq[order.Awaiting], now time.Time) []string
	Checked(o *order.Order, now time.Time)
}

// SyncPayment asks the provider about a payment and brings the news to its
// order (compare-and-set in one transaction; see store.Orders.ApplyPayment). Safe
// to call from webhook, order page and reconciler at once: the order moves
// once and its e-mail is queued once. Unknown payments are ignored.
func (h *Payments) SyncPayment(ctx context.Context, id, by string) error {
	if _, err := h.Store.Orders.OrderByPaymentID(id); errors.Is(err, store.ErrNotFound) {
		return h.Standing.SyncStandingCharge(ctx, id) // a standing order's charge, or not ours (standing.go)
	} else if err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, err := h.Provider.GetPayment(pctx, id)
	if errors.Is(err, payment.ErrNotFound) {
		h.Log.Warn("payment unknown at the provider", "payment", id, "by", by)
		return nil
	}
	if err != nil {
		return fmt.Errorf("get payment %s: %w", id, err)
	}
	if p.ID != id {
		return fmt.Errorf("get payment %s: provider answered with payment %s", id, p.ID)
	}
	o, changed, effects, err := h.Store.Orders.ApplyPayment(*p, by)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("apply payment %s: %w", id, err)
	}
	if changed {
		h.Log.Info("payment news", "order", o.ID, "payment", id, "status", string(p.Status), "state", string(o.State), "by", by)
	}
	h.Effects(o, effects)
	h.Standing.StandingNews(ctx, *p) // a first payment starts a standing order (standing.go)
	return nil
}

// HandleWebhook is Mollie's webhook: form id=tr_...; the body is never
// trusted, the payment is fetched from the provider.
func (h *Payments) HandleWebhook(c *gin.Context) {
	id := c.PostForm("id")
	if !payment.ValidID(id) {
		web.Fail(c, http.StatusBadRequest, "id must be a payment id (tr_...)")
		return
	}
	// A webhook's provider read waits a little for the call budget
	// (providerbudget.go) rather than send Mollie into its slow retries.
	err := h.webhookCheck(web.WithBudgetWait(c.Request.Context(), web.WebhookBudgetWait), id)
	if err != nil {
		// Mollie retries on errors; the reconciler catches what remains.
		h.Log.Warn("webhook", "payment", id, "err", err)
		web.Fail(c, http.StatusServiceUnavailable, "payment provider not reachable; retry later")
		return
	}
	c.Status(http.StatusOK)
}

// webhookCheck does a webhook's work for payment id, sparing the provider:
// anyone who knows a payment id (it is in the checkout URL) can post the
// webhook as often as they like, and Mollie's rate limits count per API key,
// so every post must not become a call. A payment whose attempt is final
// is not fetched again (its status never changes; only its refunds may, and
// those are read while any is open). Other checks draw on a small bucket per
// payment (DefaultWebhookBurst, one more each DefaultWebhookEvery); a post that finds it
// empty is answered at once and a single check follows when a token is
// back, so no news is lost. A check that fails gives its token back, so
// Mollie's retry goes through at once.
func (h *Payments) webhookCheck(ctx context.Context, id string) error {
	o, err := h.Store.Orders.OrderByPaymentID(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // not ours: never ask the provider about strangers' ids
	} else if err != nil {
		return err
	}
	final := false
	if a := o.Attempt(id); a != nil && a.Status.Final() {
		final = true
		if len(o.OpenRefunds()) == 0 {
			return nil
		}
	}
	ok, wait := h.Hooks.take(id, h.Now())
	if !ok {
		if h.Hooks.queue(id) && h.BG.Err() == nil {
			h.WG.Add(1)
			go func() {
				defer h.WG.Done()
				t := time.NewTimer(wait)
				defer t.Stop()
				select {
				case <-h.BG.Done():
					return
				case <-t.C:
				}
				h.Hooks.unqueue(id)
				if err := h.webhookCheck(h.BG, id); err != nil {
					h.Log.Warn("webhook (delayed check)", "payment", id, "err", err)
				}
			}()
		}
		return nil
	}
	if !final {
		err = h.SyncPayment(ctx, id, "webhook")
	}
	if err == nil {
		err = h.Refunds.SyncOfPayment(ctx, id, "webhook") // Mollie calls this webhook for refunds too
	}
	if err != nil {
		h.Hooks.giveBack(id) // a failed check does not count
	}
	return err
}

// CheckFromPage asks the provider about the order's open payment when a
// customer looks at the order page, at most once per 3 seconds per payment, so
// a payment becomes paid on screen even without a webhook.
func (h *Payments) CheckFromPage(ctx context.Context, o *order.Order) *order.Order {
	if o.State != order.AwaitingPayment || o.PaymentID == "" {
		return o
	}
	// Throttled per payment: a new attempt is checked at once on return.
	h.checkMu.Lock()
	last := h.lastCheck[o.PaymentID]
	if h.Now().Sub(last) < h.PageCheckEvery {
		h.checkMu.Unlock()
		return o
	}
	if h.lastCheck == nil {
		h.lastCheck = map[string]time.Time{}
	}
	h.lastCheck[o.PaymentID] = h.Now()
	if len(h.lastCheck) > 10000 {
		for k, t := range h.lastCheck {
			if h.Now().Sub(t) > time.Minute {
				delete(h.lastCheck, k)
			}
		}
	}
	h.checkMu.Unlock()
	// The check runs in the background with its own budget and the page
	// waits for it at most PageCheckWait: a customer back from paying sees
	// "being confirmed" at once when the provider is slow or hangs, and the
	// page's refresh (or the webhook, or the reconciler) brings the news.
	if h.BG.Err() != nil {
		return o // shutting down
	}
	done := make(chan error, 1)
	h.WG.Add(1)
	go func() {
		defer h.WG.Done()
		done <- h.SyncPayment(h.BG, o.PaymentID, "return")
	}()
	wait := time.NewTimer(h.PageCheckWait)
	defer wait.Stop()
	select {
	case err := <-done:
		if errors.Is(err, web.ErrProviderBusy) {
			return o // "we are confirming": the reconciler or the next look asks
		}
		if err != nil {
			h.Log.Warn("order page payment check", "order", o.ID, "err", err)
			return o
		}
	case <-wait.C:
		return o
	case <-ctx.Done():
		return o
	}
	if fresh, err := h.Store.Orders.GetOrder(o.ID); err == nil {
		return fresh
	}
	return o
}

// ReconcilePass is one pass of the reconciler (worker.Reconciler): orders
// awaiting payment and open refunds, asked of the provider; it waits for
// the provider call budget.
func (h *Payments) ReconcilePass(ctx context.Context) {
	h.ReconcileOnce(web.WithBudgetWait(ctx, 0))
	h.Refunds.Reconcile(web.WithBudgetWait(ctx, 0))
}

// DefaultPageCheckEvery throttles the order page's own provider checks per order.
const DefaultPageCheckEvery = 3 * time.Second

// DefaultWebhookBurst and DefaultWebhookEvery throttle webhook-driven
// provider checks per payment: a burst of this many, then one per
// DefaultWebhookEvery.
const (
	DefaultWebhookBurst = 10
	DefaultWebhookEvery = 2 * time.Second
)

// DefaultPageCheckWait is how long the order page waits for its provider check
// before it shows what the store knows.
const DefaultPageCheckWait = 2 * time.Second

// AbandonAfter: an order with no payment at all (the provider failed at
// checkout and the customer never retried) is canceled, releasing its stock.
const AbandonAfter = 2 * time.Hour

// ReconcileOnce is one pass of the reconciler; it returns how many orders it
// asked the provider about. ReconcilePass calls it; the server's tests call
// it to run a pass at once.
func (h *Payments) ReconcileOnce(ctx context.Context) int {
	now := h.Now()
	var listErr error
	awaiting := func(yield func(order.Awaiting) bool) { listErr = h.Store.Orders.EachAwaiting(yield) }
	due := h.Schedule.DueChecks(awaiting, now) // recheck.go: a backoff per payment, a cap per pass
	if listErr != nil {
		h.Log.Error("reconciler: list orders", "err", listErr) // the orders read before it are still asked about
	}
	asked := 0
	for _, id := range due {
		o, err := h.Store.Orders.GetOrder(id)
		if err != nil {
			h.Log.Warn("reconciler: read order", "order", id, "err", err)
			continue
		}
		if o.State != order.AwaitingPayment {
			continue // paid or canceled since the summaries were read
		}
		if ctx.Err() != nil {
			return asked
		}
		h.Schedule.Checked(o, now)
		if o.PaymentID == "" {
			switch age := now.Sub(o.CreatedAt); {
			case age > AbandonAfter:
				if _, eff, err := h.Store.Orders.Do(o.ID, order.EventCancel, "reconciler", order.Note(order.NoteNoPayment)); err != nil {
					h.Log.Warn("reconciler: cancel abandoned order", "order", o.ID, "err", err)
				} else {
					h.Effects(o, eff)
				}
			default:
				// The process may have stopped between creating the payment
				// and storing it. Asking again with the same idempotency key
				// (<order>:1) gives that payment back, so news of it counts.
				// This is right at any age, whatever the provider's
				// idempotency window (Mollie documents 24 hours, others
				// quoted one hour): after the window the provider makes a
				// new payment instead, and that is safe too, because the
				// first one's checkout link was never stored, so never shown,
				// so nobody can pay it; it expires by itself. Nothing here
				// depends on the window's length (idemwindow_test.go runs
				// both).
				asked++
				o2, _, cerr := h.NewAttempt(ctx, o, o.Lang)
				if cerr != nil {
					h.Log.Warn("reconciler: payment for an order without one", "order", o.ID, "err", cerr)
					continue
				}
				if o2 != nil && o2.PaymentID != "" {
					if err := h.SyncPayment(ctx, o2.PaymentID, "reconciler"); err != nil {
						h.Log.Warn("reconciler", "order", o.ID, "payment", o2.PaymentID, "err", err)
					}
				}
			}
			continue
		}
		asked++
		if err := h.SyncPayment(ctx, o.PaymentID, "reconciler"); err != nil {
			h.Log.Warn("reconciler", "order", o.ID, "payment", o.PaymentID, "err", err)
		}
	}
	return asked
}

// EnsurePayment returns the checkout URL of the order's open payment,
// creating the payment when there is none. Orders that need no payment
// (paid, failed, canceled) or whose payment is pending give "": the order
// page says what is next.
func (h *Payments) EnsurePayment(ctx context.Context, o *order.Order, lang string) (string, *web.CheckoutError) {
	if o.State != order.AwaitingPayment {
		return "", nil
	}
	if o.Due() == 0 {
		// The gift card pays it all: no provider payment (giftcards.go).
		o2, err := h.Gift.PayByGiftCard(o)
		if err != nil {
			return "", h.InternalErr(lang, "pay by gift card", err)
		}
		*o = *o2
		return "", nil
	}
	if a := o.Attempt(o.PaymentID); a != nil && !a.Status.Final() {
		// Still open (pay there) or pending (no link: the order page says
		// it is being confirmed). Never a second payment beside it.
		return a.CheckoutURL, nil
	}
	o2, url, err := h.NewAttempt(ctx, o, lang)
	if o2 != nil {
		*o = *o2
	}
	return url, err
}

// NewAttempt makes a payment for the order (usecase.Orders.PayAgain) and
// says in the customer's words why it could not.
func (h *Payments) NewAttempt(ctx context.Context, o *order.Order, lang string) (*order.Order, string, *web.CheckoutError) {
	o2, url, err := h.UC.PayAgain(ctx, o)
	if err == nil {
		return o2, url, nil
	}
	at := o // the order as the use case stopped at it
	var oe *usecase.OrderError
	if errors.As(err, &oe) {
		at = oe.Order
	}
	var ce *web.CheckoutError
	var used *usecase.CodeUsedUpError
	var oos *usecase.OutOfStockError
	switch {
	case errors.As(err, &ce):
		return nil, "", ce // the gift card no longer covers its part (giftcards.go)
	case errors.Is(err, web.ErrProvider):
		return nil, "", &web.CheckoutError{Err: web.ErrProvider, Say: web.Phrase("err.provider"), Order: at}
	case errors.As(err, &used):
		return nil, "", payAgainCodeErr(at, used.PerCustomer)
	case errors.As(err, &oos):
		return nil, "", OutOfStock(h.Catalog.Current(), oos, at)
	}
	return nil, "", h.InternalErr(lang, "pay again", err)
}

// PaymentRequest is the provider request for the order's payment as this
// shop makes it: its description, the customer's order page to come back
// to, the webhook and the page's language (usecase.Orders.PaymentRequest).
func (h *Payments) PaymentRequest(o *order.Order) payment.CreateRequest {
	return payment.CreateRequest{
		Description: fmt.Sprintf("%s %s", h.Catalog.Current().Shop.Name, o.ID),
		RedirectURL: h.OrderURL(o),
		WebhookURL:  h.WebhookURL(),
		Locale:      locale(o.Lang),
	}
}

// CancelPayment cancels a payment we will not use, in the background.
func (h *Payments) CancelPayment(id, why string) {
	if h.BG.Err() != nil {
		return // shutting down; the payment expires by itself
	}
	h.WG.Add(1)
	h.Cancels.Add(1)
	go func() {
		defer h.WG.Done()
		defer h.Cancels.Done()
		ctx, cancel := context.WithTimeout(h.BG, 30*time.Second)
		defer cancel()
		p, err := h.Provider.CancelPayment(ctx, id)
		switch {
		case err == nil:
			h.UC.ApplyCanceled(*p) // the order shows it canceled, not "open"
		case errors.Is(err, payment.ErrFinal):
			if err := h.SyncPayment(ctx, id, "cancel"); err != nil {
				h.Log.Warn("sync payment after cancel", "payment", id, "err", err)
			}
		default:
			// Not cancelable, accepted for later (its webhook brings the
			// news), or the provider is unreachable: a payment paid after
			// all is refunded as stray (refunds.go).
			h.Log.Warn("cancel payment", "payment", id, "why", why, "err", err)
		}
	}()
}

func locale(lang string) string {
	if lang == "en" {
		return "en_US"
	}
	return "nl_NL"
}

// WebhookURL is where the provider reports; empty when it could not reach
// us (a local base URL with Mollie) or when the provider is the built-in one
// (it tells us in-process).
func (h *Payments) WebhookURL() string {
	if h.Local != nil {
		return ""
	}
	// Mollie itself cannot reach localhost; a Mollie-speaking test server
	// (MollieBaseURL) on this machine can.
	if web.IsLocalHost(h.Base.Hostname()) && h.MollieBaseURL == "" {
		return ""
	}
	return h.Base.String() + "api/webhooks/mollie"
}

// PayPage mounts the built-in provider's hosted payment page.
func (h *Payments) PayPage(c *gin.Context) {
	if h.Local == nil {
		h.NotFoundPage(c)
		return
	}
	h.Local.Handler().ServeHTTP(c.Writer, c.Request)
}
