package sendcloud_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/sendcloud/sendcloudfake"
)

var quiet = slog.New(slog.DiscardHandler)

func newClient(t *testing.T, f *sendcloudfake.Fake, opts ...sendcloud.Option) *sendcloud.Client {
	t.Helper()
	opts = append([]sendcloud.Option{sendcloud.WithBaseURL(f.BaseURL()), sendcloud.WithBackoff(time.Millisecond),
		sendcloud.WithTimeout(2 * time.Second), sendcloud.WithLogger(quiet)}, opts...)
	c, err := sendcloud.New(nil, sendcloudfake.PublicKey, sendcloudfake.SecretKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func shipment(ref string) carrier.Shipment {
	return carrier.Shipment{Reference: ref, Option: "postnl:standard", WeightGrams: 750,
		To:    carrier.Address{Name: "Anna de Vries", Street: "Oudegracht 12", PostalCode: "3511 AB", City: "Utrecht", Country: "NL", Email: "anna@example.nl"},
		Items: []string{"2 × Ethiopia Guji 250 g"}}
}

func TestCreateParcelAndLabels(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f)
	ctx := context.Background()
	p, err := c.CreateParcel(ctx, shipment("SF-2026-000001"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || !strings.HasPrefix(p.TrackingCode, "3SFAKE") || !strings.HasPrefix(p.TrackingURL, "https://") || p.Existing {
		t.Fatalf("parcel %+v", p)
	}
	got := f.Shipments("SF-2026-000001")
	if len(got) != 1 || got[0].Street != "Oudegracht" || got[0].HouseNumber != "12" || got[0].Option != "postnl:standard" {
		t.Fatalf("fake saw %+v", got)
	}
	for _, size := range []carrier.Paper{carrier.A6, carrier.A4} {
		pdf, err := c.Label(ctx, p.ID, size)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("LABEL "+string(size))) || !bytes.Contains(pdf, []byte(p.TrackingCode)) {
			t.Fatalf("%s label is not the parcel's: %q", size, pdf[:min(len(pdf), 400)])
		}
	}
	// A second pack of the same order finds the first parcel.
	p2, err := c.CreateParcel(ctx, shipment("SF-2026-000001"))
	if err != nil || p2.ID != p.ID || !p2.Existing {
		t.Fatalf("second create: %+v %v", p2, err)
	}
	if n := len(f.Shipments("SF-2026-000001")); n != 1 {
		t.Fatalf("%d parcels for one order", n)
	}
}

func TestInvalidAddressIs422AndNotRetried(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f)
	s := shipment("SF-2026-000002")
	s.To.PostalCode = "35111"
	_, err := c.CreateParcel(context.Background(), s)
	var ae *sendcloud.APIError
	if !errors.Is(err, sendcloud.ErrInvalidAddress) || !errors.As(err, &ae) || ae.Field != "/to_address/postal_code" {
		t.Fatalf("err = %v", err)
	}
	if n := f.Calls(sendcloudfake.Announce); n != 1 {
		t.Fatalf("announce called %d times for a 422", n)
	}
	s.To.Street = "Oudegracht" // no house number
	s.To.PostalCode = "3511 AB"
	if _, err := c.CreateParcel(context.Background(), s); !errors.Is(err, sendcloud.ErrInvalidAddress) || !strings.Contains(err.Error(), "house_number") {
		t.Fatalf("no house number: %v", err)
	}
}

func TestUnauthorized(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c, _ := sendcloud.New(nil, "wrong", "keys", sendcloud.WithBaseURL(f.BaseURL()), sendcloud.WithBackoff(time.Millisecond))
	_, err := c.CreateParcel(context.Background(), shipment("SF-2026-000003"))
	if !errors.Is(err, sendcloud.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if f.Calls(sendcloudfake.Announce) != 0 || len(f.All()) != 0 {
		t.Fatal("a refused key still announced")
	}
}

// A 5xx or a timeout whose work was done at Sendcloud (the answer was lost)
// must not make a second parcel: the client looks the order up first.
func TestLostAnswersMakeNoDuplicate(t *testing.T) {
	for name, ft := range map[string]sendcloudfake.Fault{
		"502 after work":     {Status: 502, AfterHandling: true},
		"timeout after work": {Delay: 400 * time.Millisecond, AfterHandling: true},
		"503 before work":    {Status: 503},
	} {
		t.Run(name, func(t *testing.T) {
			f := sendcloudfake.New()
			defer f.Close()
			c := newClient(t, f, sendcloud.WithTimeout(150*time.Millisecond))
			f.Fail(sendcloudfake.Announce, ft)
			p, err := c.CreateParcel(context.Background(), shipment("SF-2026-000004"))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(f.Shipments("SF-2026-000004")); n != 1 {
				t.Fatalf("%d parcels after a retry", n)
			}
			if p.TrackingCode != f.Shipments("SF-2026-000004")[0].TrackingNumber {
				t.Fatal("the client returned another parcel than the one made")
			}
		})
	}
}

// A timeout with nothing made yet is not announced again in the same call
// (Sendcloud may still be at work): the caller is told, and the next call
// looks first and makes exactly one parcel.
func TestTimeoutIsNotAnnouncedAgain(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f, sendcloud.WithTimeout(150*time.Millisecond))
	f.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Delay: 400 * time.Millisecond})
	_, err := c.CreateParcel(context.Background(), shipment("SF-2026-000009"))
	if !errors.Is(err, sendcloud.ErrTimeout) || !strings.Contains(err.Error(), "no second parcel") {
		t.Fatalf("err = %v", err)
	}
	if n := f.Calls(sendcloudfake.Announce); n != 1 {
		t.Fatalf("announced %d times after a timeout", n)
	}
	p, err := c.CreateParcel(context.Background(), shipment("SF-2026-000009"))
	if err != nil || len(f.Shipments("SF-2026-000009")) != 1 || p.Existing {
		t.Fatalf("next try: %+v %v, %d parcels", p, err, len(f.Shipments("SF-2026-000009")))
	}
}

func TestServerErrorsAfterAllAttempts(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f, sendcloud.WithAttempts(2))
	f.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Status: 500, Times: 5})
	_, err := c.CreateParcel(context.Background(), shipment("SF-2026-000005"))
	if !errors.Is(err, sendcloud.ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if len(f.All()) != 0 {
		t.Fatal("parcel made")
	}
	f.Fail(sendcloudfake.Label, sendcloudfake.Fault{Delay: time.Second, Times: 5})
	c2 := newClient(t, f, sendcloud.WithAttempts(2), sendcloud.WithTimeout(50*time.Millisecond))
	if _, err := c2.Label(context.Background(), "1001", carrier.A6); !errors.Is(err, sendcloud.ErrTimeout) {
		t.Fatalf("label timeout err = %v", err)
	}
}

// Concurrent packs of the same order (two owner tabs) are the caller's to
// serialize; sequential retries under random faults never duplicate.
func TestRetriesUnderRandomFaultsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := sendcloudfake.New() // faults left unused must not leak into the next case
		defer f.Close()
		ref := "SF-2026-" + rapid.StringMatching(`[0-9]{6}`).Draw(t, "ref")
		faults := rapid.SliceOfN(rapid.SampledFrom([]int{0, 500, 502, 503, 429}), 0, 3).Draw(t, "faults")
		after := rapid.Bool().Draw(t, "after")
		for _, st := range faults {
			if st != 0 {
				f.Fail(sendcloudfake.Announce, sendcloudfake.Fault{Status: st, AfterHandling: after})
			}
		}
		c, _ := sendcloud.New(nil, sendcloudfake.PublicKey, sendcloudfake.SecretKey, sendcloud.WithBaseURL(f.BaseURL()),
			sendcloud.WithBackoff(time.Microsecond), sendcloud.WithAttempts(len(faults)+1), sendcloud.WithLogger(quiet))
		_, err := c.CreateParcel(context.Background(), shipment(ref))
		if err != nil {
			t.Fatalf("create with faults %v after=%v: %v", faults, after, err)
		}
		if k := len(f.Shipments(ref)); k != 1 {
			t.Fatalf("%d parcels for %s (faults %v, after %v)", k, ref, faults, after)
		}
	})
}

func TestServicePointsNearestFirst(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f)
	pts, err := c.PickupPoints(context.Background(), "nl", "3511AB", "postnl:pakjegemak")
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) == 0 || pts[0].Carrier != "postnl" {
		t.Fatalf("points %+v", pts)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].DistanceM < pts[i-1].DistanceM {
			t.Fatalf("not nearest first: %+v", pts)
		}
	}
}

func TestStatusDeliveredFromTracking(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f)
	p, err := c.CreateParcel(context.Background(), shipment("SF-2026-000006"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(context.Background(), p.ID, p.TrackingCode)
	if err != nil || st.Delivered {
		t.Fatalf("fresh parcel: %+v %v", st, err)
	}
	at := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	id := f.Shipments("SF-2026-000006")[0].ID
	if _, _, err := f.SetStatus(id, "delivered", at); err != nil {
		t.Fatal(err)
	}
	st, err = c.Status(context.Background(), p.ID, p.TrackingCode)
	if err != nil || !st.Delivered || !st.DeliveredAt.Equal(at) {
		t.Fatalf("delivered parcel: %+v %v", st, err)
	}
}

func TestWebhookSignature(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	f.WebhookSecret = "whsec"
	var got []bool
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		ok := sendcloud.VerifySignature(b.Bytes(), r.Header.Get("Sendcloud-Signature"), "whsec")
		got = append(got, ok)
		bodies = append(bodies, b.Bytes())
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	f.WebhookURL = srv.URL
	c := newClient(t, f)
	if _, err := c.CreateParcel(context.Background(), shipment("SF-2026-000007")); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	body, sig, err := f.SetStatus(f.Shipments("SF-2026-000007")[0].ID, "delivered", at)
	if err != nil || len(got) != 1 || !got[0] {
		t.Fatalf("valid webhook refused: %v %v", got, err)
	}
	wh, err := sendcloud.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	if d, when := wh.Delivered(); !d || !when.Equal(at.UTC()) || wh.Parcel.OrderNumber != "SF-2026-000007" {
		t.Fatalf("webhook %+v delivered=%v at %v", wh, d, when)
	}
	tampered := bytes.Replace(body, []byte("SF-2026-000007"), []byte("SF-2026-000008"), 1)
	if st, _ := f.Deliver(srv.URL, tampered, sig); st != http.StatusUnauthorized {
		t.Fatalf("tampered body answered %d", st)
	}
	if sendcloud.VerifySignature(body, sig, "other-secret") || sendcloud.VerifySignature(body, "", "whsec") || sendcloud.VerifySignature(body, "zz", "whsec") {
		t.Fatal("a wrong secret or header passed")
	}
}

func TestSplitStreet(t *testing.T) {
	for in, want := range map[string][2]string{
		"Oudegracht 12":               {"Oudegracht", "12"},
		"Oudegracht 12 bis":           {"Oudegracht", "12 bis"},
		"Laan van Meerdervoort 1024A": {"Laan van Meerdervoort", "1024A"},
		"Plein 1944 3":                {"Plein 1944", "3"},
		"Dorpsstraat":                 {"Dorpsstraat", ""},
		"Kerkstraat 5-2":              {"Kerkstraat", "5-2"},
	} {
		s, n := sendcloud.SplitStreet(in)
		if s != want[0] || n != want[1] {
			t.Errorf("SplitStreet(%q) = %q, %q; want %q", in, s, n, want)
		}
	}
}

func TestLabelsInOnePDF(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	c := newClient(t, f)
	var ids, codes []string
	for _, ref := range []string{"SF-2026-000010", "SF-2026-000011", "SF-2026-000012"} {
		p, err := c.CreateParcel(context.Background(), shipment(ref))
		if err != nil {
			t.Fatal(err)
		}
		ids, codes = append(ids, p.ID), append(codes, p.TrackingCode)
	}
	pdf, err := c.Labels(context.Background(), ids, carrier.A4)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf, []byte("/Count 3")) {
		t.Fatalf("not three pages: %.300q", pdf)
	}
	for _, code := range codes {
		if !bytes.Contains(pdf, []byte(code)) {
			t.Errorf("label of %s missing", code)
		}
	}
	if _, err := c.Labels(context.Background(), nil, carrier.A6); err == nil {
		t.Error("no parcels accepted")
	}
	if _, err := c.Labels(context.Background(), make([]string, 21), carrier.A6); err == nil {
		t.Error("21 parcels accepted")
	}
}
