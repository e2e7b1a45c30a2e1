package reliability

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestMailFailureDoesNotBlockPayment: when e-mail cannot be sent, the
// webhook still answers at once and the order is paid; the confirmation is
// retried from the queue and goes out, once, when sending works again.
func TestMailFailureDoesNotBlockPayment(t *testing.T) {
	fake := molliefake.New()
	defer fake.Close()
	clk := &clock{}
	s := startShop(t, shopConfig{fake: fake, now: clk.now})
	ca, pid := placeOrder(t, s, "MOK-001")

	// The outbox becomes unwritable: a file where its directory was.
	if err := os.RemoveAll(s.outbox); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.outbox, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fake.SetStatusQuiet(pid, "paid"); err != nil {
		t.Fatal(err)
	}
	if a := postWebhook(s.URL, "id="+pid); a.status != http.StatusOK {
		t.Fatalf("webhook while mail fails: %s", a)
	}
	if st := orderState(t, s, ca.Order.ID); st != "paid" {
		t.Fatalf("order is %s while mail fails, want paid", st)
	}
	time.Sleep(500 * time.Millisecond) // the mail worker tries and fails

	// Sending works again; the retry is due after its backoff.
	if err := os.Remove(s.outbox); err != nil {
		t.Fatal(err)
	}
	clk.advance(10 * time.Minute)
	if !eventually(15*time.Second, func() bool { return mailsFor(t, s.outbox, ca.Order.ID) == 1 }) {
		t.Fatalf("the confirmation was not sent after mail recovered (found %d)", mailsFor(t, s.outbox, ca.Order.ID))
	}
	time.Sleep(300 * time.Millisecond)
	if n := mailsFor(t, s.outbox, ca.Order.ID); n != 1 {
		t.Errorf("%d confirmations after the retry, want 1", n)
	}
}
