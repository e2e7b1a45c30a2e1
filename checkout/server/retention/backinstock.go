package retention

// Back-in-stock alerts (issue 14): a stranger asks through the same form,
// endpoint, rate limit and double opt-in as other subscriptions (topic
// stock:<SKU>, subscribe.go); here the alerts are sent when the SKU can be
// bought again, the owner sees who waits for what, and puts a returned
// item back in stock.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/store"
	"github.com/storefront/storefront/checkout/usecase"
)

// BackInStock is the HTTP side of back-in-stock alerts: the owner's
// waiting list, restocking a return, and the alert e-mail.
type BackInStock struct {
	*web.Web
	Orders  usecase.Orders
	Waiting func() ([]store.Waiting, error)           // store.Stock.WaitingForStock
	Send    func(context.Context, mail.Message) error // Sidecar.sendMail
}

// BackInStock queues the alerts whose SKU is available again (usecase.Orders).
func (h *BackInStock) BackInStock() { h.Orders.BackInStock() }

// WaitingList is the answer of GET /api/admin/back-in-stock.
type WaitingList struct {
	Waiting []store.Waiting `json:"waiting"`
}

func (h *BackInStock) AdminWaiting(c *gin.Context) {
	w, err := h.Waiting()
	if err != nil {
		h.Internal(c, "waiting for stock", err)
		return
	}
	web.OK(c, http.StatusOK, WaitingList{Waiting: w})
}

// AdminRestock puts a received return back in stock (usecase.Orders.Restock,
// also the button on the owner's order page).
func (h *BackInStock) AdminRestock(c *gin.Context) {
	changed, err := h.Orders.Restock(c.Param("id"), c.Param("code"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		web.Fail(c, http.StatusNotFound, err.Error())
		return
	case errors.Is(err, store.ErrConflict):
		web.Fail(c, http.StatusConflict, err.Error())
		return
	case err != nil:
		h.Internal(c, "restock return", err)
		return
	}
	web.OK(c, http.StatusOK, gin.H{"restocked": changed})
}

func (h *BackInStock) SendBackInStock(ctx context.Context, m store.Mail) error {
	var body store.SubscribeMail
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return fmt.Errorf("back in stock mail %s: %w", m.ID, err)
	}
	cat := h.Catalog.Current()
	_, sku, _ := cutTopic(body.Topic)
	lang := m.Lang
	if lang != "en" {
		lang = "nl"
	}
	title, link := body.Label, h.Abs(h.Home(lang))
	if it, found := cat.Lookup(sku); found {
		title, link = it.Name(lang), h.Abs(it.Link(lang))
		if v := it.VariantName(lang); v != "" {
			title += " (" + v + ")"
		}
	}
	subject, text, html, err := mail.BackInStock{Lang: lang, ShopName: cat.Shop.Name, Title: title, URL: link}.Render()
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return h.Send(sctx, mail.Message{ID: m.ID, Kind: MailKindBackInStock, To: m.To, Subject: subject, Text: text, HTML: html,
		Created: m.CreatedAt, ReplyTo: cat.Shop.Email})
}

// MailKindBackInStock names the alert e-mail in the outbox.
const MailKindBackInStock = store.MailBackInStock

func cutTopic(t string) (kind, key string, ok bool) {
	for i := 0; i < len(t); i++ {
		if t[i] == ':' {
			return t[:i], t[i+1:], true
		}
	}
	return "", t, false
}
