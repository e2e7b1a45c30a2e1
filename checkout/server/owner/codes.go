package owner

// The owner's discount codes: GET/POST /api/admin/codes (the CLI `shop
// codes`), POST /api/admin/codes/{code}/disable|enable, and the page
// /admin/codes/ with the same actions. Codes from data/codes.toml are
// listed too; they are changed in git, not here.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/wire"
)

// Codes is the HTTP side of the owner's discount codes (API and
// page).
type Codes struct {
	*web.Web
	Store     CodeStore                   // the uses
	Stored    StoredCodes                 // the owner's codes
	FileCodes func() map[string]cart.Code // data/codes.toml (the shop's codes)
}

// CodeStore counts the uses of a code (store.Store).
type CodeStore interface {
	CodeUses(code, email, except string) (total, mine int, err error)
}

// StoredCodes are the codes the owner made (store.Store.Codes).
type StoredCodes interface {
	List() ([]cart.Code, error)
	Create(c cart.Code) error
	SetDisabled(code string, disabled bool) (cart.Code, error)
}

// allCodes are the codes of the file and the owner's, by name, with uses.
func (h *Codes) allCodes() ([]wire.CodeView, error) {
	stored, err := h.Stored.List()
	if err != nil {
		return nil, err
	}
	var all []cart.Code
	file := h.FileCodes()
	for _, c := range file {
		all = append(all, c)
	}
	for _, c := range stored {
		if _, shadowed := file[c.Code]; !shadowed {
			c.Source = "admin"
			all = append(all, c)
		}
	}
	slices.SortFunc(all, func(a, b cart.Code) int { return strings.Compare(a.Code, b.Code) })
	out := make([]wire.CodeView, 0, len(all))
	for _, c := range all {
		n, _, err := h.Store.CodeUses(c.Code, "", "")
		if err != nil {
			return nil, err
		}
		out = append(out, codeView(c, n))
	}
	return out, nil
}

func codeView(c cart.Code, uses int) wire.CodeView {
	v := wire.CodeView{Code: c.Code, Kind: c.Kind, MinOrder: int64(c.MinOrder), Categories: c.Categories, Products: c.Products,
		SKUs: c.SKUs, MaxUses: c.MaxUses, MaxPerCustomer: c.MaxPerUser, Disabled: c.Disabled, Source: c.Source, Uses: uses}
	if c.Kind == cart.CodePercent {
		v.Percent = c.Value
	} else {
		v.Amount = c.Value
	}
	if !c.From.IsZero() {
		v.From = c.From.Format(time.RFC3339)
	}
	if !c.To.IsZero() {
		v.To = c.To.Format(time.RFC3339)
	}
	return v
}

// newCode checks an owner's request against the catalog; the error
// names the field: codeRules, said in English by the JSON API and in the
// owner's language by the page (ownerWords).
func (h *Codes) newCode(r wire.CodeRequest) (cart.Code, error) {
	c := cart.Code{Code: cart.NormalizeCode(r.Code), MinOrder: money.Amount(r.MinOrder), Categories: r.Categories,
		Products: r.Products, SKUs: r.SKUs, MaxUses: r.MaxUses, MaxPerUser: r.MaxPerCustomer, Source: "admin"}
	switch {
	case r.Percent != 0 && r.Amount != 0:
		return c, codeRules{{Field: "percent, amount", Key: "both", Text: "give one of the two, not both"}}
	case r.Percent != 0:
		c.Kind, c.Value = cart.CodePercent, r.Percent
	case r.Amount != 0:
		c.Kind, c.Value = cart.CodeFixed, r.Amount
	}
	var bad codeRules
	var err error
	if c.From, err = h.codeDay(r.From, false); err != nil {
		bad = append(bad, cart.CodeRule{Field: "from", Key: "day_from", Args: []any{r.From}, Text: err.Error()})
	}
	if c.To, err = h.codeDay(r.To, true); err != nil {
		bad = append(bad, cart.CodeRule{Field: "to", Key: "day_to", Args: []any{r.To}, Text: err.Error()})
	}
	if len(bad) > 0 {
		return c, bad
	}
	if probs := c.Problems(); len(probs) > 0 {
		return c, codeRules(probs)
	}
	if probs := codeScope(c, h.Catalog.Current()); len(probs) > 0 {
		return c, probs
	}
	if _, inFile := h.FileCodes()[c.Code]; inFile {
		return c, fmt.Errorf("code: %s is in data/codes.toml already: %w", c.Code, store.ErrCodeExists)
	}
	return c, nil
}

// codeRules is what is wrong with a code the owner asked for.
type codeRules []cart.CodeRule

func (e codeRules) Error() string {
	s := make([]string, len(e))
	for i, p := range e {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

// words says e in the owner's language ("owner.codes.err.<key>").
func (e codeRules) words(lang string) string {
	s := make([]string, len(e))
	for i, p := range e {
		s[i] = web.OwnerT(lang, "codes.err."+p.Key, p.Args...)
	}
	return strings.Join(s, "; ")
}

// codeScope refuses a category, product or SKU the catalog does not have:
// a typo would make a code that never applies.
func codeScope(c cart.Code, cat *catalog.Catalog) codeRules {
	cats, prods, skus := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, it := range cat.Items {
		cats[it.Category], prods[it.Product], skus[it.SKU] = true, true, true
	}
	for _, f := range []struct {
		field string
		names []string
		known map[string]bool
	}{{"categories", c.Categories, cats}, {"products", c.Products, prods}, {"skus", c.SKUs, skus}} {
		for _, n := range f.names {
			if !f.known[n] {
				return codeRules{{Field: f.field, Key: "scope_" + f.field, Args: []any{n}, Text: fmt.Sprintf("%q is not in the catalog", n)}}
			}
		}
	}
	return nil
}

// codeDay reads a day (YYYY-MM-DD in the shop's zone; end: its last
// moment) or an RFC 3339 time; "" is open.
func (h *Codes) codeDay(v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, h.Zone()); err == nil {
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a day like 2026-12-31 or a time like 2026-12-31T18:00:00+01:00", v)
	}
	return t, nil
}

func (h *Codes) AdminListCodes(c *gin.Context) {
	all, err := h.allCodes()
	if err != nil {
		h.Internal(c, "list codes", err)
		return
	}
	web.OK(c, http.StatusOK, wire.CodeList{Codes: all})
}

func (h *Codes) AdminCreateCode(c *gin.Context) {
	var r wire.CodeRequest
	if !web.DecodeJSON(c, &r) {
		return
	}
	code, err := h.newCode(r)
	if err == nil {
		err = h.Stored.Create(code)
	}
	switch {
	case errors.Is(err, store.ErrCodeExists):
		web.Fail(c, http.StatusConflict, err.Error())
	case err != nil:
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
	default:
		h.Log.Info("discount code made", "code", code.Code, "by", web.Actor(c))
		web.OK(c, http.StatusCreated, codeView(code, 0))
	}
}

// setCodeDisabled turns an owner's code off or on; a code of the file is
// changed in the file.
func (h *Codes) setCodeDisabled(name string, disabled bool) (wire.CodeView, int, error) {
	name = cart.NormalizeCode(name)
	if _, inFile := h.FileCodes()[name]; inFile {
		return wire.CodeView{}, http.StatusConflict, fmt.Errorf("%s is in data/codes.toml: set disabled = true there (and push)", name)
	}
	code, err := h.Stored.SetDisabled(name, disabled)
	if errors.Is(err, store.ErrNotFound) {
		return wire.CodeView{}, http.StatusNotFound, fmt.Errorf("no code %s", name)
	}
	if err != nil {
		return wire.CodeView{}, http.StatusInternalServerError, err
	}
	n, _, _ := h.Store.CodeUses(name, "", "")
	code.Source = "admin"
	return codeView(code, n), http.StatusOK, nil
}

func (h *Codes) AdminCodeAction(c *gin.Context) {
	var disabled bool
	switch c.Param("action") {
	case "disable":
		disabled = true
	case "enable":
	default:
		web.Fail(c, http.StatusNotFound, "unknown action "+strconv.Quote(c.Param("action"))+": disable or enable")
		return
	}
	v, status, err := h.setCodeDisabled(c.Param("code"), disabled)
	if status == http.StatusInternalServerError {
		h.Internal(c, "set code", err)
		return
	}
	if err != nil {
		web.Fail(c, status, err.Error())
		return
	}
	web.OK(c, http.StatusOK, v)
}

// parseEuros reads an amount as the owner types it: 5, 5,00 or 5.50.
func parseEuros(v string) (money.Amount, bool) {
	v = strings.Replace(strings.TrimSpace(v), ",", ".", 1)
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseUint(whole, 10, 31)
	f, err2 := strconv.ParseUint(frac, 10, 8)
	if err1 != nil || err2 != nil || w > 1_000_000 {
		return 0, false
	}
	return money.Amount(w*100 + f), true
}

type AdminCodesPage struct {
	CSRF   string
	Notice string
	Error  string
	Cur    string
	Codes  []adminCodeRow
	Form   wire.CodeRequest
}

type adminCodeRow struct {
	V     wire.CodeView
	For   string
	Valid string
}

// CodesDone are the notices the page shows after a button, by ?done= (with
// the code's name in ?code=); "owner.codes.done.<done>" in the translation
// source. Only a code on the page is named, so a link cannot put its own
// words in the green box.
var CodesDone = map[string]bool{"made": true, "disabled": true, "enabled": true}

func (h *Codes) AdminCodesPage(c *gin.Context) {
	h.renderCodesPage(c, http.StatusOK, wire.CodeRequest{}, "")
}

func (h *Codes) renderCodesPage(c *gin.Context, status int, form wire.CodeRequest, msg string) {
	all, err := h.allCodes()
	if err != nil {
		h.InternalPage(c, "list codes", err)
		return
	}
	lang := h.Lang(c)
	d := AdminCodesPage{CSRF: c.GetString("csrf"), Error: msg, Form: form, Cur: h.Catalog.Current().Currency}
	done, name := c.Query("done"), cart.NormalizeCode(c.Query("code"))
	for _, v := range all {
		if status == http.StatusOK && CodesDone[done] && v.Code == name {
			d.Notice = web.OwnerT(lang, "codes.done."+done, name)
		}
		r := adminCodeRow{V: v}
		r.For = strings.Join(append(append(append([]string{}, v.Categories...), v.Products...), v.SKUs...), ", ")
		if r.For == "" {
			r.For = web.OwnerT(lang, "codes.everything")
		}
		r.Valid = h.codeTerm(v.From, v.To, lang)
		d.Codes = append(d.Codes, r)
	}
	h.Page(c, status, "admin-codes", web.OwnerT(lang, "codes.browser_title"), d)
}

// codeTerm is a code's term in words in the shop's zone ("" when open).
func (h *Codes) codeTerm(from, to, lang string) string {
	date := func(rfc string) string {
		t, err := time.Parse(time.RFC3339, rfc)
		if err != nil {
			return rfc
		}
		return view.DateText(t.In(h.Zone()), lang)
	}
	switch {
	case from != "" && to != "":
		return web.OwnerT(lang, "codes.valid_range", date(from), date(to))
	case from != "":
		return web.OwnerT(lang, "codes.valid_from", date(from))
	case to != "":
		return web.OwnerT(lang, "codes.valid_to", date(to))
	}
	return ""
}

// AdminCodesForm makes a code (or turns one off or on) from the page.
func (h *Codes) AdminCodesForm(c *gin.Context) {
	if c.PostForm("csrf") != c.GetString("csrf") {
		h.AdminMessage(c, http.StatusForbidden, web.OwnerT(h.Lang(c), "codes.expired"))
		return
	}
	if name := c.PostForm("disable"); name != "" || c.PostForm("enable") != "" {
		disabled := name != ""
		if !disabled {
			name = c.PostForm("enable")
		}
		if _, status, err := h.setCodeDisabled(name, disabled); err != nil {
			h.renderCodesPage(c, status, wire.CodeRequest{}, ownerWords(h.Lang(c), err))
			return
		}
		c.Redirect(http.StatusSeeOther, codesDoneURL(map[bool]string{true: "disabled", false: "enabled"}[disabled], name))
		return
	}
	r := wire.CodeRequest{Code: c.PostForm("code"), From: c.PostForm("from"), To: c.PostForm("to"),
		Categories: fields(c.PostForm("categories")), Products: fields(c.PostForm("products")), SKUs: fields(c.PostForm("skus"))}
	var bad []string
	lang := h.Lang(c)
	num := func(name string, euros bool) int64 {
		v := strings.TrimSpace(c.PostForm(name))
		if v == "" {
			return 0
		}
		label := web.OwnerT(lang, codeFormLabels[name]) // the form's words, not the field's name
		if euros {
			a, good := parseEuros(v)
			if !good {
				bad = append(bad, web.OwnerT(lang, "codes.err.amount", label, v))
			}
			return int64(a)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad = append(bad, web.OwnerT(lang, "codes.err.number", label, v))
		}
		return n
	}
	nBad := len(bad)
	if c.PostForm("kind") == "percent" {
		r.Percent = num("value", false)
	} else {
		r.Amount = num("value", true)
	}
	if r.Percent == 0 && r.Amount == 0 && len(bad) == nBad {
		// A kind is always chosen on the form: nothing off is the value's fault.
		bad = append(bad, web.OwnerT(lang, "codes.err.value_zero"))
	}
	r.MinOrder = num("min_order", true)
	r.MaxUses = int(num("max_uses", false))
	r.MaxPerCustomer = int(num("max_per_customer", false))
	if len(bad) > 0 {
		h.renderCodesPage(c, http.StatusUnprocessableEntity, r, strings.Join(bad, "; "))
		return
	}
	code, err := h.newCode(r)
	if err == nil {
		err = h.Stored.Create(code)
	}
	if err != nil {
		h.renderCodesPage(c, http.StatusUnprocessableEntity, r, ownerWords(h.Lang(c), err))
		return
	}
	h.Log.Info("discount code made", "code", code.Code, "by", web.Actor(c))
	c.Redirect(http.StatusSeeOther, codesDoneURL("made", code.Code))
}

// codesDoneURL is the page after a button; done is a key of CodesDone.
// codeFormLabels are the owner's words ("owner.<key>") of the code form's
// number fields (templates/codes.html), for its errors.
var codeFormLabels = map[string]string{
	"value":            "codes.value",
	"min_order":        "codes.min_order",
	"max_uses":         "codes.max_uses",
	"max_per_customer": "codes.max_per_customer",
}

func codesDoneURL(done, code string) string {
	return "/admin/codes/?" + url.Values{"done": {done}, "code": {cart.NormalizeCode(code)}}.Encode()
}

// fields splits a comma- or space-separated list.
func fields(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}
