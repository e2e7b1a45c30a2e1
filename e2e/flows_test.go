package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// catalogItem is the part of catalog.json the journeys use.
type catalogItem struct {
	SKU     string `json:"sku"`
	Product string `json:"product"`
	Title   string `json:"title"`
	Variant string `json:"variant"`
	URL     string `json:"url"`
	Price   int64  `json:"price"`
	Class   string `json:"delivery_class"`
	Stock   struct {
		Tracked  bool `json:"tracked"`
		Quantity int  `json:"quantity"`
	} `json:"stock"`
}

// variantPick is a product with variants and the variant a journey chooses.
type variantPick struct {
	Product  string
	URL      string
	Title    string
	Variants []catalogItem
	Chosen   catalogItem // not the variant the page preselects
}

// readCatalog reads the built catalog.json, grouped by product in order.
func readCatalog(t *testing.T, h *harness) (order []string, byProduct map[string][]catalogItem) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.public, "catalog.json"))
	if err != nil {
		t.Fatalf("read the built catalog: %v", err)
	}
	var cat struct {
		Items []catalogItem `json:"items"`
	}
	if err := json.Unmarshal(b, &cat); err != nil {
		t.Fatalf("decode catalog.json: %v", err)
	}
	byProduct = map[string][]catalogItem{}
	for _, it := range cat.Items {
		if _, seen := byProduct[it.Product]; !seen {
			order = append(order, it.Product)
		}
		byProduct[it.Product] = append(byProduct[it.Product], it)
	}
	return order, byProduct
}

// pickVariant finds, in the built catalog, a product with at least two
// variants that never run out (untracked or plenty in stock), and chooses a
// variant other than the first, so choosing it is a real choice.
func pickVariant(t *testing.T, h *harness) variantPick {
	t.Helper()
	order, byProduct := readCatalog(t, h)
	for _, p := range order {
		its := byProduct[p]
		if len(its) < 2 {
			continue
		}
		plenty := true
		for _, it := range its {
			if it.Stock.Tracked && it.Stock.Quantity < 50 {
				plenty = false
			}
		}
		if !plenty {
			continue
		}
		return variantPick{Product: p, URL: its[0].URL, Title: its[0].Title, Variants: its, Chosen: its[1]}
	}
	t.Fatalf("the demo shop has no product with two or more variants that are always available")
	return variantPick{}
}

// pickLastOne finds a product without variants of which exactly one is
// left (a second-hand book, say).
func pickLastOne(t *testing.T, h *harness) variantPick {
	t.Helper()
	order, byProduct := readCatalog(t, h)
	for _, p := range order {
		its := byProduct[p]
		if len(its) == 1 && its[0].Stock.Tracked && its[0].Stock.Quantity == 1 {
			return variantPick{Product: p, URL: its[0].URL, Title: its[0].Title, Variants: its, Chosen: its[0]}
		}
	}
	t.Skip("the demo shop has no product of which exactly one is left")
	return variantPick{}
}

// customerEmail is a unique address per test, so each journey finds its
// own e-mails in the shared outbox.
func customerEmail(t *testing.T) string {
	return strings.ToLower(safeName(t.Name())) + "@example.nl"
}

// addToCart opens the product page, chooses the variant and quantity, and
// presses the add button. Without JavaScript the form posts and the sidecar
// answers with the cart page; with it, the page may stay and say so. Either
// way it ends on the cart page, reached as a customer would (the cart link).
func addToCart(t *testing.T, tb *tab, v variantPick, qty int) {
	t.Helper()
	tb.open(v.URL)
	if !strings.Contains(tb.mainText(), v.Title) {
		t.Fatalf("product page %s does not show its title %q", v.URL, v.Title)
	}
	if len(v.Variants) > 1 {
		chooseVariant(t, tb, v)
	} else if sku := eval[string](tb, `(document.querySelector('form.buy-form [name="sku"]') || {}).value || ""`); sku != v.Chosen.SKU {
		t.Fatalf("product page %s sells %q, want %s", v.URL, sku, v.Chosen.SKU)
	}
	tb.fill(`form.buy-form input[name="quantity"]`, fmt.Sprint(qty))
	tb.click(`form.buy-form [data-add], form.buy-form button[type=submit]`)
	// Either we are on the cart page now (the form posted), or the product
	// page says how adding went (the script used the API).
	tb.waitFor(`location.pathname.startsWith("/cart/") ||
		(() => { const s = document.querySelector("[data-cart-status]");
			return s && !s.hidden && /notice--(success|error)/.test(s.className); })()`, step)
	if !strings.HasPrefix(tb.path(), "/cart/") {
		status := jsonOf[struct{ Class, Text string }](tb, `(s => ({Class: s.className, Text: s.innerText}))(document.querySelector("[data-cart-status]"))`)
		if strings.Contains(status.Class, "error") {
			t.Fatalf("adding to the cart says %q", status.Text)
		}
		if st := tb.submit(`a.cart-link`); st != 200 {
			t.Fatalf("cart link: status %d", st)
		}
	}
	tb.waitFor(`!!document.querySelector(".sf-cart")`, step)
}

// chooseVariant picks the journey's variant on the product page by its
// label, and checks the page shows that variant's price.
func chooseVariant(t *testing.T, tb *tab, v variantPick) {
	t.Helper()
	radio := fmt.Sprintf(`form.buy-form input[name="sku"][value=%q]`, v.Chosen.SKU)
	if !eval[bool](tb, `!!document.querySelector(`+jsString(radio)+`)`) {
		t.Fatalf("product page %s offers no choice for variant %s (%s)", v.URL, v.Chosen.SKU, v.Chosen.Variant)
	}
	// Click the label, as a customer does.
	tb.click(fmt.Sprintf(`label[for=%q]`, eval[string](tb, `document.querySelector(`+jsString(radio)+`).id`)))
	if !eval[bool](tb, `document.querySelector(`+jsString(radio)+`).checked`) {
		t.Fatalf("clicking the variant %q did not select it", v.Chosen.Variant)
	}
	shown := eval[string](tb, `(document.querySelector("[data-price-display]") || document.body).innerText`)
	if !tb.opts.NoJS {
		// The script shows the chosen variant's price.
		nl, en := euroText(v.Chosen.Price), strings.Replace(euroText(v.Chosen.Price), ",", ".", 1)
		tb.waitFor(`(t => t.includes(`+jsString(nl)+`) || t.includes(`+jsString(en)+`))((document.querySelector("[data-price-display]") || {}).innerText || "")`, 5*time.Second)
	} else if !hasAmount(eval[string](tb, `document.querySelector(`+jsString(radio)+`).labels[0].innerText`), v.Chosen.Price) {
		t.Errorf("the variant %q does not show its price %s; the page shows %q", v.Chosen.Variant, euroText(v.Chosen.Price), shown)
	}
}

// euroText is how the shop writes an amount in Dutch: "€ 14,50".
func euroText(cents int64) string {
	return fmt.Sprintf("%d,%02d", cents/100, cents%100)
}

// cartLine is a line as the cart page shows it.
type cartLine struct {
	SKU       string `json:"sku"`
	Text      string `json:"text"`
	Quantity  string `json:"quantity"`
	LineTotal string `json:"total"`
}

func cartLines(tb *tab) []cartLine {
	tb.t.Helper()
	return jsonOf[[]cartLine](tb, `[...document.querySelectorAll(".sf-cart tr[data-sku]")].map(tr => ({
		sku: tr.dataset.sku, text: tr.cells[0].innerText,
		quantity: (tr.querySelector("input[name=quantity]") || {}).value || "",
		total: tr.cells[tr.cells.length - 1].innerText}))`)
}

// shownTotal is the grand total the page shows (the data-total element's
// text, checked against its attribute).
func shownTotal(t *testing.T, tb *tab) int64 {
	t.Helper()
	v := jsonOf[struct {
		Attr string `json:"attr"`
		Text string `json:"text"`
	}](tb, `(() => { const e = document.querySelector("[data-total]"); return e ? {attr: e.dataset.total, text: e.innerText} : {}; })()`)
	if v.Text == "" {
		t.Fatalf("page %s shows no total", tb.location())
	}
	shown, err := ParseEuro(v.Text)
	if err != nil {
		t.Fatalf("page %s: total %q: %v", tb.location(), v.Text, err)
	}
	if v.Attr != fmt.Sprint(shown) {
		t.Errorf("page %s shows total %q but its data-total is %s", tb.location(), v.Text, v.Attr)
	}
	return shown
}

// address is what a customer types at checkout.
type address struct {
	Name, Email, Street, PostalCode, City string
}

func validAddress(t *testing.T) address {
	return address{Name: "Ada de Vries", Email: customerEmail(t), Street: "Oudegracht 1", PostalCode: "3511 AA", City: "Utrecht"}
}

func fillCheckout(tb *tab, a address) {
	tb.t.Helper()
	tb.fill("#f-name", a.Name)
	tb.fill("#f-email", a.Email)
	tb.fill("#f-street", a.Street)
	tb.fill("#f-postal_code", a.PostalCode)
	tb.fill("#f-city", a.City)
}

// checkout goes from the cart page to the payment provider with a valid
// address and returns the total the checkout page showed and the payment
// page's path.
func checkout(t *testing.T, tb *tab, a address) (total int64, payPath string) {
	t.Helper()
	if st := tb.submit(`.sf-cart a[href^="/checkout/"]`); st != 200 {
		t.Fatalf("checkout page: status %d", st)
	}
	fillCheckout(tb, a)
	total = shownTotal(t, tb)
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 {
		t.Fatalf("placing the order answered %d on %s:\n%s", st, tb.location(), clip(tb.mainText(), 1500))
	}
	payPath = tb.path()
	if !strings.HasPrefix(payPath, "/pay/") {
		t.Fatalf("after placing the order the customer is at %s, not the payment page:\n%s", payPath, clip(tb.mainText(), 1500))
	}
	return total, payPath
}

// payShown presses pay on the checkout page with total on screen and
// checks that the payment page asks exactly that.
func payShown(t *testing.T, tb *tab, total int64) {
	t.Helper()
	if st := tb.submit(`form.sf-checkout-form button[type=submit]`); st != 200 || !strings.HasPrefix(tb.path(), "/pay/") {
		t.Fatalf("pay pressed with %s on screen: %d, at %s:\n%s", euroText(total), st, tb.path(), clip(tb.mainText(), 1500))
	}
	if amt := payAmount(t, tb); amt != total {
		t.Errorf("the checkout showed %s when pay was pressed, the payment page asks %s", euroText(total), euroText(amt))
	}
}

// payAmount is the amount the payment provider's page asks for.
func payAmount(t *testing.T, tb *tab) int64 {
	t.Helper()
	txt := eval[string](tb, `(document.querySelector(".sf-pay-amount") || {}).innerText || ""`)
	amt, err := ParseEuro(txt)
	if err != nil {
		t.Fatalf("payment page %s: amount %q: %v", tb.location(), txt, err)
	}
	return amt
}

// choose presses the outcome button on the provider's page and returns the
// path the customer lands on (the order page).
func choose(t *testing.T, tb *tab, status string) string {
	t.Helper()
	if st := tb.submit(fmt.Sprintf(`button[name="status"][value=%q]`, status)); st != 200 {
		t.Fatalf("choosing %s on the payment page: status %d", status, st)
	}
	p := tb.path()
	if !strings.HasPrefix(p, "/order/") {
		t.Fatalf("after choosing %s the customer is at %s, not the order page", status, p)
	}
	return p
}

// orderState is what the order page shows about the order.
type orderState struct {
	State   string `json:"state"`
	Payment string `json:"payment"`
	Heading string `json:"heading"`
	Status  string `json:"status"` // the whole status box
	Errors  string `json:"errors"` // any error box shown
	Steps   []struct {
		Step    string `json:"step"`
		Class   string `json:"class"`
		Text    string `json:"text"`
		Current bool   `json:"current"`
	} `json:"steps"`
	Title string `json:"title"`
}

func readOrder(tb *tab) orderState {
	tb.t.Helper()
	return jsonOf[orderState](tb, readOrderJS)
}

// readOrderJS reads the order page's state, status box, errors and steps.
const readOrderJS = `(() => { const o = document.querySelector(".sf-order"); if (!o) return {};
		const st = o.querySelector(".sf-status");
		return {state: o.dataset.state || "", payment: o.dataset.payment || "",
			heading: st ? (st.querySelector("h2") || st).innerText : "", status: st ? st.innerText : "",
			errors: [...o.querySelectorAll(".sf-error, [role=alert]")].filter(e => e.getClientRects().length).map(e => e.innerText).join(" | "),
			title: (o.querySelector("h1") || {}).innerText || "",
			steps: [...o.querySelectorAll("[data-step]")].map(li => ({step: li.dataset.step, class: li.className, text: li.innerText, current: li.getAttribute("aria-current") === "step"}))}; })()`

func (o orderState) step(name string) (text string, done bool, found bool) {
	for _, s := range o.Steps {
		if s.Step == name {
			return s.Text, strings.Contains(" "+s.Class+" ", " done "), true
		}
	}
	return "", false, false
}

var dateRe = regexp.MustCompile(`\d{1,2} [a-z]+|\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}`)

// orderToken is the token part of an order page path.
func orderToken(path string) string {
	p := strings.TrimPrefix(path, "/order/")
	if i := strings.IndexAny(p, "/?#"); i >= 0 {
		p = p[:i]
	}
	return p
}
