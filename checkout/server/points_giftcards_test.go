package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/giftcard"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/money"
)

// TestPointsOnGiftCardsProperty: over random carts of goods and gift cards
// bought, sometimes paid partly or wholly with a gift card, the points an
// order earns are the rule's: one per whole euro of the goods (shipping
// never), plus the gift cards bought only when the shop's
// earn_on_gift_cards says so. A gift card paying changes nothing: its money
// earns when it buys goods, and only then (docs/loyalty-and-promises.md).
func TestPointsOnGiftCardsProperty(t *testing.T) {
	boundRapid(15)
	for _, onCards := range []bool{false, true} {
		t.Run(fmt.Sprintf("earn_on_gift_cards=%v", onCards), func(t *testing.T) {
			f := molliefake.New()
			defer f.Close()
			clk := &testClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
			sh := newShop(t, withMollie(f), withClock(clk), withCatalog(t, func(c map[string]any) {
				moneyCatalog(c)
				giftCatalog(c)
				c["loyalty"] = map[string]any{"points_per_euro": 2, "point_value": 5, "min_redeem": 100, "earn_on_gift_cards": onCards}
			}))
			cat := sh.sc.Catalog.Current()
			var goods, cards []catalog.Item
			for _, it := range cat.Items {
				if it.GiftCard {
					cards = append(cards, it)
				} else {
					goods = append(goods, it)
				}
			}
			n := 0
			rapid.Check(t, func(rt *rapid.T) {
				n++
				clk.Add(2 * time.Minute) // past the limit on gift codes tried per minute
				jar, _ := newJar()
				sh.jar, sh.client.Jar = jar, jar
				var goodsSum, cardsSum money.Amount
				for _, it := range rapid.SliceOfNDistinct(rapid.SampledFrom(goods), 0, 3, func(it catalog.Item) string { return it.SKU }).Draw(rt, "goods") {
					q := rapid.IntRange(1, 3).Draw(rt, "qty "+it.SKU)
					sh.addToCart(it.SKU, q)
					goodsSum += it.Price * money.Amount(q)
				}
				for _, it := range cards {
					if q := rapid.IntRange(0, 2).Draw(rt, "cards "+it.SKU); q > 0 {
						sh.addToCart(it.SKU, q)
						cardsSum += it.Price * money.Amount(q)
					}
				}
				if goodsSum+cardsSum == 0 {
					sh.addToCart(cards[0].SKU, 1)
					cardsSum = cards[0].Price
				}
				body := strings.TrimSuffix(validCheckout, "}") + `,"gift_to":"ben@example.nl"`
				var balance money.Amount
				if rapid.Bool().Draw(rt, "pay with a gift card") {
					balance = money.Amount(rapid.Int64Range(100, 30000).Draw(rt, "card balance"))
					_, code, err := sh.sc.store.GiftCards.IssueGiftCard(balance, "EUR", giftcard.Rule{}, "", "nl")
					if err != nil {
						rt.Fatal(err)
					}
					body += `,"gift_code":"` + code + `"`
				}
				r := sh.req(http.MethodPost, "/api/checkout", body+"}", "Idempotency-Key", fmt.Sprintf("pc-%v-%d", onCards, n))
				if r.StatusCode != http.StatusCreated {
					rt.Fatalf("checkout: %d %s", r.StatusCode, r.body)
				}
				var a CheckoutAnswer
				r.json(sh.t, &a)
				o, err := sh.sc.store.Orders.GetOrder(a.Order.ID)
				if err != nil {
					rt.Fatal(err)
				}
				if balance > 0 && (o.GiftCard == nil || o.GiftCard.Amount != min(balance, o.Total())) {
					rt.Fatalf("a card of %d did not pay %d of %d: %+v", balance, min(balance, o.Total()), o.Total(), o.GiftCard)
				}
				base := goodsSum
				if onCards {
					base += cardsSum
				}
				if want := int(base/100) * 2; o.PointsToEarn != want {
					rt.Fatalf("goods %d, gift cards bought %d, card paying %d: %d points, the rule says %d",
						goodsSum, cardsSum, balance, o.PointsToEarn, want)
				}
				if o.PointsOnCards != onCards || o.EarnBase() != base {
					rt.Fatalf("the order's earn base is %d (on cards %v), want %d", o.EarnBase(), o.PointsOnCards, base)
				}
			})
		})
	}
}
