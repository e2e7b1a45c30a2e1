package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/wire"
)

const giftCardsUsage = `Usage: shop giftcards list [-json]
       shop giftcards show GC-2026-000001 [-json]
       shop giftcards void GC-2026-000001 -reason "sold by mistake" [-json]

Lists the gift cards sold with what is left on them, shows one card with
its code and history, or voids what is left on a card (the holder sees the
reason on the card's page; docs/giftcards.md). It asks the running
sidecar's admin API (GET /api/admin/giftcards, POST …/{id}/void).

Flags:
  -json       print the JSON answer
  -reason R   why the balance is voided (void; required)
  -url URL    the sidecar's address (default $SHOP_ADMIN_URL)

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// GiftCards is `shop giftcards list|show|void`.
func GiftCards(args []string) error { return giftCards(args, os.Stdout) }

func giftCards(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, giftCardsUsage, "say list or show"); done {
		return err
	}
	verb := args[0]
	fs, adminURL := newFlags("giftcards")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	reason := fs.String("reason", "", "why the balance is voided")
	pos, err := parseInterleaved(fs, args[1:]) // `void GC-… -reason …`
	if err != nil {
		return fmt.Errorf("%w\n\n%s", err, giftCardsUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	switch {
	case verb == "list" && len(pos) == 0:
		var a wire.GiftCardList
		raw, err := c.do(http.MethodGet, "/api/admin/giftcards", nil, &a)
		if err != nil {
			return err
		}
		if *asJSON {
			_, err := out.Write(append(raw, '\n'))
			return err
		}
		if len(a.GiftCards) == 0 {
			fmt.Fprintln(out, "No gift cards sold yet.")
			return nil
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CARD\tCODE\tISSUED\tBALANCE\tHELD\tORDER\tTO")
		for _, g := range a.GiftCards {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g.ID, g.Last4, amount(g.Initial, g.Currency), amount(g.Balance, g.Currency),
				amount(g.Reserved, g.Currency), g.OrderID, g.Recipient)
		}
		return tw.Flush()
	case verb == "void" && len(pos) == 1:
		if *reason == "" {
			return fmt.Errorf("say why with -reason\n\n%s", giftCardsUsage)
		}
		var g wire.GiftCardView
		raw, err := c.do(http.MethodPost, "/api/admin/giftcards/"+url.PathEscape(pos[0])+"/void", map[string]string{"reason": *reason}, &g)
		if err != nil {
			return err
		}
		if *asJSON {
			_, err := out.Write(append(raw, '\n'))
			return err
		}
		fmt.Fprintf(out, "%s: %s voided (%s); the holder sees the reason on %s\n", g.ID, amount(g.Voided, g.Currency), g.VoidReason, g.URL)
		return nil
	case verb == "show" && len(pos) == 1:
		var g wire.GiftCardView
		raw, err := c.do(http.MethodGet, "/api/admin/giftcards/"+url.PathEscape(pos[0]), nil, &g)
		if err != nil {
			return err
		}
		if *asJSON {
			_, err := out.Write(append(raw, '\n'))
			return err
		}
		return printGiftCard(out, g)
	}
	return fmt.Errorf("unexpected %q\n\n%s", args, giftCardsUsage)
}

func amount(a int64, currency string) string { return money.Format(money.Amount(a), currency) }

// printGiftCard prints one card for the owner: its dates and times in the
// shop's time zone, named (shopTime).
func printGiftCard(out io.Writer, g wire.GiftCardView) error {
	fmt.Fprintf(out, "%s  code %s\nbalance %s of %s (held by unpaid orders: %s, spent: %s)\npage %s\n",
		g.ID, g.Code, amount(g.Balance, g.Currency), amount(g.Initial, g.Currency), amount(g.Reserved, g.Currency), amount(g.Spent, g.Currency), g.URL)
	if g.ExpiresAt.IsZero() {
		fmt.Fprintln(out, "never expires")
	} else {
		fmt.Fprintf(out, "valid until %s\n", shopDay(g.ExpiresAt, g.TimeZone))
	}
	if !g.VoidedAt.IsZero() {
		fmt.Fprintf(out, "%s voided on %s: %s\n", amount(g.Voided, g.Currency), shopDay(g.VoidedAt, g.TimeZone), g.VoidReason)
	}
	if g.OrderID != "" {
		fmt.Fprintf(out, "sold with order %s to %s, sent on %s\n", g.OrderID, g.Recipient, shopDay(g.SendOn, g.TimeZone))
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, h := range g.History {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", shopTime(h.At, g.TimeZone, false), h.Kind, amount(h.Amount, g.Currency), h.OrderID)
	}
	return tw.Flush()
}
