package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/sendcloud/sendcloudfake"
	"github.com/storefront/storefront/checkout/server"
)

func TestShipWithBareCode(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	if err := orders([]string{"ship", id, "--tracking", "3SABC123"}, &out); err != nil {
		t.Fatalf("ship with a code: %v", err)
	}
	if !strings.Contains(out.String(), "https://jouw.postnl.nl/track-and-trace/3SABC123") {
		t.Fatalf("the link is not built from the method's template:\n%s", out.String())
	}
	if err := orders([]string{"label", id}, &out); err == nil || !strings.Contains(err.Error(), "409") {
		t.Fatalf("label with the manual carrier: %v", err)
	}
}

func TestLabelCommands(t *testing.T) {
	f := sendcloudfake.New()
	defer f.Close()
	base, id := startSidecar(t, func(o *server.Options) {
		o.SendcloudPublicKey, o.SendcloudSecretKey, o.SendcloudBaseURL = sendcloudfake.PublicKey, sendcloudfake.SecretKey, f.BaseURL()
	})
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	file := filepath.Join(t.TempDir(), "label.pdf")
	var out bytes.Buffer
	if err := orders([]string{"label", id, "--size", "A4", "-o", file}, &out); err != nil {
		t.Fatalf("label: %v\n%s", err, out.String())
	}
	pdf, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("LABEL A4")) {
		t.Fatalf("label file: %v %.100q", err, pdf)
	}
	if !strings.Contains(out.String(), "shipped") || len(f.Shipments(id)) != 1 {
		t.Fatalf("label output:\n%s\nparcels: %d", out.String(), len(f.Shipments(id)))
	}
	out.Reset()
	all := filepath.Join(t.TempDir(), "today.pdf")
	if err := orders([]string{"labels", "-o", all}, &out); err != nil || !strings.Contains(out.String(), "ORDER") {
		t.Fatalf("labels: %v\n%s", err, out.String())
	}
	if pdf, err := os.ReadFile(all); err != nil || !bytes.Contains(pdf, []byte(f.Shipments(id)[0].TrackingNumber)) {
		t.Fatalf("today's labels file: %v", err)
	}
	if err := orders([]string{"label", id, "--size", "letter"}, &out); err == nil {
		t.Fatal("--size letter accepted")
	}
	out.Reset()
	f.SetStatus(f.Shipments(id)[0].ID, "delivered", f.Now())
	if err := orders([]string{"check-parcels"}, &out); err != nil || !strings.Contains(out.String(), "1 order(s) delivered") {
		t.Fatalf("check-parcels: %v\n%s", err, out.String())
	}
}
