package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/wire"
)

// TestGiftCardsVoidCommand: `shop giftcards void` needs a reason, takes
// its flags after the card's id, and says what the sidecar refused.
func TestGiftCardsVoidCommand(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	if err := giftCards([]string{"void", "GC-2026-000001"}, &out); err == nil || !strings.Contains(err.Error(), "-reason") {
		t.Errorf("void without a reason: %v", err)
	}
	if err := giftCards([]string{"void", "GC-1999-000009", "-reason", "sold by mistake"}, &out); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("void of no card: %v", err)
	}
}

// TestGiftCardShownInShopZone: a card's dates and history are said in the
// shop's zone, not this machine's: 23:30 UTC on 7 December is already the
// 8th in Amsterdam.
func TestGiftCardShownInShopZone(t *testing.T) {
	withLocal(t)
	late := time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)
	g := wire.GiftCardView{ID: "GC-2026-000001", Currency: "EUR", Initial: 2500, Balance: 2500,
		ExpiresAt: late, OrderID: "SF-2026-000001", Recipient: "Ada", SendOn: late,
		History: []wire.GiftCardLineView{{At: late, Kind: "issued", Amount: 2500}}, TimeZone: "Europe/Amsterdam"}
	var out bytes.Buffer
	if err := printGiftCard(&out, g); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"valid until 2026-12-08", "sent on 2026-12-08", "2026-12-08 00:30 CET"} {
		if !strings.Contains(s, want) {
			t.Errorf("card does not say %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "ZZT") || strings.Contains(s, "2026-12-07") {
		t.Errorf("card says a time in this machine's zone:\n%s", s)
	}
}
