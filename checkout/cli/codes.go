package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/wire"
)

const codesUsage = `Usage: shop codes <command> [flags]

Discount codes customers type at checkout (docs/codes.md). Codes that live in
git are in data/codes.toml (checked by shop doctor); these commands manage
the others, in the running sidecar.

Commands (they talk to the running sidecar's admin API):
  list                  every code (the file's too), with its uses
  create CODE flags     make a code:
      -percent N        N % off the products it is for, or
      -amount 5,00      a fixed amount off (incl. VAT)
      -min 25,00        only from this much in products (before discounts)
      -from 2026-12-01  valid from this day (or an RFC 3339 time)
      -to 2026-12-31    valid to and including this day
      -categories koffie,boeken  -products SLUG,...  -skus SKU,...
                        only for these (default: everything)
      -max-uses N       uses in total; -per-customer N uses per e-mail address
  disable CODE          turn a code off (orders that used it keep their discount)
  enable CODE           turn it on again

Flags: -json (print the JSON answer), -url URL (default $SHOP_ADMIN_URL)
Environment: SHOP_ADMIN_URL, SHOP_ADMIN_TOKEN
`

// Codes is `shop codes`: the owner's discount codes.
func Codes(args []string) error { return codes(args, os.Stdout) }

func codes(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, codesUsage, "shop codes: say which command (list, create, disable, enable)"); done {
		return err
	}
	cmd, rest := args[0], args[1:]
	fs, adminURL := newFlags("codes " + cmd)
	asJSON := fs.Bool("json", false, "print the JSON answer")
	percent := fs.Int64("percent", 0, "")
	amount := fs.String("amount", "", "")
	minOrder := fs.String("min", "", "")
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	cats := fs.String("categories", "", "")
	prods := fs.String("products", "", "")
	skus := fs.String("skus", "", "")
	maxUses := fs.Int("max-uses", 0, "")
	perCustomer := fs.Int("per-customer", 0, "")
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return fmt.Errorf("shop codes %s: %w\n\n%s", cmd, err, codesUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		return show(c, out, *asJSON, http.MethodGet, "/api/admin/codes", nil, printCodes)
	case "create":
		if len(pos) != 1 {
			return errors.New("shop codes create: give exactly one code, e.g. shop codes create WINTER10 -percent 10")
		}
		req := wire.CodeRequest{Code: pos[0], Percent: *percent, From: *from, To: *to, Categories: list(*cats),
			Products: list(*prods), SKUs: list(*skus), MaxUses: *maxUses, MaxPerCustomer: *perCustomer}
		for _, a := range []struct {
			flag, v string
			to      *int64
		}{{"-amount", *amount, &req.Amount}, {"-min", *minOrder, &req.MinOrder}} {
			if a.v == "" {
				continue
			}
			n, err := euros(a.v)
			if err != nil {
				return fmt.Errorf("shop codes create %s %q: %w", a.flag, a.v, err)
			}
			*a.to = n
		}
		return show(c, out, *asJSON, http.MethodPost, "/api/admin/codes", req, printCode)
	case "disable", "enable":
		if len(pos) != 1 {
			return fmt.Errorf("shop codes %s: give exactly one code (see shop codes list)", cmd)
		}
		return show(c, out, *asJSON, http.MethodPost, "/api/admin/codes/"+url.PathEscape(pos[0])+"/"+cmd, nil, printCode)
	}
	return fmt.Errorf("shop codes: unknown command %q\n\n%s", cmd, codesUsage)
}

// euros reads 5, 5,00 or 5.50 as minor units.
func euros(v string) (int64, error) {
	v = strings.Replace(strings.TrimSpace(v), ",", ".", 1)
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 {
		return 0, errors.New("at most two decimals, like 5,00")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 32)
	f, err2 := strconv.ParseInt(frac, 10, 32)
	if err1 != nil || err2 != nil || w < 0 {
		return 0, errors.New("not an amount like 5,00")
	}
	return w*100 + f, nil
}

func list(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

func codeDiscount(v wire.CodeView) string {
	if v.Kind == "percent" {
		return fmt.Sprintf("%d%%", v.Percent)
	}
	return money.Format(money.Amount(v.Amount), "EUR")
}

func printCodes(out io.Writer, l wire.CodeList) {
	if len(l.Codes) == 0 {
		fmt.Fprintln(out, "no discount codes")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tDISCOUNT\tMIN\tFOR\tFROM\tTO\tUSES\tSOURCE\tSTATE")
	for _, v := range l.Codes {
		uses := strconv.Itoa(v.Uses)
		if v.MaxUses > 0 {
			uses += "/" + strconv.Itoa(v.MaxUses)
		}
		if v.MaxPerCustomer > 0 {
			uses += fmt.Sprintf(" (%d each)", v.MaxPerCustomer)
		}
		min := "-"
		if v.MinOrder > 0 {
			min = money.Format(money.Amount(v.MinOrder), "EUR")
		}
		state := "on"
		if v.Disabled {
			state = "off"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Code, codeDiscount(v), min, scope(v), dash(day10(v.From)), dash(day10(v.To)), uses, v.Source, state)
	}
	tw.Flush()
}

func printCode(out io.Writer, v wire.CodeView) {
	state := "on"
	if v.Disabled {
		state = "off"
	}
	fmt.Fprintf(out, "%s: %s off %s, %s, %d uses, %s\n", v.Code, codeDiscount(v), scope(v), state, v.Uses, v.Source)
}

func scope(v wire.CodeView) string {
	s := strings.Join(append(append(append([]string{}, v.Categories...), v.Products...), v.SKUs...), ",")
	if s == "" {
		return "everything"
	}
	return s
}

func day10(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
