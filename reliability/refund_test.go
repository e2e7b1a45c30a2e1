package reliability

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

func adminPost(t *testing.T, base, path string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// TestRefundUnderFaults: canceling a paid order refunds it exactly once,
// even when the provider loses the answer to the refund or is down (the
// reconciler finishes it), the owner clicks cancel again, or two cancels race.
func TestRefundUnderFaults(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	s := startShop(t, shopConfig{fake: fake, reconcile: 50 * time.Millisecond})

	for _, tc := range []struct {
		name  string
		fault *molliefake.Fault
		races int
	}{
		{name: "answer lost after the refund was made", fault: &molliefake.Fault{CloseConn: true, AfterHandling: true, Times: 4}},
		{name: "provider down", fault: &molliefake.Fault{Status: 503, Times: 10}},
		{name: "two cancels at once", races: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ca, pid := placeOrder(t, s, "MOK-001")
			if err := fake.SetStatus(pid, "paid"); err != nil {
				t.Fatal(err)
			}
			path := "/api/admin/orders/" + ca.Order.ID + "/cancel"
			if tc.fault != nil {
				fake.Fail(molliefake.CreateRefund, *tc.fault)
				a := adminPost(t, s.URL, path)
				fake.ClearFaults()
				if a.status != http.StatusOK && a.status != http.StatusBadGateway {
					t.Errorf("cancel during a refund fault: %s", a)
				}
				if a.status == http.StatusBadGateway && !strings.Contains(a.errorText(), "again") {
					t.Errorf("failed refund says %q; it should say to run cancel again", a.errorText())
				}
				// The owner clicks again: fine (200), or told it is done (409 with a message).
				if a := adminPost(t, s.URL, path); a.status != http.StatusOK && (a.status != http.StatusConflict || a.errorText() == "") {
					t.Errorf("cancel again: %s", a)
				}
			} else {
				var wg sync.WaitGroup
				for i := 0; i < tc.races; i++ {
					wg.Add(1)
					go func() { defer wg.Done(); adminPost(t, s.URL, path) }()
				}
				wg.Wait()
				adminPost(t, s.URL, path)
			}
			refunds := func() int { p, _ := fake.Payment(pid); return len(p.Refunds) }
			if !eventually(10*time.Second, func() bool { return refunds() >= 1 }) {
				t.Errorf("payment %s was never refunded after its order was canceled", pid)
			}
			time.Sleep(300 * time.Millisecond) // a second refund would be on its way by now
			if n := refunds(); n > 1 {
				t.Errorf("payment %s has %d refunds after canceling its order once, want 1", pid, n)
			}
			if st := orderState(t, s, ca.Order.ID); st != "canceled" {
				t.Errorf("order is %s, want canceled", st)
			}
		})
	}
}
