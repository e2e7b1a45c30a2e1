package usecase

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/store"
)

// Reviews from verified buyers (docs/retention.md): a job asks each
// delivered order once, some days after delivery; the order's token link
// leads to a form per product; the owner moderates through the admin API
// and `shop reviews`; `shop reviews export` writes the approved ones into
// data/reviews/ for the next build.
type Reviews struct{ Deps }

// Errors of the review use cases.
var (
	ErrReviewLocked   = store.ErrReviewLocked // the owner has moderated it: the customer cannot edit it
	ErrNotDelivered   = errors.New("the order is not delivered")
	ErrUnknownProduct = errors.New("the product is not in the order")
	ErrUnknownAction  = errors.New("unknown action; use approve or reject")
	ErrUnknownState   = errors.New("unknown state; states are pending, approved, rejected")
	ErrModeration     = review.ErrModeration
)

// FieldErrors are the form's errors by field, as word keys.
type FieldErrors map[string]string

func (FieldErrors) Error() string { return "the review has errors" }

// Product is one product of an order, as the review form shows it.
type Product struct{ Slug, Title string }

// RequestDue queues the review request of every delivered order whose day
// has come; it returns how many were queued.
func (r Reviews) RequestDue(ctx context.Context) int {
	days, on := review.AfterDays(r.Catalog().Shop.ReviewAfterDays)
	if !on {
		return 0
	}
	orders, err := r.Store.Orders.ListOrders(store.Filter{States: []order.State{order.Delivered}})
	if err != nil {
		r.Log.Error("review requests: list orders", "err", err)
		return 0
	}
	now, queued := r.Now(), 0
	for _, o := range orders {
		if ctx.Err() != nil {
			break
		}
		if !review.Due(o, days, now) {
			continue
		}
		if _, done := r.Store.ReviewRequested(o.ID); done {
			continue
		}
		ok, err := r.Store.RequestReview(o)
		if err != nil {
			r.Log.Error("review request", "order", o.ID, "err", err)
			continue
		}
		if ok {
			queued++
		}
	}
	if queued > 0 {
		r.Log.Info("review requests queued", "orders", queued)
		r.kick()
	}
	return queued
}

// Products lists an order's products once each, by slug: the catalog
// item's product, or the last part of the line's URL when the SKU is gone.
func (r Reviews) Products(o *order.Order) []Product {
	cat := r.Catalog()
	seen := map[string]bool{}
	var out []Product
	for _, l := range o.Lines {
		slug := ""
		if it, ok := cat.Lookup(l.SKU); ok {
			slug = it.Product
		}
		if slug == "" && l.URL != "" {
			u := strings.TrimSuffix(l.URL, "/")
			slug = u[strings.LastIndex(u, "/")+1:]
		}
		if !review.ValidSlug(slug) || seen[slug] {
			continue
		}
		seen[slug] = true
		out = append(out, Product{Slug: slug, Title: l.Title})
	}
	return out
}

// OrderReviews is what the review form of one order shows.
type OrderReviews struct {
	ByProduct map[string]*review.Review // the customer's own reviews, by product slug
	OptedOut  bool
}

// OfOrder are the reviews written for o and whether its customer opted out.
func (r Reviews) OfOrder(o *order.Order) (OrderReviews, error) {
	mine, err := r.Store.Reviews.OfOrder(o.ID)
	if err != nil {
		return OrderReviews{}, fmt.Errorf("reviews of order %s: %w", o.ID, err)
	}
	out := OrderReviews{ByProduct: map[string]*review.Review{}, OptedOut: r.Store.Reviews.OptedOut(o.Customer.Email)}
	for i := range mine {
		out.ByProduct[mine[i].Product] = &mine[i]
	}
	return out, nil
}

// Write saves the customer's review of one product of o: ErrNotDelivered,
// ErrUnknownProduct, FieldErrors (word keys), ErrReviewLocked.
func (r Reviews) Write(o *order.Order, in review.Input) error {
	if o.State != order.Delivered {
		return ErrNotDelivered
	}
	var title string
	for _, p := range r.Products(o) {
		if p.Slug == in.Product {
			title = p.Title
		}
	}
	if title == "" {
		return ErrUnknownProduct
	}
	if errs := in.Clean(); len(errs) > 0 {
		return FieldErrors(errs)
	}
	_, _, err := r.Store.Reviews.Save(review.Review{OrderID: o.ID, Product: in.Product, ProductTitle: title, Rating: in.Rating,
		Text: in.Text, Author: in.Author, Email: o.Customer.Email, Lang: in.Lang})
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	r.Log.Info("review written", "order", o.ID, "product", in.Product)
	return nil
}

// OptedOut reports whether the customer of o asked for no review requests.
func (r Reviews) OptedOut(o *order.Order) bool { return r.Store.Reviews.OptedOut(o.Customer.Email) }

// OptOut records that the customer of o wants no review requests.
func (r Reviews) OptOut(o *order.Order) error {
	if err := r.Store.Reviews.OptOut(o.Customer.Email); err != nil {
		return fmt.Errorf("review opt-out: %w", err)
	}
	r.Log.Info("customer opted out of review requests", "order", o.ID)
	return nil
}

// List lists the reviews in state st ("" for all): ErrUnknownState.
func (r Reviews) List(st review.State) ([]review.Review, error) {
	if st != "" && !st.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnknownState, st)
	}
	list, err := r.Store.Reviews.List(st)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	if list == nil {
		list = []review.Review{}
	}
	return list, nil
}

// Moderate approves or rejects the review of product in orderID:
// ErrUnknownAction, ErrNotFound, ErrModeration.
func (r Reviews) Moderate(orderID, product string, a review.Action, by string) (review.Review, error) {
	if a != review.Approve && a != review.Reject {
		return review.Review{}, ErrUnknownAction
	}
	id := review.ID(orderID, product)
	rv, err := r.Store.Reviews.Moderate(id, a, by)
	if err != nil {
		return rv, err
	}
	r.Log.Info("review moderated", "review", id, "action", string(a), "by", by)
	return rv, nil
}

// Overview is the owner's view of the reviews.
type Overview struct {
	Pending              []review.Review
	Approved             []review.Review // newest first, at most 20
	ApprovedN, RejectedN int
	Off                  bool // the shop asks for no reviews
	AfterDays            int
}

// Overview sorts every review for the owner's page.
func (r Reviews) Overview() (Overview, error) {
	all, err := r.Store.Reviews.List("")
	if err != nil {
		return Overview{}, fmt.Errorf("admin reviews: %w", err)
	}
	var d Overview
	for _, rv := range all {
		switch rv.State {
		case review.Pending:
			d.Pending = append(d.Pending, rv)
		case review.Approved:
			d.ApprovedN++
			d.Approved = append([]review.Review{rv}, d.Approved...)
		case review.Rejected:
			d.RejectedN++
		}
	}
	if len(d.Approved) > 20 {
		d.Approved = d.Approved[:20]
	}
	days, on := review.AfterDays(r.Catalog().Shop.ReviewAfterDays)
	d.AfterDays, d.Off = days, !on
	return d, nil
}

// RequestMail is what the review request e-mail of an order needs; ok is
// false when none is sent (the customer opted out meanwhile, or no product
// of the order can be reviewed).
func (r Reviews) RequestMail(orderID string) (o *order.Order, products []Product, ok bool, err error) {
	o, err = r.Store.Orders.GetOrder(orderID)
	if err != nil {
		return nil, nil, false, fmt.Errorf("order %s: %w", orderID, err)
	}
	if r.Store.Reviews.OptedOut(o.Customer.Email) {
		r.Log.Info("review request not sent: the customer opted out meanwhile", "order", o.ID)
		return o, nil, false, nil
	}
	products = r.Products(o)
	return o, products, len(products) > 0, nil
}
