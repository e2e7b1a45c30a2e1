package server

import (
	"embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// scripts are the sidecar pages' own scripts (the checkout's quote, the
// pick-up point chooser, the cart's code box), each loaded only by the page
// that needs it, so the site's shop.js (on every page, within its 14 KB
// budget) does not carry them.
//
//go:embed scripts/*.js
var scripts embed.FS

// script serves scripts/name; a missing file is a programming error, found
// when the route table is built.
func (s *Sidecar) script(name string) gin.HandlerFunc {
	js, err := scripts.ReadFile("scripts/" + name)
	if err != nil {
		panic("server: no script " + name)
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", js)
	}
}
