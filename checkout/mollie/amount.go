package mollie

import (
	"fmt"
	"strings"

	"github.com/storefront/storefront/checkout/money"
)

// formatAmount writes minor units in Mollie's string form (money.Format).
func formatAmount(a money.Amount, currency string) Amount {
	c := strings.ToUpper(currency)
	return Amount{Currency: c, Value: money.Format(a, c)}
}

// parseAmount reads Mollie's string form into minor units (money.Parse).
// A nil amount is zero.
func parseAmount(a *Amount) (money.Amount, string, error) {
	if a == nil {
		return 0, "", nil
	}
	c := strings.ToUpper(a.Currency)
	m, err := money.Parse(a.Value, c)
	if err != nil {
		return 0, "", fmt.Errorf("mollie amount: %w", err)
	}
	return m, c, nil
}
