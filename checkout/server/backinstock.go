package server

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
	"github.com/storefront/storefront/checkout/store"
)

// backInStock queues the alerts whose SKU is available again (usecase.Orders).
func (s *Sidecar) backInStock() { s.uc.orders.BackInStock() }

// WaitingList is the answer of GET /api/admin/back-in-stock.
type WaitingList struct {
	Waiting []store.Waiting `json:"waiting"`
}

func (s *Sidecar) adminWaiting(c *gin.Context) {
	w, err := s.store.WaitingForStock()
	if err != nil {
		s.internal(c, "waiting for stock", err)
		return
	}
	ok(c, http.StatusOK, WaitingList{Waiting: w})
}

// adminRestock puts a received return back in stock (usecase.Orders.Restock,
// also the button on the owner's order page).
func (s *Sidecar) adminRestock(c *gin.Context) {
	changed, err := s.uc.orders.Restock(c.Param("id"), c.Param("code"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		fail(c, http.StatusNotFound, err.Error())
		return
	case errors.Is(err, store.ErrConflict):
		fail(c, http.StatusConflict, err.Error())
		return
	case err != nil:
		s.internal(c, "restock return", err)
		return
	}
	ok(c, http.StatusOK, gin.H{"restocked": changed})
}

func (s *Sidecar) sendBackInStock(ctx context.Context, m store.Mail) error {
	var body store.SubscribeMail
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return fmt.Errorf("back in stock mail %s: %w", m.ID, err)
	}
	cat := s.catalog.Current()
	_, sku, _ := cutTopic(body.Topic)
	title, link := body.Label, s.abs("/")
	if it, found := cat.Lookup(sku); found {
		title, link = it.Title, s.abs(it.URL)
		if it.Variant != "" {
			title += " (" + it.Variant + ")"
		}
	}
	lang := m.Lang
	if lang != "en" {
		lang = "nl"
	}
	subject, text, html, err := mail.BackInStock{Lang: lang, ShopName: cat.Shop.Name, Title: title, URL: link}.Render()
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	return s.sender.Send(sctx, mail.Message{ID: m.ID, Kind: MailKindBackInStock, To: m.To, Subject: subject, Text: text, HTML: html,
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
