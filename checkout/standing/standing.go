// Package standing holds the use cases of standing orders (coffee on
// subscription): begin one at checkout, the scheduler that sends
// pre-charge notices and charges each period through the payment
// provider's recurring flow, the payment news that turns a paid charge
// into exactly one order, the customer's and owner's actions. The rules
// are in checkout/recurring (pure); the records in checkout/store.
package standing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/store"
)

// Errors callers act on.
var (
	ErrNotOffered  = errors.New("not offered on subscription")
	ErrNoRecurring = errors.New("the payment provider has no recurring payments")
)

// Service runs standing orders.
type Service struct {
	Store    *store.Store
	Provider payment.Provider // payments (one-off, first, recurring)
	// Recurring is the provider's customers and mandates; nil: Provider
	// itself when it is one.
	Recurring payment.Recurring
	Catalog   func() *catalog.Catalog
	Policy    recurring.Policy
	// PublicURL is the shop's root (https://shop.example), for the pages
	// payments return to; WebhookURL where the provider reports ("" when
	// it cannot reach us, e.g. the local provider's OnStatusChange).
	PublicURL  string
	WebhookURL string
	Now        func() time.Time
	Log        *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) recurringProvider() (payment.Recurring, error) {
	if s.Recurring != nil {
		return s.Recurring, nil
	}
	r, ok := s.Provider.(payment.Recurring)
	if !ok {
		return nil, fmt.Errorf("%s: %w", s.Provider.Name(), ErrNoRecurring)
	}
	return r, nil
}

// Request is a customer's choice at checkout.
type Request struct {
	Email, Lang    string
	Address        recurring.Address
	SKU            string
	Quantity       int
	Weeks          int
	ShippingMethod string // "" = the first that ships to the country
}

// Quote prices one delivery of req from the catalog: what is charged now
// and at every delivery after it (until an announced change). The checkout
// shows exactly this and Begin charges exactly this.
func Quote(cat *catalog.Catalog, req Request) (cart.Totals, error) {
	it, ok := cat.Lookup(req.SKU)
	if !ok || it.Subscription == nil {
		return cart.Totals{}, fmt.Errorf("%s: %w", req.SKU, ErrNotOffered)
	}
	offer := recurring.Offer{Intervals: it.Subscription.Intervals}
	if !offer.Offers(req.Weeks) {
		return cart.Totals{}, fmt.Errorf("every %d weeks: %w", req.Weeks, recurring.ErrInterval)
	}
	if req.Quantity < 1 || req.Quantity > 20 {
		return cart.Totals{}, fmt.Errorf("quantity %d: choose 1 to 20", req.Quantity)
	}
	return Price(cat, req.SKU, req.Quantity, req.ShippingMethod, req.Address.Country)
}

// Price prices one delivery of quantity × sku to country by shipping
// method methodID (empty: the first that ships there) through the same
// code as a one-off checkout (cart.ComputeItem): the subscription price is
// the shop country's price; another EU country under OSS pays its own VAT
// (data/vat.toml, docs/money.md), and shipping follows its goods. The
// checkout, every pre-charge notice after a change of variant or address,
// and the price watch all use it, so a delivery costs the same wherever it
// is priced.
func Price(cat *catalog.Catalog, sku string, quantity int, methodID, country string) (cart.Totals, error) {
	it, ok := cat.Lookup(sku)
	if !ok || it.Subscription == nil {
		return cart.Totals{}, fmt.Errorf("%s: %w", sku, ErrNotOffered)
	}
	it.Price = it.Subscription.UnitPrice(it)
	return cart.ComputeItem(cat, it, quantity, methodID, country)
}

// pricing is what a priced delivery means for a standing order.
func pricing(t cart.Totals) recurring.Pricing {
	return recurring.Pricing{Price: t.Subtotal, Shipping: t.Shipping, VATRate: t.Lines[0].VATRate,
		ShippingMethod: t.ShippingMethod, ShippingName: t.ShippingName, ShippingVATRate: t.ShippingVATRate}
}

// Begun is what Begin made: the checkout order of the first delivery, its
// standing order (waiting for the first payment) and where to pay.
type Begun struct {
	Order       *order.Order
	Standing    recurring.Standing
	CheckoutURL string
}

// Begin places the first delivery as an ordinary order paid by a first
// payment (sequenceType first: the customer's consent, the mandate) and
// stores the standing order, which starts when that payment is paid.
func (s *Service) Begin(ctx context.Context, req Request) (*Begun, error) {
	rec, err := s.recurringProvider()
	if err != nil {
		return nil, err
	}
	cat := s.Catalog()
	t, err := Quote(cat, req)
	if err != nil {
		return nil, err
	}
	// The first order, the standing order and so every later delivery,
	// notice and page name the product and carrier in the customer's
	// language, as a one-off checkout does (Compute gives the default's).
	t.Localize(cat, req.Lang)
	now := s.now()
	a := req.Address
	cust := order.Customer{Name: a.Name, Email: req.Email, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: t.Country}
	o, err := order.New(cust, t, req.Lang, "", "", now)
	if err != nil {
		return nil, err
	}
	o.Meta = map[string]string{"standing": "first"}
	stored, _, err := s.Store.Orders.CreateOrder(store.NewOrder{Order: o, Catalog: cat})
	if err != nil {
		return nil, fmt.Errorf("begin standing order: %w", err)
	}
	c, err := rec.CreateCustomer(ctx, a.Name, req.Email, "customer:"+stored.ID)
	if err != nil {
		return nil, fmt.Errorf("begin standing order %s: %w", stored.ID, err)
	}
	l := t.Lines[0]
	st := recurring.Standing{
		Email: req.Email, Lang: req.Lang, Address: recurring.Address{Name: a.Name, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: t.Country},
		SKU: l.SKU, Variant: l.Variant, Title: l.Title, Quantity: l.Quantity, Weeks: req.Weeks, URL: l.URL,
		VATRate: l.VATRate, DeliveryClass: l.DeliveryClass, ShippingName: t.ShippingName, ShippingVATRate: t.ShippingVATRate,
		Price: t.GrandTotal - t.Shipping, Shipping: t.Shipping, ShippingMethod: t.ShippingMethod, Currency: t.Currency,
		Period: 1, CustomerID: c.ID, CreatedAt: now, UpdatedAt: now,
	}
	st, err = s.Store.Standing.CreateStanding(st, stored.ID)
	if err != nil {
		return nil, err
	}
	p, err := s.Provider.CreatePayment(ctx, payment.CreateRequest{
		Amount: stored.Total(), Currency: stored.Currency, Description: "Order " + stored.ID + " (standing order " + st.ID + ")",
		RedirectURL: s.PublicURL + "/order/" + stored.Token, WebhookURL: s.WebhookURL, Locale: locale(req.Lang),
		Metadata:   map[string]string{"order_id": stored.ID, "standing": st.ID},
		CustomerID: c.ID, SequenceType: payment.SequenceFirst, IdempotencyKey: "standing-first:" + stored.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("first payment of standing order %s: %w", st.ID, err)
	}
	ao, _, err := s.Store.Orders.AttachPayment(stored.ID, "", *p, s.Provider.Name())
	if err != nil {
		return nil, err
	}
	return &Begun{Order: ao, Standing: st, CheckoutURL: p.CheckoutURL}, nil
}

func locale(lang string) string {
	if lang == "en" {
		return "en_US"
	}
	return "nl_NL"
}

type moneyAmount = money.Amount

// Outcome says what HandlePayment did.
type Outcome string

const (
	NotMine   Outcome = ""          // not a payment of a standing order
	Started   Outcome = "started"   // the first payment is paid: the standing order runs
	Delivered Outcome = "delivered" // a period is paid: its order exists
	Failed    Outcome = "failed"    // a charge failed: mail with a link to pay by hand (or paused)
	Pending   Outcome = "pending"   // not final yet
	Duplicate Outcome = "duplicate" // a second payment for a paid period: refunded
)

// HandlePayment brings the news of a payment to its standing order: the
// webhook, the local provider's status change and the reconciler call it,
// any number of times, in any order; a webhook that arrives before the
// charge was recorded (StartCharge) is recognised by the payment's
// metadata. Call it after the order side (store.Orders.ApplyPayment) for first
// payments.
func (s *Service) HandlePayment(ctx context.Context, id string) (Outcome, error) {
	p, err := s.Provider.GetPayment(ctx, id)
	if err != nil {
		return NotMine, fmt.Errorf("standing payment %s: %w", id, err)
	}
	return s.Apply(ctx, *p)
}

// Apply is HandlePayment with the payment at hand.
func (s *Service) Apply(ctx context.Context, p payment.Payment) (Outcome, error) {
	if oid := p.Metadata["order_id"]; oid != "" {
		sid, ok := s.Store.Standing.StandingOfFirstOrder(oid)
		if !ok || p.Status != payment.StatusPaid {
			return NotMine, nil
		}
		_, _, err := s.Store.Standing.MarkFirstPaid(sid, oid, p.MandateID, func(st recurring.Standing) (recurring.Standing, error) {
			return recurring.Start(st, paidAt(p, s.now()))
		})
		if err != nil {
			return NotMine, err
		}
		return Started, nil
	}
	sid, period, ok := s.Store.Standing.ChargeOf(p)
	if !ok {
		return NotMine, nil
	}
	switch p.Status {
	case payment.StatusPaid:
		o, created, err := s.Store.Standing.DeliverPeriod(sid, period, p, s.Provider.Name(), func(st recurring.Standing) (*order.Order, error) {
			return deliveryOrder(st, p.Amount, s.now())
		})
		if errors.Is(err, store.ErrPeriodTaken) {
			s.log().Error("a period of a standing order was paid twice; refunding the second payment", "standing", sid, "period", period, "payment", p.ID)
			_, rerr := s.Provider.CreateRefund(ctx, p.ID, payment.RefundRequest{Amount: p.Amount, Currency: p.Currency,
				Description: "Paid twice for one delivery of " + sid, IdempotencyKey: "standing-dup:" + p.ID})
			return Duplicate, rerr
		}
		if err != nil {
			return NotMine, err
		}
		if created {
			s.log().Info("standing order delivery paid", "standing", sid, "period", period, "order", o.ID)
		}
		if p.SequenceType == payment.SequenceFirst && p.MandateID != "" { // paid by hand: a new mandate
			_, err = s.Store.Standing.UpdateStanding(sid, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
				st.MandateID = p.MandateID
				return st, nil, nil
			})
		}
		return Delivered, err
	case payment.StatusFailed, payment.StatusCanceled, payment.StatusExpired:
		var out recurring.FailOutcome
		_, err := s.Store.Standing.UpdateStanding(sid, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
			var n recurring.Standing
			n, out = recurring.Failed(st, period, p.ID, s.now(), s.Policy)
			switch out {
			case recurring.Retry:
				return n, []store.StandingMail{{Kind: store.MailStandingFailed, Key: p.ID}}, nil
			case recurring.PausedAfter:
				return n, []store.StandingMail{{Kind: store.MailStandingPaused, Key: p.ID}}, nil
			}
			if st.Charging == p.ID { // a manual payment that was not completed
				st.Charging = ""
			}
			return st, nil, nil
		})
		return Failed, err
	}
	return Pending, nil
}

// deliveryOrder builds the order of one paid delivery: the standing
// order's line and shipping at exactly the amount charged.
func deliveryOrder(st recurring.Standing, charged moneyAmount, now time.Time) (*order.Order, error) {
	items := charged - st.Shipping
	if st.Quantity < 1 || items <= 0 || items%moneyAmount(st.Quantity) != 0 {
		return nil, fmt.Errorf("standing order %s: charge %d does not split over %d units plus shipping %d", st.ID, charged, st.Quantity, st.Shipping)
	}
	line := cart.TotalLine{SKU: st.SKU, Title: st.Title, Variant: st.Variant, URL: st.URL, UnitPrice: items / moneyAmount(st.Quantity),
		Quantity: st.Quantity, VATRate: st.VATRate, DeliveryClass: st.DeliveryClass}
	t := cart.Delivery(line, st.Currency, st.Address.Country, st.ShippingMethod, st.ShippingName, st.Shipping, st.ShippingVATRate)
	a := st.Address
	o, err := order.New(order.Customer{Name: a.Name, Email: st.Email, Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country},
		t, st.Lang, "", "", now)
	if err != nil {
		return nil, err
	}
	o.History[0].By, o.History[0].Note = "recurring", "delivery of standing order "+st.ID
	o.Meta = map[string]string{"standing": st.ID}
	return o, nil
}

// Tick does what is due at the scheduler's now for every active standing
// order: price notices, pre-charge notices, charges. It returns how many
// actions it took; errors are logged and retried at the next tick.
func (s *Service) Tick(ctx context.Context) int {
	all, err := s.Store.Standing.ListStanding(recurring.Active)
	if err != nil {
		s.log().Error("standing orders: list", "err", err)
		return 0
	}
	n := s.announcePrices(all)
	for _, st := range all {
		for range 4 { // a price notice, a notice and a charge may all be due
			did, err := s.step(ctx, st.ID)
			if err != nil {
				s.log().Error("standing order", "standing", st.ID, "err", err)
			}
			if !did {
				break
			}
			n++
		}
	}
	return n
}

// announcePrices compares each standing order's price with the catalog's
// (a reload may have changed it) and records a change to announce: the
// next step mails the notice, and the new price applies only to charges
// PriceNoticeDays after it.
func (s *Service) announcePrices(all []recurring.Standing) int {
	cat := s.Catalog()
	n := 0
	for _, st := range all {
		it, ok := cat.Lookup(st.SKU)
		if !ok || it.Subscription == nil || it.Currency != st.Currency {
			continue
		}
		t, err := Price(cat, st.SKU, st.Quantity, st.ShippingMethod, st.Address.Country)
		if err != nil {
			continue // its method no longer ships there: the price stays until the customer changes the address
		}
		price := t.Subtotal
		if price == st.Price && st.NewPrice == 0 || price == st.NewPrice {
			continue
		}
		_, err = s.Store.Standing.UpdateStanding(st.ID, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
			next, _ := recurring.AnnouncePrice(st, price, s.now())
			return next, nil, nil
		})
		if err != nil {
			s.log().Error("standing order price change", "standing", st.ID, "err", err)
			continue
		}
		n++
	}
	return n
}

// step takes the one action due for standing order id.
func (s *Service) step(ctx context.Context, id string) (bool, error) {
	st, err := s.Store.Standing.GetStanding(id)
	if err != nil {
		return false, err
	}
	now := s.now()
	a := recurring.Next(st, now, s.Policy)
	switch a.Kind {
	case recurring.PriceNotice:
		_, err := s.Store.Standing.UpdateStanding(id, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
			if recurring.Next(st, now, s.Policy).Kind != recurring.PriceNotice {
				return st, nil, nil
			}
			return recurring.PriceNoticedAt(st, now, s.Policy),
				[]store.StandingMail{{Kind: store.MailStandingPriceNotice, Key: strconv.FormatInt(int64(st.NewPrice), 10) + "@" + now.Format("20060102")}}, nil
		})
		return err == nil, err
	case recurring.Notice:
		_, err := s.Store.Standing.UpdateStanding(id, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
			b := recurring.Next(st, now, s.Policy)
			if b.Kind != recurring.Notice {
				return st, nil, nil
			}
			return recurring.Noticed(st, b.Period, b.Amount, now),
				[]store.StandingMail{{Kind: store.MailStandingNotice, Key: "p" + strconv.Itoa(b.Period) + "@" + st.NextCharge.Format("20060102")}}, nil
		})
		return err == nil, err
	case recurring.Charge:
		return true, s.charge(ctx, st, a)
	}
	return false, nil
}

// charge creates the recurring payment of a period with the period's
// idempotency key (a crash between creating and recording it makes the
// same call again and gets the same payment), records it, and applies its
// status when the provider settles it at once.
func (s *Service) charge(ctx context.Context, st recurring.Standing, a recurring.Action) error {
	p, err := s.Provider.CreatePayment(ctx, payment.CreateRequest{
		Amount: a.Amount, Currency: st.Currency, Description: fmt.Sprintf("%s, delivery %d of standing order %s", st.Title, a.Period, st.ID),
		WebhookURL: s.WebhookURL, Locale: locale(st.Lang),
		Metadata:   map[string]string{"standing": st.ID, "period": strconv.Itoa(a.Period)},
		CustomerID: st.CustomerID, SequenceType: payment.SequenceRecurring, IdempotencyKey: a.Key,
	})
	if errors.Is(err, payment.ErrNoMandate) {
		// Revoked (or never valid): pause and say so; paying by hand renews it.
		_, uerr := s.Store.Standing.UpdateStanding(st.ID, func(st recurring.Standing) (recurring.Standing, []store.StandingMail, error) {
			n, perr := recurring.Pause(st, "mandate_revoked", s.now())
			if perr != nil {
				return st, nil, nil
			}
			return n, []store.StandingMail{{Kind: store.MailStandingPaused, Key: "mandate:" + strconv.Itoa(st.Period)}}, nil
		})
		return errors.Join(fmt.Errorf("charge %s period %d: %w", st.ID, a.Period, err), uerr)
	}
	if err != nil {
		return fmt.Errorf("charge %s period %d: %w", st.ID, a.Period, err)
	}
	if _, err := s.Store.Standing.StartCharge(st.ID, a.Period, p.ID); err != nil {
		return err
	}
	cur, err := s.Provider.GetPayment(ctx, p.ID)
	if err != nil || !cur.Status.Final() {
		return nil // the webhook or the reconciler brings the outcome
	}
	_, err = s.Apply(ctx, *cur)
	return err
}

// PayByHand starts a payment of the current period by the customer (after
// a failed charge, or to resume after a revoked mandate): a first payment,
// so paying it renews the mandate. Returns where to pay.
func (s *Service) PayByHand(ctx context.Context, token string) (string, error) {
	st, err := s.Store.Standing.StandingByToken(token)
	if err != nil {
		return "", err
	}
	if st.State == recurring.Canceled || st.Period < 2 {
		return "", fmt.Errorf("pay by hand: %w", recurring.ErrState)
	}
	amount := st.ChargeFor(st.Period)
	if st.NoticeSent >= st.Period {
		amount = st.NoticedAmount
	}
	p, err := s.Provider.CreatePayment(ctx, payment.CreateRequest{
		Amount: amount, Currency: st.Currency, Description: fmt.Sprintf("%s, delivery %d of standing order %s", st.Title, st.Period, st.ID),
		RedirectURL: s.PublicURL + "/standing/" + st.Token, WebhookURL: s.WebhookURL, Locale: locale(st.Lang),
		Metadata:   map[string]string{"standing": st.ID, "period": strconv.Itoa(st.Period), "by_hand": "1"},
		CustomerID: st.CustomerID, SequenceType: payment.SequenceFirst,
		IdempotencyKey: fmt.Sprintf("standing:%s:p%d:hand%d", st.ID, st.Period, st.Attempt),
	})
	if err != nil {
		return "", fmt.Errorf("pay by hand %s: %w", st.ID, err)
	}
	if st.State == recurring.Active {
		if _, err := s.Store.Standing.StartCharge(st.ID, st.Period, p.ID); err != nil {
			return "", err
		}
	} else if err := s.Store.Standing.IndexCharge(st.ID, st.Period, p.ID); err != nil {
		return "", err
	}
	return p.CheckoutURL, nil
}

// Reconcile asks the provider about charges under way whose news never
// came (a lost webhook) and applies it.
func (s *Service) Reconcile(ctx context.Context) int {
	all, err := s.Store.Standing.ListStanding("")
	if err != nil {
		return 0
	}
	n := 0
	for _, st := range all {
		if st.Charging == "" {
			continue
		}
		if out, err := s.HandlePayment(ctx, st.Charging); err != nil {
			s.log().Warn("standing order reconcile", "standing", st.ID, "payment", st.Charging, "err", err)
		} else if out == Delivered || out == Failed {
			n++
		}
	}
	return n
}

func paidAt(p payment.Payment, now time.Time) time.Time {
	if p.PaidAt.IsZero() {
		return now
	}
	return p.PaidAt
}
