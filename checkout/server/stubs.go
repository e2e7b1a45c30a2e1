package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// TODO: these handlers are wired as CORE's and PAYMENTS' packages land.
func (s *Sidecar) todo(c *gin.Context) {
	fail(c, http.StatusNotImplemented, "checkout sidecar: "+c.FullPath()+" is "+errNotReady.Error())
}

func (s *Sidecar) handleWebhook(c *gin.Context)     { s.todo(c) }
func (s *Sidecar) apiGetCart(c *gin.Context)        { s.todo(c) }
func (s *Sidecar) apiAddItem(c *gin.Context)        { s.todo(c) }
func (s *Sidecar) apiUpdateItem(c *gin.Context)     { s.todo(c) }
func (s *Sidecar) apiRemoveItem(c *gin.Context)     { s.todo(c) }
func (s *Sidecar) apiCheckout(c *gin.Context)       { s.todo(c) }
func (s *Sidecar) apiGetOrder(c *gin.Context)       { s.todo(c) }
func (s *Sidecar) apiAvailability(c *gin.Context)   { s.todo(c) }
func (s *Sidecar) adminListOrders(c *gin.Context)   { s.todo(c) }
func (s *Sidecar) adminShowOrder(c *gin.Context)    { s.todo(c) }
func (s *Sidecar) adminPack(c *gin.Context)         { s.todo(c) }
func (s *Sidecar) adminShip(c *gin.Context)         { s.todo(c) }
func (s *Sidecar) adminDeliver(c *gin.Context)      { s.todo(c) }
func (s *Sidecar) adminCancel(c *gin.Context)       { s.todo(c) }
func (s *Sidecar) adminBackup(c *gin.Context)       { s.todo(c) }
func (s *Sidecar) pageCart(c *gin.Context)          { s.todo(c) }
func (s *Sidecar) formAdd(c *gin.Context)           { s.todo(c) }
func (s *Sidecar) formUpdate(c *gin.Context)        { s.todo(c) }
func (s *Sidecar) formRemove(c *gin.Context)        { s.todo(c) }
func (s *Sidecar) pageCheckout(c *gin.Context)      { s.todo(c) }
func (s *Sidecar) formCheckout(c *gin.Context)      { s.todo(c) }
func (s *Sidecar) pageOrder(c *gin.Context)         { s.todo(c) }
func (s *Sidecar) formPayAgain(c *gin.Context)      { s.todo(c) }
func (s *Sidecar) payPage(c *gin.Context)           { s.todo(c) }
func (s *Sidecar) pageOutbox(c *gin.Context)        { s.todo(c) }
func (s *Sidecar) pageOutboxMessage(c *gin.Context) { s.todo(c) }
func (s *Sidecar) notFoundPage(c *gin.Context)      { c.String(http.StatusNotFound, "not found") }
