package usecase

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/storefront/storefront/checkout/loyalty"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/store"
)

// Privacy is the customer's points and data page. There are no accounts:
// the customer asks for a link by e-mail; the link shows their balance,
// history, orders and the personal data the shop holds, with a button that
// deletes that data.
type Privacy struct {
	Deps
	// LinkTTL is how long a link works; LinkEvery how often one address gets one.
	LinkTTL, LinkEvery time.Duration
	// ReturnWindow says until when an order's points may still be taken back.
	ReturnWindow store.ReturnWindow
	// Lock holds the checkouts that spend an address's points (loyalty's lock).
	Lock func(email string) (unlock func())
}

// Errors of the privacy use cases.
var (
	ErrLinkExpired = store.ErrLinkExpired
	ErrOrderOpen   = store.ErrOrderOpen // data cannot go while an order is open
)

// LinkEmail is the address a points link (token) belongs to: ErrNotFound, ErrLinkExpired.
func (u Privacy) LinkEmail(token string) (string, error) {
	return u.Store.Loyalty.PointsLinkEmail(token)
}

// RequestLink mails a link to email when it has an order its owner
// confirmed (paid): neither the form nor an unpaid order with someone
// else's address can make the shop mail strangers. The caller answers the
// same either way.
func (u Privacy) RequestLink(email, lang string) error {
	os, err := u.Store.Loyalty.CustomerOrders(email)
	if err != nil {
		return fmt.Errorf("points link: %w", err)
	}
	if !slices.ContainsFunc(os, store.ConfirmedByOwner) {
		return nil
	}
	if _, err := u.Store.Loyalty.RequestPointsLink(email, lang, u.LinkTTL, u.LinkEvery); err != nil {
		return fmt.Errorf("points link: %w", err)
	}
	u.kick()
	return nil
}

// Account is the points account of email and its orders that their owner
// confirmed: a stranger may have typed this address into an unpaid order.
func (u Privacy) Account(email string) (loyalty.Account, []*order.Order, error) {
	acc, orders, err := u.Store.Loyalty.PointsAccount(email, u.ReturnWindow)
	if err != nil {
		return acc, nil, fmt.Errorf("points account: %w", err)
	}
	var mine []*order.Order
	for _, o := range orders {
		if store.ConfirmedByOwner(o) {
			mine = append(mine, o)
		}
	}
	return acc, mine, nil
}

// OwnerAccount is the owner's view of one customer's points: every order
// with the address.
func (u Privacy) OwnerAccount(email string) (loyalty.Account, []*order.Order, error) {
	acc, orders, err := u.Store.Loyalty.PointsAccount(email, u.ReturnWindow)
	if err != nil {
		return acc, nil, fmt.Errorf("points account: %w", err)
	}
	return acc, orders, nil
}

// DeleteData deletes what the shop holds about email: ErrOrderOpen.
func (u Privacy) DeleteData(email string) error {
	unlock := u.Lock(email) // no checkout spends these points meanwhile
	d, err := u.Store.Loyalty.DeleteCustomerData(email)
	unlock()
	if errors.Is(err, store.ErrOrderOpen) {
		return err
	}
	if err != nil {
		return fmt.Errorf("delete customer data: %w", err)
	}
	u.Log.Info("customer data deleted on request", "orders", d.Orders, "mails", d.Mails, "links", d.Links)
	return nil
}
