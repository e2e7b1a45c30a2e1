package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/store/codec"
)

// Any cart and idempotency record reads back the same from the compressed
// form as from its JSON (the old form).
func TestRecordRoundTrip(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "x.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rapid.Check(t, func(t *rapid.T) {
		var v any
		if rapid.Bool().Draw(t, "cart") {
			c := &cart.Cart{ID: rapid.String().Draw(t, "id"), Lang: rapid.String().Draw(t, "lang"), Code: rapid.String().Draw(t, "code"),
				CreatedAt: time.Unix(rapid.Int64Range(0, 4e9).Draw(t, "created"), rapid.Int64Range(0, 1e9-1).Draw(t, "ns")).UTC()}
			for i := range rapid.IntRange(0, 30).Draw(t, "lines") {
				c.Lines = append(c.Lines, cart.Line{SKU: rapid.String().Draw(t, fmt.Sprint("sku", i)), Quantity: rapid.Int().Draw(t, fmt.Sprint("qty", i)),
					PriceSeen: money.Amount(rapid.Int64().Draw(t, fmt.Sprint("price", i)))})
			}
			v = c
		} else {
			v = &idemRecord{RequestHash: rapid.String().Draw(t, "hash"), OrderID: rapid.String().Draw(t, "order")}
		}
		old, _ := json.Marshal(v)
		err := tempBucket(db, func(b *bolt.Bucket) error {
			if err := putRecord(b, "k", v); err != nil {
				return err
			}
			rec := b.Get([]byte("k"))
			if rec[0] != byte(codec.Record) {
				return fmt.Errorf("first byte %#x", rec[0])
			}
			for form, data := range map[string][]byte{"compressed": rec, "json": old} {
				back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
				if err := decodeRecord(data, back); err != nil {
					return fmt.Errorf("%s: %w", form, err)
				}
				if got, _ := json.Marshal(back); string(got) != string(old) {
					return fmt.Errorf("%s form reads back\n%s\nwant\n%s", form, got, old)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// tempBucket runs fn on a bucket of db in a transaction that is rolled
// back.
func tempBucket(db *bolt.DB, fn func(*bolt.Bucket) error) error {
	tx, err := db.Begin(true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b, err := tx.CreateBucketIfNotExists([]byte("b"))
	if err != nil {
		return err
	}
	return fn(b)
}

// A cart stored as JSON (every shop.db before the compressed form) is read
// and changed; written back, it is compressed and reads back the same. The
// same for an idempotency key: a retry with it finds its order.
func TestOldCartAndKeyRecordsStillRead(t *testing.T) {
	f := open(t, 0) // carts buffered, as in production
	c := &cart.Cart{ID: "old-cart-0123456789abcdefghijklmnopqrstuvw", CreatedAt: t0, UpdatedAt: t0, Lang: "en",
		Lines: []cart.Line{{SKU: "MOLEN-1", Quantity: 1, PriceSeen: 4995, AddedAt: t0}}}
	o := f.create(t, "new-key", f.newOrder(t, "c1", "MOLEN-1", 1))
	err := f.s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketCarts), c.ID, c); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketIdempotency), "old-key", idemRecord{RequestHash: "h-old", OrderID: o.ID, CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Carts.GetCart(c.ID)
	if err != nil || got.Lang != "en" || len(got.Lines) != 1 || got.Lines[0].SKU != "MOLEN-1" {
		t.Fatalf("old cart: %+v, %v", got, err)
	}
	if _, err := f.s.Carts.UpdateCart(c.ID, func(c *cart.Cart) error { c.Lines[0].Quantity = 3; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Carts.FlushCarts(); err != nil {
		t.Fatal(err)
	}
	var rec []byte
	f.s.db.View(func(tx *bolt.Tx) error {
		rec = append(rec, tx.Bucket(bucketCarts).Get([]byte(c.ID))...)
		return nil
	})
	if len(rec) == 0 || rec[0] != byte(codec.Record) {
		t.Fatalf("the changed cart is stored as %q, want the compressed form", rec)
	}
	if got, err := f.s.Carts.GetCart(c.ID); err != nil || got.Lines[0].Quantity != 3 || got.Lang != "en" {
		t.Fatalf("changed cart read back: %+v, %v", got, err)
	}
	for _, key := range []string{"old-key", "new-key"} {
		if got, err := f.s.Orders.OrderByIdempotencyKey(key); err != nil || got.ID != o.ID {
			t.Errorf("order of idempotency key %s: %v, %v", key, got, err)
		}
	}
	if again, created, err := f.s.Orders.CreateOrder(NewOrder{IdempotencyKey: "old-key", RequestHash: "h-old", Order: f.newOrder(t, "c2", "MOLEN-1", 1), Catalog: f.cat}); err != nil || created || again.ID != o.ID {
		t.Errorf("retry with the old key: %v created %v, %v; want order %s again", again, created, err, o.ID)
	}
	if n, err := f.s.Orders.PruneIdempotency(t0.Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("pruned %d keys, %v; want both", n, err)
	}
}

// drawOrder is an order with every kind of field drawn: any text (quotes,
// non-Latin letters, control characters), any number of lines, attempts,
// history, returns; optional parts present or not.
func drawOrder(t *rapid.T) *order.Order {
	text := func(name string) string { return rapid.String().Draw(t, name) }
	amount := func(name string) money.Amount { return money.Amount(rapid.Int64Range(-1e9, 1e9).Draw(t, name)) }
	when := func(name string) time.Time {
		if rapid.Bool().Draw(t, name+"-zero") {
			return time.Time{}
		}
		return time.Unix(rapid.Int64Range(1.6e9, 2.2e9).Draw(t, name), rapid.Int64Range(0, 999999999).Draw(t, name+"-ns")).UTC()
	}
	o := &order.Order{
		ID: text("id"), Token: text("token"), State: rapid.SampledFrom(order.States).Draw(t, "state"),
		Customer: order.Customer{Name: text("name"), Email: text("email"), Street: text("street"), PostalCode: text("postal"),
			City: text("city"), Country: text("country"), Company: text("company"), VATID: text("vat-id")},
		ShippingMethod: text("method"), Currency: text("currency"), PaymentID: text("payment"),
		PaymentStatus: payment.Status(text("payment-status")), CheckoutURL: text("checkout-url"),
		TrackingCode: text("tracking"), Stock: rapid.SampledFrom([]order.StockHold{order.StockNone, order.StockReserved, order.StockSold}).Draw(t, "stock"),
		CreatedAt: when("created"), UpdatedAt: when("updated"), PaidAt: when("paid"), PromisedBy: when("promised"),
		Lang: text("lang"), CartID: text("cart"), IdempotencyKey: text("key"), Version: rapid.Int64().Draw(t, "version"),
		GiftNote: text("note"), PointsRedeemed: rapid.Int().Draw(t, "points"), DiscountCode: text("code"),
		InvoiceNumber: text("invoice"), InvoiceDate: when("invoice-date"),
	}
	for i := range rapid.IntRange(0, 4).Draw(t, "lines") {
		l := order.Line{SKU: text(fmt.Sprint("sku", i)), Title: text(fmt.Sprint("title", i)), Variant: text(fmt.Sprint("variant", i)),
			URL: text(fmt.Sprint("url", i)), UnitPrice: amount(fmt.Sprint("price", i)), Quantity: rapid.IntRange(1, 99).Draw(t, fmt.Sprint("qty", i)),
			LineTotal: amount(fmt.Sprint("total", i)), VATRate: rapid.IntRange(0, 27).Draw(t, fmt.Sprint("rate", i)),
			DeliveryClass: text(fmt.Sprint("class", i)), GiftCard: rapid.Bool().Draw(t, fmt.Sprint("gift", i))}
		o.Lines = append(o.Lines, l)
		o.Totals.Lines = append(o.Totals.Lines, cart.TotalLine{SKU: l.SKU, Title: l.Title, Variant: l.Variant, URL: l.URL,
			Image: text(fmt.Sprint("image", i)), UnitPrice: l.UnitPrice, Quantity: l.Quantity, LineTotal: l.LineTotal,
			PriceChanged: rapid.Bool().Draw(t, fmt.Sprint("changed", i)), Thumb: text(fmt.Sprint("thumb", i))})
	}
	o.Totals.Currency, o.Totals.Subtotal, o.Totals.GrandTotal = o.Currency, amount("subtotal"), amount("grand")
	o.Totals.VAT = []cart.VATLine{{Rate: 21, Base: amount("base"), VAT: amount("vat")}}
	if rapid.Bool().Draw(t, "adjusted") {
		o.Totals.Adjustments = []cart.Adjustment{{Kind: "code", Label: text("label"), Amount: amount("adj"), SKUs: []string{text("adj-sku")}}}
	}
	for i := range rapid.IntRange(0, 3).Draw(t, "attempts") {
		o.Attempts = append(o.Attempts, order.Attempt{PaymentID: text(fmt.Sprint("tr", i)), Provider: text(fmt.Sprint("provider", i)),
			Status: payment.Status(text(fmt.Sprint("status", i))), Amount: amount(fmt.Sprint("amount", i)), CheckoutURL: text(fmt.Sprint("url-a", i)),
			CreatedAt: when(fmt.Sprint("a-created", i)), ExpiresAt: when(fmt.Sprint("a-expires", i)), Anomaly: text(fmt.Sprint("anomaly", i))})
	}
	for i := range rapid.IntRange(0, 5).Draw(t, "history") {
		o.History = append(o.History, order.EventRecord{At: when(fmt.Sprint("at", i)), From: order.State(text(fmt.Sprint("from", i))),
			To: order.State(text(fmt.Sprint("to", i))), By: text(fmt.Sprint("by", i)), Note: text(fmt.Sprint("hnote", i))})
	}
	if rapid.Bool().Draw(t, "held") {
		o.Held = map[string]int{text("held-sku"): rapid.Int().Draw(t, "held-n")}
	}
	if rapid.Bool().Draw(t, "meta") {
		o.Meta = map[string]string{text("meta-k"): text("meta-v")}
	}
	if rapid.Bool().Draw(t, "returned") {
		o.Returns = []order.Return{{Code: text("return"), Reason: text("reason"), Amount: amount("ret"), RequestedAt: when("requested")}}
		o.Refunds = []order.Refund{{ID: text("refund"), Amount: amount("ref"), Reason: "return", CreatedAt: when("ref-at")}}
	}
	if rapid.Bool().Draw(t, "giftcard") {
		o.GiftCard = &order.GiftTender{CardID: text("card"), Last4: text("last4"), Amount: amount("card-amount"), Hold: order.GiftHeld}
	}
	return o
}

// Any order reads back the same from the stored form as from the JSON of
// every record written before it, and the same as it was written.
func TestOrderRecordRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		o := drawOrder(t)
		old, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := encodeOrder(o)
		if err != nil {
			t.Fatal(err)
		}
		if rec[0] != byte(codec.Order) || old[0] != '{' {
			t.Fatalf("first bytes %#x (new), %q (old)", rec[0], old[0])
		}
		var fromNew, fromOld order.Order
		if err := decodeRecord(rec, &fromNew); err != nil {
			t.Fatalf("new form: %v", err)
		}
		if err := decodeRecord(old, &fromOld); err != nil {
			t.Fatalf("old form: %v", err)
		}
		if !reflect.DeepEqual(fromNew, fromOld) {
			t.Fatalf("the two forms decode differently:\nnew %+v\nold %+v", fromNew, fromOld)
		}
		again, _ := json.Marshal(fromNew)
		if string(again) != string(old) {
			t.Fatalf("read back differs from what was written:\n%s\n%s", again, old)
		}
	})
}

// putOldRecord stores o as every sidecar before the compressed form did:
// its JSON, indexed by state and token.
func putOldRecord(t *testing.T, s *Store, o *order.Order) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketOrders), o.ID, o); err != nil {
			return err
		}
		if err := tx.Bucket(bucketStates).Put(stateKey(o.State, o.ID), []byte{}); err != nil {
			return err
		}
		return tx.Bucket(bucketTokens).Put([]byte(o.Token), []byte(o.ID))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func storedRecord(t *testing.T, s *Store, id string) []byte {
	t.Helper()
	var v []byte
	s.db.View(func(tx *bolt.Tx) error {
		v = append(v, tx.Bucket(bucketOrders).Get([]byte(id))...)
		return nil
	})
	return v
}

// An existing shop.db keeps working: an order stored as JSON (the old
// form) next to new ones is found by number and token, listed, counted,
// found for its customer, checked by VerifyFile, and paid; once changed it
// is stored in the new form and reads back the same.
func TestOldOrderRecordsStillRead(t *testing.T) {
	f := open(t, -1)
	fresh := f.create(t, "k-new", f.newOrder(t, "c-new", "MOLEN-1", 1))
	if rec := storedRecord(t, f.s, fresh.ID); rec[0] != byte(codec.Order) {
		t.Fatalf("a new order is stored as %q..., want the compressed form", rec[:1])
	}
	old := f.newOrder(t, "c-old", "BOEK-001", 2)
	old.ID, old.Token, old.Version = "BK-2025-000001", "oldtoken-0123456789abcdefghijklmn", 1
	old.Customer.Name = `Zoë "de" Vries – 李`
	putOldRecord(t, f.s, old)

	want, _ := json.Marshal(old)
	for name, get := range map[string]func() (*order.Order, error){
		"by number": func() (*order.Order, error) { return f.s.Orders.GetOrder(old.ID) },
		"by token":  func() (*order.Order, error) { return f.s.Orders.OrderByToken(old.Token) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b, _ := json.Marshal(got); string(b) != string(want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, b, want)
		}
	}
	for _, flt := range []Filter{{}, {States: []order.State{order.AwaitingPayment}}} {
		all, err := f.s.Orders.ListOrders(flt)
		if err != nil || len(all) != 2 {
			t.Fatalf("ListOrders(%+v): %d orders, %v; want 2", flt, len(all), err)
		}
	}
	if st, err := f.s.Stats(); err != nil || st.Orders[order.AwaitingPayment] != 2 || st.Undecodable != 0 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	if mine, err := f.s.Loyalty.CustomerOrders("anna@example.nl"); err != nil || len(mine) != 2 {
		t.Fatalf("the customer's orders: %d, %v; want 2", len(mine), err)
	}
	g, err := f.s.Gauges(t0)
	if err != nil || g.OrdersByState[order.AwaitingPayment] != 2 {
		t.Fatalf("gauges %+v, %v", g, err)
	}

	p := paymentFor(old, "tr_old", payment.StatusOpen)
	if _, _, err := f.s.Orders.AttachPayment(old.ID, "", p, "mollie"); err != nil {
		t.Fatal(err)
	}
	p.Status = payment.StatusPaid
	paid, changed, _, err := f.s.Orders.ApplyPayment(p, "webhook")
	if err != nil || !changed || paid.State != order.Paid {
		t.Fatalf("paying the old order: %+v, %v, %v", paid, changed, err)
	}
	if rec := storedRecord(t, f.s, old.ID); rec[0] != byte(codec.Order) {
		t.Errorf("the changed old order is stored as %q..., want the compressed form", rec[:1])
	}
	back, err := f.s.Orders.GetOrder(old.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(paid)
	b, _ := json.Marshal(back)
	if string(a) != string(b) || back.Customer.Name != old.Customer.Name {
		t.Errorf("read back after the change:\n%s\nwant\n%s", b, a)
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyFile(f.path)
	if err != nil || rep.Orders != 2 || len(rep.Undecodable) != 0 {
		t.Fatalf("VerifyFile: %+v, %v", rep, err)
	}
	s, err := Open(f.path, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
}

// A damaged compressed record is a bad record like damaged JSON: skipped
// and reported, never a panic or a wrong order.
func TestDamagedCompressedOrderIsReported(t *testing.T) {
	f := open(t, -1)
	var ids []string
	for i := range 3 {
		ids = append(ids, f.create(t, fmt.Sprint("k", i), f.newOrder(t, fmt.Sprint("c", i), "MOLEN-1", 1)).ID)
	}
	rec := storedRecord(t, f.s, ids[1])
	for _, damage := range []func([]byte) []byte{
		func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b },             // a flipped bit
		func(b []byte) []byte { return b[:len(b)/2] },                       // cut short
		func(b []byte) []byte { return append(b[:1:1], "\x28\xb5\x2f"...) }, // a broken frame
	} {
		bad := damage(append([]byte(nil), rec...))
		if err := f.s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOrders).Put([]byte(ids[1]), bad) }); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Orders.GetOrder(ids[1]); err == nil {
			t.Errorf("damaged record %x decoded", bad)
		}
		all, err := f.s.Orders.ListOrders(Filter{})
		if err != nil || len(all) != 2 {
			t.Errorf("listing with a damaged record: %d orders, %v; want the other 2", len(all), err)
		}
	}
}
