package server

import (
	"github.com/gin-gonic/gin"
)

// shopLang makes the shop's default language the language of the request
// (web.lang); routes.go puts it on the owner's page group and the login form.
func (h *ownerPages) shopLang() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set("lang", h.OwnerLang())
		c.Next()
	}
}
