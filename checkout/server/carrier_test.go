package server

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/sendcloud/sendcloudfake"
)

// withSendcloud makes the shop use a sendcloudfake server and adds a
// PostNL pick-up point method (3.95) to the test catalog.
func withSendcloud(f *sendcloudfake.Fake) shopOpt {
	return func(o *Options) {
		o.SendcloudPublicKey, o.SendcloudSecretKey, o.SendcloudBaseURL = sendcloudfake.PublicKey, sendcloudfake.SecretKey, f.BaseURL()
		o.SendcloudWebhookSecret = "webhook-secret-123"
		f.WebhookSecret = o.SendcloudWebhookSecret
		o.CarrierCheckEvery = -1 // tests call the check themselves
		addPickupMethod(o.Catalog)
	}
}

func addPickupMethod(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(b, &cat); err != nil {
		panic(err)
	}
	ship := cat["shipping"].(map[string]any)
	ms := ship["methods"].([]any)
	for _, m := range ms {
		if m.(map[string]any)["id"] == "postnl" {
			m.(map[string]any)["carrier_option"] = "postnl:standard"
		}
	}
	ship["methods"] = append(ms, map[string]any{"id": "postnl-point", "name": "PostNL-punt", "name_en": "PostNL pick-up point",
		"price": 395, "vat_rate": 21, "transit_days": 1, "countries": []string{"NL"},
		"tracking_url": "https://jouw.postnl.nl/track-and-trace/{code}", "carrier_option": "postnl:pakjegemak", "pickup_points": true})
	b, _ = json.Marshal(cat)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		panic(err)
	}
}

// paidWith checks out body as a new customer and lets Mollie report it paid.
func (sh *testShop) paidWith(f *molliefake.Server, key, body string) *order.Order {
	sh.t.Helper()
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("KOF-GUJI-250-BO", 1)
	r := sh.req(http.MethodPost, "/api/checkout", body, "Idempotency-Key", key)
	if r.StatusCode != http.StatusCreated {
		sh.t.Fatalf("checkout %s: %d %s", key, r.StatusCode, r.body)
	}
	var a CheckoutAnswer
	r.json(sh.t, &a)
	o, _ := sh.sc.store.Orders.GetOrder(a.Order.ID)
	if err := f.SetStatus(o.PaymentID, "paid"); err != nil {
		sh.t.Fatal(err)
	}
	o, _ = sh.sc.store.Orders.GetOrder(o.ID)
	if o.State != order.Paid {
		sh.t.Fatalf("order %s is %s", o.ID, o.State)
	}
	return o
}

func carrierShop(t *testing.T, mods ...shopOpt) (*testShop, *molliefake.Server, *sendcloudfake.Fake) {
	t.Helper()
	mf := molliefake.New()
	t.Cleanup(mf.Close)
	sf := sendcloudfake.New()
	t.Cleanup(sf.Close)
	sh := newShop(t, append([]shopOpt{withMollie(mf), withSendcloud(sf)}, mods...)...)
	sf.WebhookURL = sh.url + "/api/webhooks/sendcloud"
	return sh, mf, sf
}

func TestLabelShipsOrderOnce(t *testing.T) {
	sh, mf, sf := carrierShop(t)
	o := sh.paidOrder(mf, "label-1", map[string]int{"MOK-001": 1})
	var res LabelResult
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	if r.StatusCode != 200 {
		t.Fatalf("label: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &res)
	parcels := sf.Shipments(o.ID)
	if len(parcels) != 1 || res.TrackingCode != parcels[0].TrackingNumber || res.State != "shipped" || parcels[0].Option != "postnl:standard" {
		t.Fatalf("label %+v, parcels at the carrier %+v", res, parcels)
	}
	got, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if got.State != order.Shipped || got.TrackingCode != res.TrackingCode || !strings.Contains(got.TrackingURL, res.TrackingCode) {
		t.Fatalf("order after label: %s %q %q", got.State, got.TrackingCode, got.TrackingURL)
	}
	if n := sh.mailCount("shipped"); n != 1 {
		t.Fatalf("%d shipped mails", n)
	}
	mails := sh.outboxFiles("shipped")
	if body := readFile(t, mails[0]); !strings.Contains(body, res.TrackingCode) {
		t.Errorf("the shipped mail lacks the tracking link")
	}
	for _, size := range []string{"A6", "A4"} {
		r := sh.admin("GET", "/api/admin/orders/"+o.ID+"/label?size="+size, "")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") ||
			!strings.Contains(r.body, "LABEL "+size) || !strings.Contains(r.body, res.TrackingCode) {
			t.Fatalf("label %s: %d %s %.200q", size, r.StatusCode, r.Header.Get("Content-Type"), r.body)
		}
	}
	if r := sh.admin("GET", "/api/admin/orders/"+o.ID+"/label?size=letter", ""); r.StatusCode != 400 || r.errorMessage(t) == "" {
		t.Errorf("bad size: %d %s", r.StatusCode, r.body)
	}
	if r := sh.req("GET", "/api/admin/orders/"+o.ID+"/label", ""); r.StatusCode != 401 {
		t.Errorf("label without the token: %d", r.StatusCode)
	}
	// Again (a double click, a retry): the same parcel, no second one, no second mail.
	r = sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	var again LabelResult
	r.json(t, &again)
	if r.StatusCode != 200 || !again.Existing || again.TrackingCode != res.TrackingCode || len(sf.Shipments(o.ID)) != 1 {
		t.Fatalf("second label: %d %+v, %d parcels", r.StatusCode, again, len(sf.Shipments(o.ID)))
	}
	if n := sh.mailCount("shipped"); n != 1 {
		t.Fatalf("%d shipped mails after a second label", n)
	}
}

func TestLabelErrors(t *testing.T) {
	sh, mf, sf := carrierShop(t)
	// 422: no house number. The order stays paid, no parcel, the owner is told why.
	bad := strings.Replace(validCheckout, `"Markt 1"`, `"Markt"`, 1)
	o := sh.paidWith(mf, "lab-422", bad)
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	if r.StatusCode != 422 || !strings.Contains(r.errorMessage(t), "house_number") {
		t.Fatalf("invalid address: %d %s", r.StatusCode, r.body)
	}
	if got, _ := sh.sc.store.Orders.GetOrder(o.ID); got.State != order.Paid || len(sf.Shipments(o.ID)) != 0 {
		t.Fatalf("after 422: %s, %d parcels", got.State, len(sf.Shipments(o.ID)))
	}
	// 5xx after the work was done: the retry finds the parcel; one parcel.
	o2 := sh.paidOrder(mf, "lab-502", map[string]int{"MOK-001": 1})
	sf.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Status: 502, AfterHandling: true})
	r = sh.admin("POST", "/api/admin/orders/"+o2.ID+"/label", "")
	if r.StatusCode != 200 || len(sf.Shipments(o2.ID)) != 1 {
		t.Fatalf("after a lost answer: %d %s, %d parcels", r.StatusCode, r.body, len(sf.Shipments(o2.ID)))
	}
	// 5xx on every try: 502 to the owner, order unchanged; the next try makes exactly one.
	o3 := sh.paidOrder(mf, "lab-500", map[string]int{"MOK-001": 1})
	sf.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Status: 500, Times: 3})
	r = sh.admin("POST", "/api/admin/orders/"+o3.ID+"/label", "")
	if r.StatusCode != 502 || !strings.Contains(r.errorMessage(t), "no second parcel") {
		t.Fatalf("carrier down: %d %s", r.StatusCode, r.body)
	}
	if got, _ := sh.sc.store.Orders.GetOrder(o3.ID); got.State != order.Paid {
		t.Fatalf("order moved while the carrier was down: %s", got.State)
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o3.ID+"/label", ""); r.StatusCode != 200 || len(sf.Shipments(o3.ID)) != 1 {
		t.Fatalf("retry: %d %s, %d parcels", r.StatusCode, r.body, len(sf.Shipments(o3.ID)))
	}
	// An order not paid yet gets no label.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	_, a := sh.checkout("lab-unpaid")
	if r := sh.admin("POST", "/api/admin/orders/"+a.Order.ID+"/label", ""); r.StatusCode != 409 || len(sf.Shipments(a.Order.ID)) != 0 {
		t.Fatalf("unpaid order: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("POST", "/api/admin/orders/SF-NOPE/label", ""); r.StatusCode != 404 {
		t.Fatalf("unknown order: %d %s", r.StatusCode, r.body)
	}
}

func TestLabelUnauthorizedAndTimeout(t *testing.T) {
	mf := molliefake.New()
	defer mf.Close()
	sf := sendcloudfake.New()
	defer sf.Close()
	sh := newShop(t, withMollie(mf), withSendcloud(sf), func(o *Options) {
		o.SendcloudSecretKey = "not-the-secret-key"
		custom := o.tune
		o.tune = func(s *Sidecar) {
			if custom != nil {
				custom(s)
			}
		}
	})
	o := sh.paidOrder(mf, "lab-401", map[string]int{"MOK-001": 1})
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	if r.StatusCode != 502 || !strings.Contains(r.errorMessage(t), "SHOP_SENDCLOUD_SECRET_KEY") {
		t.Fatalf("refused keys: %d %s", r.StatusCode, r.body)
	}
	// A client with a short timeout: the carrier is slow on every try.
	c, _ := sendcloud.New(nil, sendcloudfake.PublicKey, sendcloudfake.SecretKey, sendcloud.WithBaseURL(sf.BaseURL()),
		sendcloud.WithTimeout(100*time.Millisecond), sendcloud.WithBackoff(time.Millisecond), sendcloud.WithAttempts(2),
		sendcloud.WithLogger(sh.sc.Log))
	sh.sc.uc.carrier.C = c
	sf.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Delay: time.Second, AfterHandling: true, Times: 2})
	r = sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	if r.StatusCode != 200 || len(sf.Shipments(o.ID)) != 1 {
		t.Fatalf("timeouts after the work: %d %s, %d parcels", r.StatusCode, r.body, len(sf.Shipments(o.ID)))
	}
}

func TestManualCarrierIsDefault(t *testing.T) {
	mf := molliefake.New()
	defer mf.Close()
	sh := newShop(t, withMollie(mf))
	o := sh.paidOrder(mf, "manual-1", map[string]int{"MOK-001": 1})
	r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", "")
	if r.StatusCode != 409 || !strings.Contains(r.errorMessage(t), "SHOP_SENDCLOUD_PUBLIC_KEY") {
		t.Fatalf("manual carrier label: %d %s", r.StatusCode, r.body)
	}
	// Today's way: a bare code gets its link from the method's template.
	sh.admin("POST", "/api/admin/orders/"+o.ID+"/pack", "")
	r = sh.admin("POST", "/api/admin/orders/"+o.ID+"/ship", `{"tracking_code":"3SABC123"}`)
	var v OrderView
	r.json(t, &v)
	if r.StatusCode != 200 || v.TrackingURL != "https://jouw.postnl.nl/track-and-trace/3SABC123" || v.TrackingCode != "3SABC123" {
		t.Fatalf("ship with a code: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin("GET", "/api/admin/labels.pdf", ""); r.StatusCode != 409 {
		t.Fatalf("today's labels with the manual carrier: %d", r.StatusCode)
	}
	if r := sh.req("POST", "/api/webhooks/sendcloud", `{}`, "Sendcloud-Signature", "00"); r.StatusCode != 404 {
		t.Fatalf("webhook without a carrier: %d", r.StatusCode)
	}
}

func TestSendcloudWebhookDelivers(t *testing.T) {
	clock := &offsetClock{}
	sh, mf, sf := carrierShop(t, withOffsetClock(clock))
	sf.Now = clock.now
	o := sh.paidOrder(mf, "wh-1", map[string]int{"MOK-001": 1})
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", ""); r.StatusCode != 200 {
		t.Fatal(r.body)
	}
	p := sf.Shipments(o.ID)[0]
	shipped, _ := sh.sc.store.Orders.GetOrder(o.ID)
	clock.advance(50 * time.Hour) // the parcel arrived the next day; the news comes later
	at := shipped.ShippedAt.Add(26 * time.Hour).Truncate(time.Millisecond)
	// A status on the way changes nothing.
	if _, _, err := sf.SetStatus(p.ID, "en_route", at); err != nil {
		t.Fatal(err)
	}
	if got, _ := sh.sc.store.Orders.GetOrder(o.ID); got.State != order.Shipped {
		t.Fatalf("en route: %s", got.State)
	}
	// A forged delivery (wrong signature, or a body changed after signing) is refused.
	sf.WebhookSecret = "someone-else"
	if _, _, err := sf.SetStatus(p.ID, "delivered", at); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("forged webhook: %v", err)
	}
	if got, _ := sh.sc.store.Orders.GetOrder(o.ID); got.State != order.Shipped {
		t.Fatalf("a forged webhook delivered the order")
	}
	sf.WebhookSecret = "webhook-secret-123"
	body, sig, err := sf.SetStatus(p.ID, "delivered", at)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if got.State != order.Delivered || !got.DeliveredAt.Equal(at) {
		t.Fatalf("after the webhook: %s delivered %v, want %v", got.State, got.DeliveredAt, at)
	}
	hist := len(got.History)
	// Replayed: accepted (Sendcloud retries), changes nothing.
	if st, err := sf.Deliver(sf.WebhookURL, body, sig); err != nil || st != 200 {
		t.Fatalf("replay: %d %v", st, err)
	}
	if again, _ := sh.sc.store.Orders.GetOrder(o.ID); len(again.History) != hist || !again.DeliveredAt.Equal(at) {
		t.Fatal("a replayed webhook changed the order")
	}
	tampered := bytes.Replace(body, []byte(`"delivered"`), []byte(`"delivered "`), 1)
	if st, _ := sf.Deliver(sf.WebhookURL, tampered, sig); st != 401 {
		t.Fatalf("tampered body: %d", st)
	}
	// A replay from days ago is refused outright.
	var wh map[string]any
	_ = json.Unmarshal(body, &wh)
	wh["timestamp"] = clock.now().Add(-5 * 24 * time.Hour).UnixMilli()
	old, _ := json.Marshal(wh)
	if st, _ := sf.Deliver(sf.WebhookURL, old, sendcloudfake.Sign(old, "webhook-secret-123")); st != 400 {
		t.Fatalf("stale webhook: %d", st)
	}
	// The real delivery day feeds the promise check.
	ds, err := sh.sc.store.Deliveries()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		if d.Delivered.Equal(at) {
			found = true
		}
	}
	if got.PromisedBy.IsZero() {
		t.Fatal("the order has no promised date to check the delivery against")
	}
	if !found {
		t.Errorf("the carrier's delivery date is not among the deliveries the promise check reads: %+v", ds)
	}
}

func TestParcelCheckDelivers(t *testing.T) {
	clock := &offsetClock{}
	sh, mf, sf := carrierShop(t, withOffsetClock(clock))
	sf.WebhookURL = "" // the webhook is lost: the periodic check finds the delivery
	o := sh.paidOrder(mf, "chk-1", map[string]int{"MOK-001": 1})
	o2 := sh.paidOrder(mf, "chk-2", map[string]int{"MOK-001": 1})
	var res struct {
		Labels []LabelResult `json:"labels"`
	}
	r := sh.admin("POST", "/api/admin/labels", "")
	r.json(t, &res)
	if r.StatusCode != 200 || len(res.Labels) != 2 || res.Labels[0].LabelA6 == "" || res.Labels[1].Error != "" {
		t.Fatalf("today's labels: %d %s", r.StatusCode, r.body)
	}
	var out struct {
		Delivered int `json:"delivered"`
	}
	if sh.admin("POST", "/api/admin/parcels/check", "").json(t, &out); out.Delivered != 0 {
		t.Fatalf("delivered %d before any delivery", out.Delivered)
	}
	shipped, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if r := sh.admin("GET", "/api/admin/labels.pdf", ""); r.StatusCode != 200 || !strings.Contains(r.body, "/Count 2") {
		t.Fatalf("today's labels: %d", r.StatusCode)
	}
	clock.advance(30 * time.Hour)
	if r := sh.admin("GET", "/api/admin/labels.pdf", ""); r.StatusCode != 404 {
		t.Fatalf("yesterday's labels are not today's: %d", r.StatusCode)
	}
	at := shipped.ShippedAt.Add(20 * time.Hour).Truncate(time.Second)
	if _, _, err := sf.SetStatus(sf.Shipments(o.ID)[0].ID, "delivered", at); err != nil {
		t.Fatal(err)
	}
	if sh.admin("POST", "/api/admin/parcels/check", "").json(t, &out); out.Delivered != 1 {
		t.Fatalf("delivered %d", out.Delivered)
	}
	got, _ := sh.sc.store.Orders.GetOrder(o.ID)
	if got.State != order.Delivered || !got.DeliveredAt.Equal(at) {
		t.Fatalf("after the check: %s %v want %v", got.State, got.DeliveredAt, at)
	}
	if other, _ := sh.sc.store.Orders.GetOrder(o2.ID); other.State != order.Shipped {
		t.Fatalf("the other order: %s", other.State)
	}
	if sh.admin("POST", "/api/admin/parcels/check", "").json(t, &out); out.Delivered != 0 {
		t.Fatal("a second check delivered again")
	}
}

const pointCheckout = `{"name":"Eva de Vries","email":"eva@example.nl","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL","shipping_method":"postnl-point"`

func TestPickupPointCheckout(t *testing.T) {
	sh, mf, sf := carrierShop(t)
	var pts struct {
		Points []struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			DistanceM int    `json:"distance_m"`
		} `json:"points"`
	}
	r := sh.req("GET", "/api/pickup-points?method=postnl-point&country=NL&postcode=3511+AA", "")
	r.json(t, &pts)
	if r.StatusCode != 200 || len(pts.Points) == 0 {
		t.Fatalf("points: %d %s", r.StatusCode, r.body)
	}
	for i := 1; i < len(pts.Points); i++ {
		if pts.Points[i].DistanceM < pts.Points[i-1].DistanceM {
			t.Fatalf("not nearest first: %+v", pts.Points)
		}
	}
	for _, bad := range []string{"method=postnl&postcode=3511AA", "method=postnl-point&postcode=%3Cx%3E", "method=postnl-point&country=BE&postcode=1000"} {
		if r := sh.req("GET", "/api/pickup-points?"+bad, ""); r.StatusCode != 400 || r.errorMessage(t) == "" {
			t.Errorf("%s: %d %s", bad, r.StatusCode, r.body)
		}
	}
	// No point chosen: the field says so, nothing is ordered.
	jar, _ := newJar()
	sh.jar, sh.client.Jar = jar, jar
	sh.addToCart("MOK-001", 1)
	r = sh.req("POST", "/api/checkout", pointCheckout+`}`, "Idempotency-Key", "pp-0")
	if r.StatusCode != 422 || !strings.Contains(r.body, "pickup_point") {
		t.Fatalf("no point: %d %s", r.StatusCode, r.body)
	}
	r = sh.req("POST", "/api/checkout", pointCheckout+`,"pickup_point":"99999999"}`, "Idempotency-Key", "pp-1")
	if r.StatusCode != 422 {
		t.Fatalf("a point not in the list: %d %s", r.StatusCode, r.body)
	}
	chosen := pts.Points[len(pts.Points)-1] // not the nearest: a non-default choice
	o := sh.paidWith(mf, "pp-2", pointCheckout+`,"pickup_point":"`+chosen.ID+`","pickup_postcode":"3511 AA"}`)
	if o.Meta[metaPickupID] != chosen.ID || !strings.Contains(o.Meta[metaPickupText], chosen.Name) {
		t.Fatalf("point on the order: %v", o.Meta)
	}
	// The method's price is in the total like any method's.
	if o.Totals.ShippingMethod != "postnl-point" || o.Totals.Shipping != 395 || o.Totals.GrandTotal != o.Totals.Subtotal+395 {
		t.Fatalf("totals: %+v", o.Totals)
	}
	page := sh.req("GET", "/order/"+o.Token, "")
	if !strings.Contains(page.body, chosen.Name) {
		t.Errorf("the order page does not show the pick-up point")
	}
	slip := sh.admin("GET", "/api/admin/orders/"+o.ID+"/packing-slip", "")
	if !strings.Contains(slip.body, chosen.Name) {
		t.Errorf("the packing slip does not show the pick-up point")
	}
	if r := sh.admin("POST", "/api/admin/orders/"+o.ID+"/label", ""); r.StatusCode != 200 {
		t.Fatal(r.body)
	}
	if p := sf.Shipments(o.ID); len(p) != 1 || p[0].ServicePoint != chosen.ID || p[0].Option != "postnl:pakjegemak" {
		t.Fatalf("parcel at the carrier: %+v", p)
	}
	label := sh.admin("GET", "/api/admin/orders/"+o.ID+"/label?size=A6", "")
	if !strings.Contains(label.body, "Service point "+chosen.ID) {
		t.Errorf("the label does not name the pick-up point")
	}
	var v OrderView
	sh.admin("GET", "/api/admin/orders/"+o.ID, "").json(t, &v)
	if !strings.Contains(v.PickupPoint, chosen.Name) {
		t.Errorf("the order view lacks the point: %q", v.PickupPoint)
	}
}

// Without JavaScript: the checkout form's "find" button answers with the
// list; the chosen point goes through to the order.
func TestPickupPointFormNoJS(t *testing.T) {
	sh, _, _ := carrierShop(t)
	sh.addToCart("MOK-001", 1)
	page := sh.req("GET", "/checkout/", "")
	key := regexpFind(page.body, `name="idempotency_key" value="([^"]+)"`)
	f := url.Values{"name": {"Eva de Vries"}, "email": {"eva@example.nl"}, "street": {"Markt 1"}, "postal_code": {"3511 AA"},
		"city": {"Utrecht"}, "country": {"NL"}, "shipping_method": {"postnl-point"}, "lang": {"en"}, "idempotency_key": {key},
		"pickup_postcode": {"1012 AB"}, "find_points": {"1"}}
	r := sh.form("/checkout/", f)
	if r.StatusCode != 200 || !strings.Contains(r.body, `name="pickup_point"`) || !strings.Contains(r.body, "1012") {
		t.Fatalf("find points: %d %s", r.StatusCode, r.body)
	}
	id := regexpFind(r.body, `name="pickup_point" value="([^"]+)"`)
	shown := regexpFind(r.body, `name="shown_total" value="([^"]+)"`)
	f.Del("find_points")
	f.Set("pickup_point", id)
	f.Set("shown_total", shown)
	f.Set("shown_for", "postnl-point|NL")
	r = sh.form("/checkout/", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout with a point: %d %s", r.StatusCode, r.body)
	}
	orders, _ := sh.sc.store.Orders.ListOrders(storeFilterAll())
	if len(orders) != 1 || orders[0].Meta[metaPickupID] != id {
		t.Fatalf("orders: %d, point %v", len(orders), orders[0].Meta)
	}
	if n, _ := strconv.ParseInt(shown, 10, 64); int64(orders[0].Total()) != n {
		t.Fatalf("charged %d, the page showed %s", orders[0].Total(), shown)
	}
}

func TestCarrierOptionsValidate(t *testing.T) {
	base := Options{Catalog: "c.json", DataFile: "d.db", BaseURL: "https://shop.example/"}
	o := base
	o.SendcloudPublicKey = "public-key-1"
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "SHOP_SENDCLOUD_SECRET_KEY") {
		t.Fatalf("one key: %v", err)
	}
	o.SendcloudSecretKey = "secret key with spaces"
	if err := o.Validate(); err == nil {
		t.Fatal("a key with spaces passed")
	}
	o.SendcloudSecretKey = "secret-key-1"
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	o = base
	o.SendcloudWebhookSecret = "webhook-secret"
	if err := o.Validate(); err == nil {
		t.Fatal("a webhook secret without keys passed")
	}
}

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// The owner's page: "Create label and ship" on a paid order, then the
// label links; today's labels page makes the missing ones.
func TestAdminPageLabels(t *testing.T) {
	sh, mf, sf := carrierShop(t)
	o := sh.paidOrder(mf, "adm-1", map[string]int{"MOK-001": 1})
	o2 := sh.paidOrder(mf, "adm-2", map[string]int{"BOEK-001": 1})
	sh.adminLogin()
	page := sh.req("GET", "/admin/orders/"+o.ID, "")
	if !strings.Contains(page.body, "data-create-label") {
		t.Fatalf("no label button on a paid order:\n%s", page.body)
	}
	csrf := csrfOf(t, page.body)
	if r := sh.form("/admin/orders/"+o.ID+"/label", url.Values{"csrf": {"0000"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("label without the CSRF token: %d", r.StatusCode)
	}
	r := sh.form("/admin/orders/"+o.ID+"/label", url.Values{"csrf": {csrf}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("label button: %d %s", r.StatusCode, r.body)
	}
	page = sh.req("GET", r.Header.Get("Location"), "")
	if !strings.Contains(page.body, sh.says("notice.label")) || !strings.Contains(page.body, `data-label="A6"`) || strings.Contains(page.body, "data-create-label") {
		t.Fatalf("after the label:\n%s", page.body)
	}
	pdf := sh.req("GET", "/admin/orders/"+o.ID+"/label?size=A4", "")
	if pdf.StatusCode != 200 || !strings.Contains(pdf.body, "LABEL A4") {
		t.Fatalf("label PDF on the owner's page: %d", pdf.StatusCode)
	}
	labels := sh.req("GET", "/admin/labels", "")
	if !strings.Contains(labels.body, o.ID) || !strings.Contains(labels.body, o2.ID) {
		t.Fatalf("labels page:\n%s", labels.body)
	}
	r = sh.form("/admin/labels", url.Values{"csrf": {csrfOf(t, labels.body)}})
	if r.StatusCode != 200 || !strings.Contains(r.body, sh.says("labels.made", 1, 0)) ||
		!strings.Contains(r.body, o.ID) || !strings.Contains(r.body, o2.ID) {
		t.Fatalf("today's labels: %d %s", r.StatusCode, r.body)
	}
	if len(sf.Shipments(o.ID)) != 1 || len(sf.Shipments(o2.ID)) != 1 {
		t.Fatal("a label was made twice or not at all")
	}
	// Today's labels in one PDF, from the link on the page.
	if !strings.Contains(r.body, `href="/admin/labels.pdf?size=A6&amp;page=1"`) {
		t.Fatalf("no link to today's labels:\n%s", r.body)
	}
	all := sh.req("GET", "/admin/labels.pdf?size=A6&page=1", "")
	if all.StatusCode != 200 || !strings.Contains(all.body, "/Count 2") ||
		!strings.Contains(all.body, sf.Shipments(o.ID)[0].TrackingNumber) || !strings.Contains(all.body, sf.Shipments(o2.ID)[0].TrackingNumber) {
		t.Fatalf("today's labels: %d %.300q", all.StatusCode, all.body)
	}
	if r := sh.req("GET", "/admin/labels.pdf?size=A6&page=2", ""); r.StatusCode != 404 {
		t.Fatalf("page 2 of 2 labels: %d", r.StatusCode)
	}
	if r := sh.admin("GET", "/api/admin/labels.pdf?size=A4", ""); r.StatusCode != 200 || !strings.Contains(r.body, "LABEL A4") {
		t.Fatalf("today's labels through the API: %d", r.StatusCode)
	}
	// The carrier refuses an address: the owner is told on the page, the order stays.
	o3 := sh.paidWith(mf, "adm-3", strings.Replace(validCheckout, `"Markt 1"`, `"Markt"`, 1))
	sh.adminLogin()
	page = sh.req("GET", "/admin/orders/"+o3.ID, "")
	r = sh.form("/admin/orders/"+o3.ID+"/label", url.Values{"csrf": {csrfOf(t, page.body)}})
	if r.StatusCode == http.StatusSeeOther || !strings.Contains(r.body, "refused the address") {
		t.Fatalf("refused address on the page: %d %s", r.StatusCode, r.body)
	}
}

// Back from the payment page, another point chosen: the cart's order is
// replaced, not reused with the first point.
func TestPickupPointChangedAfterBack(t *testing.T) {
	sh, _, _ := carrierShop(t)
	var pts struct {
		Points []struct {
			ID string `json:"id"`
		} `json:"points"`
	}
	sh.req("GET", "/api/pickup-points?method=postnl-point&postcode=3511AA", "").json(t, &pts)
	if len(pts.Points) < 2 {
		t.Fatal("too few points")
	}
	sh.addToCart("MOK-001", 1)
	var a1, a2 CheckoutAnswer
	r := sh.req("POST", "/api/checkout", pointCheckout+`,"pickup_point":"`+pts.Points[0].ID+`"}`, "Idempotency-Key", "back-1")
	r.json(t, &a1)
	r = sh.req("POST", "/api/checkout", pointCheckout+`,"pickup_point":"`+pts.Points[1].ID+`"}`, "Idempotency-Key", "back-2")
	if r.StatusCode/100 != 2 {
		t.Fatalf("second checkout: %d %s", r.StatusCode, r.body)
	}
	r.json(t, &a2)
	o, _ := sh.sc.store.Orders.GetOrder(a2.Order.ID)
	if o.Meta[metaPickupID] != pts.Points[1].ID {
		t.Fatalf("the order kept the first point: %v (orders %s, %s)", o.Meta, a1.Order.ID, a2.Order.ID)
	}
}

// The live quote never becomes a carrier call: only the page and the
// limited point search ask the carrier.
func TestQuoteDoesNotSearchPoints(t *testing.T) {
	sh, _, sf := carrierShop(t)
	sh.addToCart("MOK-001", 1)
	for _, pc := range []string{"1000AA", "1000AB", "1000AC"} {
		r := sh.req("POST", "/api/checkout/quote", `{"country":"NL","shipping_method":"postnl-point","postal_code":"`+pc+`","pickup_postcode":"`+pc+`"}`)
		var q QuoteAnswer
		r.json(t, &q)
		if r.StatusCode != 200 || q.ShippingMethod != "postnl-point" || q.Totals.Shipping != 395 {
			t.Fatalf("quote: %d %s", r.StatusCode, r.body)
		}
	}
	if n := sf.Calls(sendcloudfake.ServicePoints); n != 0 {
		t.Fatalf("the quote asked the carrier %d times", n)
	}
}
