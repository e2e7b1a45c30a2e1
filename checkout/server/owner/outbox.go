package owner

import (
	"cmp"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/web"
)

// Outbox shows the e-mails written to the outbox directory (shop serve).
type Outbox struct {
	*web.Web
	Dir string // the outbox, or "" when mail goes out through SMTP
}

// PageOutbox lists the e-mails written to the outbox (shop serve only).
func (h *Outbox) PageOutbox(c *gin.Context) {
	if h.Dir == "" {
		h.Page(c, http.StatusOK, "message", "Outbox", map[string]string{"Lang": h.Lang(c), "Title": "Outbox",
			"Text": "E-mail goes out through SMTP; there is no outbox.", "Home": "/"})
		return
	}
	entries, err := mail.List(h.Dir)
	if err != nil {
		h.InternalPage(c, "list outbox", err)
		return
	}
	h.Page(c, http.StatusOK, "outbox", "Outbox", map[string]any{"Dir": h.Dir, "Entries": entries})
}

// PageOutboxMessage shows one e-mail: its text, its HTML in a sandboxed
// frame, or the raw .eml with ?raw=1.
func (h *Outbox) PageOutboxMessage(c *gin.Context) {
	name := c.Param("name")
	if h.Dir == "" || name != filepath.Base(name) || !strings.HasSuffix(name, ".eml") || strings.HasPrefix(name, ".") {
		h.NotFoundPage(c)
		return
	}
	path := filepath.Join(h.Dir, name)
	raw, err := os.ReadFile(path)
	if err != nil {
		h.NotFoundPage(c)
		return
	}
	if c.Query("raw") != "" {
		c.Data(http.StatusOK, "text/plain; charset=utf-8", raw)
		return
	}
	msg, err := netmail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		h.InternalPage(c, "read outbox message", err)
		return
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	to, _ := dec.DecodeHeader(msg.Header.Get("To"))
	d := map[string]string{"Name": name, "Subject": subject, "To": to, "Date": msg.Header.Get("Date")}
	d["Text"], d["HTML"] = Bodies(msg)
	h.Page(c, http.StatusOK, "outbox-message", subject, d)
}

// Bodies returns the decoded text and HTML parts of a message (the
// sidecar's tests read the outbox with it too).
func Bodies(msg *netmail.Message) (text, html string) {
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(web.DecodePart(msg.Header.Get("Content-Transfer-Encoding"), msg.Body))
		return string(b), ""
	}
	return multipartBodies(msg.Body, params["boundary"])
}

// multipartBodies finds the text and HTML parts, also inside a nested
// multipart (multipart/mixed around the alternatives when a file is attached).
func multipartBodies(r io.Reader, boundary string) (text, html string) {
	mr := multipart.NewReader(r, boundary)
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return text, html
		}
		ct, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(ct, "multipart/") {
			t, h := multipartBodies(p, params["boundary"])
			text, html = cmp.Or(text, t), cmp.Or(html, h)
			continue
		}
		if strings.HasPrefix(p.Header.Get("Content-Disposition"), "attachment") {
			continue
		}
		b, _ := io.ReadAll(web.DecodePart(p.Header.Get("Content-Transfer-Encoding"), p))
		switch ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
}
