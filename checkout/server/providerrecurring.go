package server

import (
	"context"

	"github.com/storefront/storefront/checkout/payment"
)

// The provider's customers and mandates (payment.Recurring, for standing
// orders) go through the same wrappers as its payments: counted in the
// metrics and the readiness check (shop_provider_calls_total with op
// create_customer, list_mandates, revoke_mandate; health.go) and held to
// the one call budget (providerbudget.go): creating a customer and
// revoking a mandate are writes, never refused; listing mandates is a
// read, refused or waited for like GetPayment. Recurring charges are
// payments and already go through Provider.CreatePayment.

// recurringOf is the provider's Recurring under the wrappers p has, each
// wrapper's recurring twin around the inner one; nil when the provider
// has no recurring payments.
func recurringOf(p payment.Provider) payment.Recurring {
	switch w := p.(type) {
	case *budgetProvider:
		if in := recurringOf(w.Provider); in != nil {
			return budgetRecurring{Recurring: in, b: w}
		}
		return nil
	case watchedProvider:
		if in := recurringOf(w.Provider); in != nil {
			return watchedRecurring{Recurring: in, w: w}
		}
		return nil
	case *watchedProvider:
		return recurringOf(*w)
	}
	r, _ := p.(payment.Recurring)
	return r
}

type watchedRecurring struct {
	payment.Recurring
	w watchedProvider
}

func (r watchedRecurring) CreateCustomer(ctx context.Context, name, email, key string) (*payment.Customer, error) {
	c, err := r.Recurring.CreateCustomer(ctx, name, email, key)
	r.w.note("create_customer", err)
	return c, err
}

func (r watchedRecurring) ListMandates(ctx context.Context, customerID string) ([]payment.Mandate, error) {
	ms, err := r.Recurring.ListMandates(ctx, customerID)
	r.w.note("list_mandates", err)
	return ms, err
}

func (r watchedRecurring) RevokeMandate(ctx context.Context, customerID, mandateID string) error {
	err := r.Recurring.RevokeMandate(ctx, customerID, mandateID)
	r.w.note("revoke_mandate", err)
	return err
}

type budgetRecurring struct {
	payment.Recurring
	b *budgetProvider
}

func (r budgetRecurring) CreateCustomer(ctx context.Context, name, email, key string) (*payment.Customer, error) {
	_ = r.b.take(ctx, false)
	return r.Recurring.CreateCustomer(ctx, name, email, key)
}

func (r budgetRecurring) ListMandates(ctx context.Context, customerID string) ([]payment.Mandate, error) {
	if err := r.b.take(ctx, true); err != nil {
		return nil, err
	}
	return r.Recurring.ListMandates(ctx, customerID)
}

func (r budgetRecurring) RevokeMandate(ctx context.Context, customerID, mandateID string) error {
	_ = r.b.take(ctx, false)
	return r.Recurring.RevokeMandate(ctx, customerID, mandateID)
}
