package subscribe

import (
	"slices"
	"strings"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
)

// Product is one product of a catalog as a digest shows it (its cheapest SKU).
type Product struct {
	Slug     string       `json:"slug"`
	Title    string       `json:"title"`
	URL      string       `json:"url"`
	Image    string       `json:"image,omitempty"`
	Category string       `json:"category"`
	Maker    string       `json:"maker,omitempty"`
	Price    money.Amount `json:"price"` // lowest, incl. VAT
	Currency string       `json:"currency"`
}

// Products groups a catalog's items by product, in slug order.
func Products(cat *catalog.Catalog) []Product {
	by := map[string]*Product{}
	for _, it := range cat.Items {
		slug := it.Product
		if slug == "" {
			slug = it.SKU
		}
		p := by[slug]
		if p == nil {
			p = &Product{Slug: slug, Title: it.Title, URL: it.URL, Image: it.Image, Category: it.Category,
				Maker: it.Maker, Price: it.Price, Currency: it.Currency}
			by[slug] = p
			continue
		}
		if it.Price < p.Price {
			p.Price = it.Price
		}
	}
	out := make([]Product, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Product) int { return strings.Compare(a.Slug, b.Slug) })
	return out
}

// Slugs lists the products' slugs (what is stored as "announced").
func Slugs(ps []Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Slug
	}
	return out
}

// NewArrivals are the products of cur whose slug was not in the announced list.
func NewArrivals(announced []string, cur []Product) []Product {
	seen := map[string]bool{}
	for _, s := range announced {
		seen[s] = true
	}
	var out []Product
	for _, p := range cur {
		if !seen[p.Slug] {
			out = append(out, p)
		}
	}
	return out
}

// Section is one followed topic with its new products.
type Section struct {
	Topic    Topic     `json:"topic"`
	Label    string    `json:"label"`
	Products []Product `json:"products"`
}

// Matches reports whether p belongs to t.
func (t Topic) Matches(p Product) bool {
	switch t.Kind {
	case Category:
		return p.Category == t.Key
	case Maker:
		return p.Maker == t.Key
	}
	return false
}

// Digest is what one subscriber gets about arrivals: a section per
// confirmed topic with new products in it (a product in two followed topics
// shows in both). Empty means nothing to send.
func Digest(s *Subscriber, arrivals []Product) []Section {
	var out []Section
	for _, c := range s.Following() {
		var ps []Product
		for _, p := range arrivals {
			if c.Topic.Matches(p) {
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			label := c.Label
			if label == "" {
				label = c.Topic.Key
			}
			out = append(out, Section{Topic: c.Topic, Label: label, Products: ps})
		}
	}
	return out
}
