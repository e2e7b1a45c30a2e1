package fidelity

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

// TestOfficialClient runs fidelity.js (Mollie's own Node client) against
// molliefake served over TLS: create, get, list with pagination, cancel
// (cancelable and not), paid through the fake's checkout page, refund
// create/get/list/cancel, an idempotent replay, and 401/404/422. It skips
// when Node or the client's node_modules are missing, except with CI=true,
// where it fails (.ci/run installs them with npm ci).
func TestOfficialClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join("node_modules", "@mollie", "api-client", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fidelity check (CI=true): Node or @mollie/api-client missing (cd checkout/mollie/fidelity && npm ci): %v", err)
		}
		t.Skipf("SKIP fidelity check: Node or @mollie/api-client missing (cd checkout/mollie/fidelity && npm ci): %v", err)
	}
	f, caPEM, err := molliefake.NewTLS()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.RefuseCancel("ideal") // Mollie: an open iDEAL payment is not cancelable
	ca := filepath.Join(t.TempDir(), "molliefake.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "fidelity.js")
	cmd.Env = append(os.Environ(),
		"MOLLIE_API_KEY="+f.APIKey,
		"MOLLIE_API_ENDPOINT="+f.BaseURL(),
		"NODE_EXTRA_CA_CERTS="+ca,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("fidelity.js:\n%s", out)
	if err != nil {
		t.Fatalf("fidelity.js against molliefake: %v", err)
	}
	for _, want := range []string{"cancelable: yes, not cancelable: yes", "refund canceled: yes", "fidelity: ok"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("fidelity.js output lacks %q", want)
		}
	}
	// The script really talked to this fake.
	for _, r := range []molliefake.Route{molliefake.CreatePayment, molliefake.GetPayment, molliefake.ListPayments,
		molliefake.CancelPayment, molliefake.CreateRefund, molliefake.GetRefund, molliefake.ListRefunds, molliefake.CancelRefund} {
		if f.Calls(r) == 0 {
			t.Errorf("no call to %s", r)
		}
	}
}
