package owner

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

// The shop's paper: a packing slip per order (items, gift note, the
// thank-you line from data/shop.toml) and a pick list of every paid order
// not yet packed. Both are for the owner only: the admin page's session or
// the admin API's bearer token.

// Packing is the HTTP side of the shop's paper: packing slips and the
// pick list.
type Packing struct {
	*web.Web
	Orders usecase.Orders
}

type packingSlip struct {
	Lang, Shop, ThankYou, Number, Date string
	Name                               string
	Address                            []string
	Lines                              []order.Line
	ByEmail                            []order.Line // gift cards: in the totals, not in the parcel
	GiftNote                           string
	PickupPoint                        string // a pick-up point method's point (usecase.MetaPickupText)
	ReturnNote                         string
	CSRF                               string
	T                                  cart.Totals // the order's totals, as charged (the "totals" template)
}

// PagePackingSlip is GET /admin/orders/{id}/packing-slip (and the same
// under /api/admin/ for the CLI): printable HTML in the customer's language.
func (h *Packing) PagePackingSlip(c *gin.Context) {
	o, err := h.Orders.Get(c.Param("id"))
	if err != nil {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			web.Fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		} else {
			h.AdminMessage(c, http.StatusNotFound, web.OwnerT(h.Lang(c), "err.no_order", c.Param("id")))
		}
		return
	}
	lang := o.Lang
	if lang != "en" {
		lang = "nl"
	}
	c.Set("lang", lang)
	cat := h.Catalog.Current()
	p := h.Policy()
	d := packingSlip{Lang: lang, Shop: cat.Shop.Name, ThankYou: cat.Shop.ThankYou(lang), Number: o.ID,
		Date: view.DayText(o.CreatedAt.In(h.Zone()), lang), Name: o.Customer.Name,
		Address: []string{o.Customer.Name, o.Customer.Street, o.Customer.PostalCode + " " + o.Customer.City, web.CountryName(lang, o.Customer.Country)},
		Lines:   view.ShippedLines(o), ByEmail: view.EmailedLines(o), GiftNote: o.GiftNote, T: o.Totals, PickupPoint: o.Meta[usecase.MetaPickupText],
		ReturnNote: strings.Replace(web.T(lang, "slip.returns"), "%d", strconv.Itoa(p.WindowDays), 1), CSRF: c.GetString("csrf")}
	h.Page(c, http.StatusOK, "packing-slip", web.T(lang, "slip.title")+" "+o.ID, d)
}

func (h *Packing) pickList() (wire.PickList, error) {
	orders, err := h.Orders.List([]order.State{order.Paid}, 0)
	if err != nil {
		return wire.PickList{}, err
	}
	slices.SortStableFunc(orders, func(a, b *order.Order) int {
		if c := a.PaidAt.Compare(b.PaidAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID) // numbers grow with time
	})
	pl := wire.PickList{Orders: []wire.PickOrder{}, Lines: []wire.PickLine{}}
	idx := map[string]int{}
	cat, lang := h.Catalog.Current(), h.OwnerLang()
	for _, o := range orders {
		o = inOwnerLanguage(o, cat, lang) // one name per SKU, the owner's, whoever ordered it
		po := wire.PickOrder{ID: o.ID, PaidAt: o.PaidAt, Customer: o.Customer.Name, GiftNote: o.GiftNote != ""}
		if len(view.ShippedLines(o)) == 0 {
			continue // gift cards only: they go by e-mail, nothing to pick (the gift cards)
		}
		for _, l := range view.ShippedLines(o) {
			po.Units += l.Quantity
			po.Lines = append(po.Lines, strconv.Itoa(l.Quantity)+" × "+strings.TrimSpace(l.Title+" "+l.Variant))
			i, seen := idx[l.SKU]
			if !seen {
				i = len(pl.Lines)
				idx[l.SKU] = i
				pl.Lines = append(pl.Lines, wire.PickLine{SKU: l.SKU, Title: l.Title, Variant: l.Variant})
			}
			pl.Lines[i].Quantity += l.Quantity
			pl.Lines[i].Orders = append(pl.Lines[i].Orders, o.ID)
		}
		pl.Orders = append(pl.Orders, po)
	}
	slices.SortStableFunc(pl.Lines, func(a, b wire.PickLine) int { return strings.Compare(a.SKU, b.SKU) })
	return pl, nil
}

// APIPickList is GET /api/admin/pick-list.
func (h *Packing) APIPickList(c *gin.Context) {
	pl, err := h.pickList()
	if err != nil {
		h.Internal(c, "pick list", err)
		return
	}
	web.OK(c, http.StatusOK, pl)
}

// PagePickList is GET /admin/pick-list: printable.
func (h *Packing) PagePickList(c *gin.Context) {
	pl, err := h.pickList()
	if err != nil {
		h.InternalPage(c, "pick list", err)
		return
	}
	zone := h.Zone()
	type row struct {
		wire.PickOrder
		Paid string
	}
	var rows []row
	for _, o := range pl.Orders {
		rows = append(rows, row{PickOrder: o, Paid: o.PaidAt.In(zone).Format("2006-01-02 15:04")})
	}
	h.Page(c, http.StatusOK, "pick-list", web.OwnerT(h.Lang(c), "pick.title"), map[string]any{"L": pl, "Rows": rows, "CSRF": c.GetString("csrf"),
		"Date": h.Now().In(zone).Format("2006-01-02 15:04")})
}
