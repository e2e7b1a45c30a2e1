package standing_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/recurring"
	"github.com/storefront/storefront/checkout/standing"
	"github.com/storefront/storefront/checkout/store"
)

const coffeeKilo = "KOF-GUJI-1000-BO"

// ossCatalog is the test catalog registered for OSS (Belgian and German
// rates, as data/vat.toml) with the coffee on subscription in two sizes.
func ossCatalog(t tb) *catalog.Catalog {
	t.Helper()
	b, err := os.ReadFile("../catalog/testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	raw["vat"] = map[string]any{"oss": true, "rates": map[string]any{
		"BE": map[string]int{"reduced": 6, "standard": 21, "zero": 0},
		"DE": map[string]int{"reduced": 7, "standard": 19, "zero": 0}}}
	items := raw["items"].([]any)
	for _, x := range items {
		it := x.(map[string]any)
		it["vat_class"] = map[float64]string{9: "reduced", 21: "standard", 0: "zero"}[it["vat_rate"].(float64)]
		if it["sku"] == coffee {
			it["subscription"] = map[string]any{"intervals": []int{2, 4, 6}, "price": 1350}
			kilo := map[string]any{}
			for k, v := range it {
				kilo[k] = v
			}
			kilo["sku"], kilo["variant"], kilo["price"] = coffeeKilo, "1 kg · bonen", 4995
			kilo["subscription"] = map[string]any{"intervals": []int{2, 4, 6}, "price": 4650}
			items = append(items, kilo)
		}
	}
	raw["items"] = items
	if b, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// delivered runs the current period of standing order id through its
// notice and charge and returns what the notice announced, what the
// provider charged and the period's order.
func (r *rig) delivered(id string) (noticed, charged int64, o *order.Order) {
	r.t.Helper()
	st := r.standing(id)
	r.at(st.NoticeAt(recurring.DefaultPolicy))
	after := r.standing(id)
	if after.NoticeSent != st.Period {
		r.t.Fatalf("period %d: no notice (%+v)", st.Period, after)
	}
	r.restart()
	r.at(after.NextCharge)
	oid, ok := r.st.Standing.PeriodOrder(id, st.Period)
	if !ok {
		r.t.Fatalf("period %d has no order: %+v", st.Period, r.standing(id))
	}
	o, err := r.st.Orders.GetOrder(oid)
	if err != nil || o.State != order.Paid {
		r.t.Fatalf("period %d order %+v %v", st.Period, o, err)
	}
	p, err := r.prov.GetPayment(context.Background(), o.PaymentID)
	if err != nil {
		r.t.Fatal(err)
	}
	return int64(after.NoticedAmount), int64(p.Amount), o
}

// TestStandingOrderAbroadPaysDestinationVAT: a Belgian subscriber pays
// Belgian VAT (6 % on coffee) on the Dutch price excluding VAT, like a
// one-off checkout to Belgium: the first order, the pre-charge notice,
// the recurring charge and its order all say the same amount.
func TestStandingOrderAbroadPaysDestinationVAT(t *testing.T) {
	r := newLocalRig(t)
	r.cat = ossCatalog(t)
	b, err := r.svc.Begin(context.Background(), standing.Request{Email: "anais@example.be", Lang: "nl", SKU: coffee, Quantity: 1, Weeks: 4,
		Address: recurring.Address{Name: "Anaïs Dubois", Street: "Rue Haute 1", PostalCode: "1000", City: "Bruxelles", Country: "BE"}})
	if err != nil {
		t.Fatal(err)
	}
	// 13,50 incl. 9 % is 12,39 excl.; plus 6 %: 13,13. DHL to Belgium 12,95.
	if b.Order.Total() != 1313+1295 || b.Order.Lines[0].VATRate != 6 || b.Order.Lines[0].UnitPrice != 1313 {
		t.Fatalf("first order to Belgium: total %d, line %+v", b.Order.Total(), b.Order.Lines[0])
	}
	r.pay(b.Order.PaymentID, "paid")
	noticed, charged, o := r.delivered(b.Standing.ID)
	if noticed != 2608 || charged != 2608 || int64(o.Total()) != 2608 {
		t.Fatalf("noticed %d, charged %d, order %d; want 26,08 each", noticed, charged, o.Total())
	}
	if len(o.Totals.VAT) != 1 || o.Totals.VAT[0].Rate != 6 || o.Customer.Country != "BE" {
		t.Fatalf("delivery order VAT %+v to %s, want 6 %% (Belgium)", o.Totals.VAT, o.Customer.Country)
	}
	// No price notice: the Belgian price is the catalog's price.
	if r.mails(store.MailStandingPriceNotice) != 0 {
		t.Fatal("a price notice for a price that did not change")
	}
}

// TestStandingChargeIsCheckoutPrice (rapid): for any country, variant,
// interval and quantity, and an address or variant change on the way,
// every delivery's notice, charge and order are the same amount, and it
// is what a one-off checkout of that item to that address costs
// (standing.Price, cart.ComputeItem).
func TestStandingChargeIsCheckoutPrice(t *testing.T) {
	countries := []string{"NL", "BE", "DE"}
	rapid.Check(t, func(rt *rapid.T) {
		r := newLocalRig(t)
		r.t = rt
		r.cat = ossCatalog(rt)
		ctx := context.Background()
		sku := rapid.SampledFrom([]string{coffee, coffeeKilo}).Draw(rt, "sku")
		country := rapid.SampledFrom(countries).Draw(rt, "country")
		b, err := r.svc.Begin(ctx, standing.Request{Email: "k@example.eu", Lang: "en", SKU: sku,
			Quantity: rapid.IntRange(1, 3).Draw(rt, "quantity"), Weeks: rapid.SampledFrom([]int{2, 4, 6}).Draw(rt, "weeks"),
			Address: recurring.Address{Name: "K", Street: "S 1", PostalCode: "1000", City: "C", Country: country}})
		if err != nil {
			rt.Fatal(err)
		}
		r.pay(b.Order.PaymentID, "paid")
		id := b.Standing.ID
		for range rapid.IntRange(1, 3).Draw(rt, "deliveries") {
			st := r.standing(id)
			switch rapid.IntRange(0, 2).Draw(rt, "change") {
			case 1:
				to := rapid.SampledFrom(countries).Draw(rt, "move to")
				if _, _, err := r.svc.Act(ctx, st.Token, standing.ActAddress, standing.Change{Address: recurring.Address{
					Name: "K", Street: "S 2", PostalCode: "2000", City: "D", Country: to}}, "customer"); err != nil {
					rt.Fatal(err)
				}
			case 2:
				other := map[string]string{coffee: coffeeKilo, coffeeKilo: coffee}[st.SKU]
				if _, _, err := r.svc.Act(ctx, st.Token, standing.ActVariant, standing.Change{SKU: other}, "customer"); err != nil {
					rt.Fatal(err)
				}
			}
			st = r.standing(id)
			want, err := standing.Price(r.cat, st.SKU, st.Quantity, st.ShippingMethod, st.Address.Country)
			if err != nil {
				rt.Fatal(err)
			}
			noticed, charged, o := r.delivered(id)
			if noticed != charged || charged != int64(o.Total()) || charged != int64(want.GrandTotal) {
				rt.Fatalf("to %s: noticed %d, charged %d, order %d, checkout price %d", st.Address.Country, noticed, charged, o.Total(), want.GrandTotal)
			}
			if o.Customer.Country != st.Address.Country || o.Lines[0].VATRate != want.Lines[0].VATRate || o.Totals.VATTotal != want.VATTotal {
				rt.Fatalf("order to %s: VAT %d at %d %%, want %d at %d %%", o.Customer.Country, o.Totals.VATTotal, o.Lines[0].VATRate, want.VATTotal, want.Lines[0].VATRate)
			}
		}
	})
}
