// Package shipping is the HTTP side of labels, tracking and pick-up points
// (docs/carriers.md): the owner's labels (API and page), Sendcloud's
// webhook and the checkout's pick-up points, which customers use too. What
// they do is checkout/usecase/carrier.go, the periodic parcel check
// checkout/worker; checkout/server opens the carrier and wires this.
package shipping

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/catalog"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/sendcloud"
	"github.com/storefront/storefront/checkout/server/view"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
	"github.com/storefront/storefront/checkout/wire"
)

const (
	maxLabelBatch = usecase.MaxLabelBatch
	webhookMaxAge = 72 * time.Hour // Sendcloud retries for about ten hours; older is a replay
)

// Carrier is the HTTP side of the carrier: labels for the owner (API
// and page), Sendcloud's webhook, the parcel check, and the pick-up points
// of the checkout.
type Carrier struct {
	*web.Web
	UC     *usecase.Carrier
	Secret string // webhook signature key; "" with the manual carrier
}

// labelStatus maps a label error to an HTTP status and words for the owner.
func labelStatus(err error) (int, string) {
	switch {
	case errors.Is(err, usecase.ErrNotFound):
		return http.StatusNotFound, "no such order"
	case errors.Is(err, usecase.ErrNotShippable), errors.Is(err, order.ErrTransition):
		return http.StatusConflict, err.Error()
	case errors.Is(err, carrier.ErrNotSupported):
		return http.StatusConflict, err.Error()
	case errors.Is(err, sendcloud.ErrInvalidAddress):
		return http.StatusUnprocessableEntity, "the carrier refused the address; correct it with the customer and try again: " + err.Error()
	case errors.Is(err, sendcloud.ErrUnauthorized):
		return http.StatusBadGateway, sendcloud.ErrUnauthorized.Error() + " (" + err.Error() + ")"
	case errors.Is(err, sendcloud.ErrTimeout), errors.Is(err, sendcloud.ErrServer):
		return http.StatusBadGateway, "the carrier did not answer; try again (no second parcel is made): " + err.Error()
	}
	return http.StatusBadGateway, err.Error()
}

// labelWords is labelStatus's words only (a batch's row errors).
func labelWords(err error) string { _, msg := labelStatus(err); return msg }

// APICreateLabel is POST /api/admin/orders/{id}/label.
func (h *Carrier) APICreateLabel(c *gin.Context) {
	_, res, err := h.UC.CreateLabel(c.Request.Context(), c.Param("id"), web.Actor(c))
	if err != nil {
		st, msg := labelStatus(err)
		web.Fail(c, st, "label for "+c.Param("id")+": "+msg)
		return
	}
	web.OK(c, http.StatusOK, res)
}

// APILabelPDF is GET .../orders/{id}/label?size=A6|A4: the label PDF.
func (h *Carrier) APILabelPDF(c *gin.Context) {
	paper, good := carrier.ParsePaper(c.Query("size"))
	if !good {
		web.Fail(c, http.StatusBadRequest, "size must be A6 (label printer) or A4 (normal printer)")
		return
	}
	o, pdf, err := h.UC.Label(c.Request.Context(), c.Param("id"), paper)
	switch {
	case errors.Is(err, usecase.ErrNotFound):
		web.Fail(c, http.StatusNotFound, "no order "+c.Param("id"))
		return
	case errors.Is(err, usecase.ErrNoLabel):
		web.Fail(c, http.StatusNotFound, "order "+o.ID+" has no label yet; create it first")
		return
	case err != nil:
		st, msg := labelStatus(err)
		web.Fail(c, st, "label of "+o.ID+": "+msg)
		return
	}
	c.Header("Content-Disposition", `inline; filename="label-`+o.ID+`-`+string(paper)+`.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// APICreateLabels is POST /api/admin/labels {"orders": [...]} (empty: all to ship).
func (h *Carrier) APICreateLabels(c *gin.Context) {
	var req struct {
		Orders []string `json:"orders"`
	}
	if c.Request.ContentLength != 0 && !web.DecodeJSON(c, &req) {
		return
	}
	if len(req.Orders) > maxLabelBatch {
		web.Fail(c, http.StatusBadRequest, fmt.Sprintf("at most %d orders at once", maxLabelBatch))
		return
	}
	res, err := h.UC.LabelBatch(c.Request.Context(), req.Orders, web.Actor(c), labelWords)
	if err != nil {
		h.Internal(c, "labels", err)
		return
	}
	web.OK(c, http.StatusOK, map[string]any{"labels": res})
}

// PageLabels is GET /admin/labels: today's labels, with a button to make
// the missing ones.
func (h *Carrier) PageLabels(c *gin.Context) {
	rows, err := h.UC.LabelRows(nil)
	if err != nil {
		h.InternalPage(c, "labels", err)
		return
	}
	h.renderLabels(c, http.StatusOK, rows, "")
}

func (h *Carrier) renderLabels(c *gin.Context, status int, rows []wire.LabelResult, notice string) {
	today, err := h.UC.TodaysParcels()
	if err != nil {
		h.InternalPage(c, "labels", err)
		return
	}
	var pages []int
	if h.UC.MultiLabels() {
		for i := 0; i*carrier.MaxLabelsPerPDF < len(today); i++ {
			pages = append(pages, i+1)
		}
	}
	h.Page(c, status, "admin-labels", web.OwnerT(h.Lang(c), "labels.title"), map[string]any{"CSRF": c.GetString("csrf"), "Rows": rows,
		"Manual": h.UC.Manual(), "Notice": notice, "Carrier": h.UC.Name(), "Today": len(today), "Pages": pages})
}

// LabelsPDF is GET /admin/labels.pdf?size=A6|A4&page=N (and under
// /api/admin/): today's labels in one PDF, MaxLabelsPerPDF a page of
// the list.
func (h *Carrier) LabelsPDF(c *gin.Context) {
	paper, good := carrier.ParsePaper(c.Query("size"))
	if !good {
		web.Fail(c, http.StatusBadRequest, "size must be A6 (label printer) or A4 (normal printer)")
		return
	}
	page := 1
	if p := c.Query("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1000 {
			web.Fail(c, http.StatusBadRequest, "page must be a number from 1")
			return
		}
		page = n
	}
	if !h.UC.MultiLabels() {
		web.Fail(c, http.StatusConflict, "the "+h.UC.Name()+" carrier makes no labels")
		return
	}
	orders, err := h.UC.TodaysParcels()
	if err != nil {
		h.Internal(c, "labels", err)
		return
	}
	pdf, err := h.UC.LabelsPDF(c.Request.Context(), orders, page, paper)
	switch {
	case errors.Is(err, usecase.ErrNoPage):
		web.Fail(c, http.StatusNotFound, strings.TrimPrefix(err.Error(), usecase.ErrNoPage.Error()+": "))
		return
	case err != nil:
		st, msg := labelStatus(err)
		web.Fail(c, st, "today's labels: "+msg)
		return
	}
	name := "labels-" + h.Now().In(h.Zone()).Format("2006-01-02") + "-" + string(paper)
	if page > 1 {
		name += "-" + strconv.Itoa(page)
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// FormLabels is POST /admin/labels: make the labels of every order to ship.
func (h *Carrier) FormLabels(c *gin.Context) {
	res, err := h.UC.LabelBatch(c.Request.Context(), nil, web.Actor(c), labelWords)
	if err != nil {
		h.InternalPage(c, "labels", err)
		return
	}
	made := 0
	for _, r := range res {
		if r.Error == "" {
			made++
		}
	}
	rows, err := h.UC.LabelRows(res)
	if err != nil {
		h.InternalPage(c, "labels", err)
		return
	}
	h.renderLabels(c, http.StatusOK, rows, web.OwnerT(h.Lang(c), "labels.made", made, len(res)-made))
}

// AdminLabelAction is the owner's order page's "Create label" button, by
// the owner's page (by); it returns a code of web.AdminNotices.
func (h *Carrier) AdminLabelAction(ctx context.Context, id, lang, by string) (string, error) {
	_, _, err := h.UC.CreateLabel(ctx, id, by)
	if err != nil {
		return "", errors.New(web.OwnerT(lang, "labels.not_created", labelWords(err)))
	}
	return "label", nil
}

// SendcloudWebhook is POST /api/webhooks/sendcloud: a parcel status
// change, signed with Sendcloud-Signature (HMAC-SHA256 of the raw body).
func (h *Carrier) SendcloudWebhook(c *gin.Context) {
	if h.Secret == "" {
		web.Fail(c, http.StatusNotFound, "no carrier webhook is configured")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		web.Fail(c, http.StatusRequestEntityTooLarge, "webhook body too large or unreadable")
		return
	}
	if !sendcloud.VerifySignature(body, c.GetHeader("Sendcloud-Signature"), h.Secret) {
		h.Log.Warn("sendcloud webhook with a bad signature", "remote", c.ClientIP())
		web.Fail(c, http.StatusUnauthorized, "bad Sendcloud-Signature")
		return
	}
	wh, err := sendcloud.ParseWebhook(body)
	if err != nil {
		web.Fail(c, http.StatusBadRequest, "webhook body is not Sendcloud's JSON")
		return
	}
	if wh.Timestamp != 0 && h.Now().Sub(time.UnixMilli(wh.Timestamp)) > webhookMaxAge {
		web.Fail(c, http.StatusBadRequest, "webhook too old (replayed?)")
		return
	}
	delivered, at := wh.Delivered()
	if !delivered || wh.Parcel.OrderNumber == "" {
		c.Status(http.StatusOK) // other statuses: nothing to do
		return
	}
	_, err = h.UC.DeliverParcel(wh.Parcel.OrderNumber, strconv.FormatInt(wh.Parcel.ID, 10), at, wh.Timestamp, "carrier")
	if errors.Is(err, usecase.ErrNotFound) {
		c.Status(http.StatusOK) // not our order
		return
	}
	if err != nil {
		h.Log.Error("sendcloud webhook", "order", wh.Parcel.OrderNumber, "err", err)
		web.Fail(c, http.StatusServiceUnavailable, "could not record the delivery; retry later")
		return
	}
	c.Status(http.StatusOK)
}

// APICheckParcels is POST /api/admin/parcels/check: the periodic check, now.
func (h *Carrier) APICheckParcels(c *gin.Context) {
	n, err := h.UC.CheckParcels(c.Request.Context())
	res := map[string]any{"delivered": n}
	if err != nil {
		res["errors"] = err.Error()
	}
	web.OK(c, http.StatusOK, res)
}

// APIPickupPoints is GET /api/pickup-points?method=&country=&postcode=.
func (h *Carrier) APIPickupPoints(c *gin.Context) {
	lang := h.Lang(c)
	m, found := h.Catalog.Current().Method(c.Query("method"))
	if !found || !m.PickupPoints {
		web.Fail(c, http.StatusBadRequest, "method must be a pick-up point shipping method")
		return
	}
	country := strings.ToUpper(c.DefaultQuery("country", h.Catalog.Current().Shop.Country))
	if !m.Ships(country) {
		web.Fail(c, http.StatusBadRequest, "this method does not deliver in "+country)
		return
	}
	pts, err := h.UC.PickupPoints(c.Request.Context(), m, country, c.Query("postcode"))
	switch {
	case errors.Is(err, usecase.ErrBadPostcode):
		web.Fail(c, http.StatusBadRequest, web.T(lang, "pickup.bad_postcode"))
		return
	case err != nil:
		h.Log.Warn("pick-up points", "err", err)
		web.Fail(c, http.StatusBadGateway, web.T(lang, "pickup.unavailable"))
		return
	}
	web.OK(c, http.StatusOK, map[string]any{"points": pts})
}

// OfferPickup fills the field for the form: the points near the postcode
// asked (or the address's), the chosen one kept.
func (h *Carrier) OfferPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) view.PickupOffer {
	var ids []string
	for _, m := range cat.Shipping.Methods {
		if m.PickupPoints {
			ids = append(ids, m.ID)
		}
	}
	p := view.PickupOffer{Show: len(ids) > 0, Methods: strings.Join(ids, ","), Postcode: f.PickupPostcode, Chosen: f.PickupPoint}
	m, found := cat.Method(f.ShippingMethod)
	if !found || !m.PickupPoints {
		return p
	}
	p.Active = true
	if p.Postcode == "" {
		p.Postcode = f.PostalCode
	}
	if p.Postcode == "" {
		return p
	}
	pts, err := h.UC.PickupPoints(ctx, m, f.Country, p.Postcode)
	switch {
	case errors.Is(err, usecase.ErrBadPostcode):
		p.Message = web.T(lang, "pickup.bad_postcode")
	case err != nil:
		h.Log.Warn("pick-up points", "err", err)
		p.Message = web.T(lang, "pickup.unavailable")
	case len(pts) == 0:
		p.Message = web.T(lang, "pickup.none")
	}
	p.Points = pts
	return p
}

// CheckPickup checks the chosen point of a pick-up point method against
// the carrier's list for the postcode searched; it returns the point, or a
// message for the field.
func (h *Carrier) CheckPickup(ctx context.Context, f view.CheckoutForm, cat *catalog.Catalog, lang string) (*carrier.PickupPoint, string) {
	m, found := cat.Method(f.ShippingMethod)
	if !found || !m.PickupPoints {
		return nil, ""
	}
	if f.PickupPoint == "" {
		return nil, web.T(lang, "pickup.choose")
	}
	pc := f.PickupPostcode
	if pc == "" {
		pc = f.PostalCode
	}
	pts, err := h.UC.PickupPoints(ctx, m, f.Country, pc)
	if err != nil {
		return nil, web.T(lang, "pickup.unavailable")
	}
	for _, p := range pts {
		if p.ID == f.PickupPoint {
			return &p, ""
		}
	}
	return nil, web.T(lang, "pickup.choose")
}

func km(m int) string {
	if m <= 0 {
		return ""
	}
	if m < 1000 {
		return strconv.Itoa(m) + " m"
	}
	return strconv.FormatFloat(float64(m)/1000, 'f', 1, 64) + " km"
}

// carrierFuncs are the functions of templates/carrier.html.
var carrierFuncs = template.FuncMap{"km": km}

// The page templates use these functions (web.AddFuncs).
func init() { web.AddFuncs(carrierFuncs) }
