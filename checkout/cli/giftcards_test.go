package cli

import (
	"bytes"
	"strings"
	"testing"
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
