package local

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/words"
)

// Handler serves the local provider's hosted payment page:
//
//	GET  /pay/{id}  the payment (amount, description) and a button per outcome
//	POST /pay/{id}  form status=paid|failed|canceled|expired|pending, then
//	                webhook (or OnStatusChange) and 303 to the redirect URL
//
// Mount it at /pay/ with the path intact (Gin: r.Any("/pay/:id",
// gin.WrapH(local.Handler()))). The POST must come from the same origin
// (Sec-Fetch-Site, else Origin); requests with neither header are allowed.
func (l *Local) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pay/{id}", l.servePage)
	mux.HandleFunc("HEAD /pay/{id}", l.servePage)
	mux.HandleFunc("POST /pay/{id}", l.serveChoice)
	return mux
}

// pageText holds the page's words per language.
type pageText struct {
	Title, Intro, Amount, Description, Status, Done, Back, NotFound, Forbidden, Refused string
	Badge, Provider, Choose                                                             string // says it is the test provider
	Labels                                                                              map[payment.Status]string
	StatusNames                                                                         map[payment.Status]string
}

// textsFor is the page's words in lang from the shared translation source
// (keys "pay.*" in the theme's i18n files, package words).
func textsFor(lang string) pageText {
	w := words.Section(lang, "pay.")
	t := pageText{Title: w["title"], Intro: w["intro"], Amount: w["amount"], Description: w["description"],
		Status: w["status"], Done: w["done"], Back: w["back"], NotFound: w["notfound"], Forbidden: w["forbidden"],
		Refused: w["refused"], Badge: w["badge"], Provider: w["provider"], Choose: w["choose"], Labels: map[payment.Status]string{}, StatusNames: map[payment.Status]string{}}
	for k, v := range w {
		if st, ok := strings.CutPrefix(k, "label."); ok {
			t.Labels[payment.Status(st)] = v
		} else if st, ok := strings.CutPrefix(k, "status."); ok {
			t.StatusNames[payment.Status(st)] = v
		}
	}
	return t
}

// buttonOrder is the order of the outcome buttons.
var buttonOrder = []payment.Status{payment.StatusPaid, payment.StatusPending, payment.StatusFailed, payment.StatusCanceled, payment.StatusExpired}

type pageButton struct {
	Status payment.Status
	Label  string
}

type pageData struct {
	T           pageText
	Lang        string
	Message     string
	Found       bool
	Action      string
	Amount      string
	Description string
	StatusName  string
	Final       bool
	Buttons     []pageButton
	BackURL     string
}

// templateFiles are the test payment page's templates (its words are in the
// shared translation source, keys "pay.*").
//
//go:embed templates/*.html
var templateFiles embed.FS

// pageFile is one of templateFiles.
func pageFile(name string) string {
	b, err := templateFiles.ReadFile("templates/" + name)
	if err != nil {
		panic(fmt.Sprintf("payment page template %s: %v", name, err))
	}
	return string(b)
}

var pageBody = template.Must(template.New("pay").Parse(pageFile("pay.html")))

// plainPage is the document used when LocalOptions.Page is nil.
var plainPage = template.Must(template.New("doc").Parse(pageFile("doc.html")))

// pageLang picks nl or en: the form or query "lang", else the payment's
// locale, else nl.
func pageLang(r *http.Request, locale string) string {
	for _, v := range []string{r.FormValue("lang"), r.URL.Query().Get("lang"), locale} {
		v = strings.ToLower(v)
		switch {
		case strings.HasPrefix(v, "en"):
			return "en"
		case strings.HasPrefix(v, "nl"):
			return "nl"
		}
	}
	return "nl"
}

func (l *Local) servePage(w http.ResponseWriter, r *http.Request) {
	l.render(w, r, http.StatusOK, "")
}

// render writes the page for the payment in the path, with an optional
// message, and the given HTTP status.
func (l *Local) render(w http.ResponseWriter, r *http.Request, code int, message string) {
	id := r.PathValue("id")
	rec, changed, err := l.load(id, true)
	if changed {
		l.notify(rec)
	}
	lang := "nl"
	if rec != nil {
		lang = pageLang(r, rec.Locale)
	} else {
		lang = pageLang(r, "")
	}
	t := textsFor(lang)
	d := pageData{T: t, Lang: lang, Message: message}
	switch {
	case errors.Is(err, payment.ErrNotFound):
		code, d.Message = http.StatusNotFound, t.NotFound
	case err != nil:
		l.opts.Logger.Error("local payment page", "payment", id, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	default:
		p := rec.Payment
		d.Found = true
		d.Action = r.URL.Path // where the handler is mounted, prefix included
		d.Amount = money.Display(p.Amount, p.Currency, lang)
		d.Description = p.Description
		d.StatusName = t.StatusNames[p.Status]
		d.Final = p.Status.Final()
		d.BackURL = rec.RedirectURL
		for _, s := range buttonOrder {
			if payment.CanTransition(p.Status, s) {
				d.Buttons = append(d.Buttons, pageButton{Status: s, Label: t.Labels[s]})
			}
		}
	}
	var body bytes.Buffer
	if err := pageBody.Execute(&body, d); err != nil {
		l.opts.Logger.Error("local payment page", "payment", id, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	var doc []byte
	if l.opts.Page != nil {
		doc = l.opts.Page(r, lang, t.Title, body.String())
	} else {
		var b bytes.Buffer
		err := plainPage.Execute(&b, struct {
			Lang, Title string
			Body        template.HTML
		}{lang, t.Title, template.HTML(body.String())})
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		doc = b.Bytes()
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(doc)
	}
}

func (l *Local) serveChoice(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if !l.sameOrigin(r) {
		l.render(w, r, http.StatusForbidden, textsFor(pageLang(r, "")).Forbidden)
		return
	}
	id := r.PathValue("id")
	status := payment.Status(r.PostFormValue("status"))
	p, err := l.SetStatus(r.Context(), id, status)
	switch {
	case errors.Is(err, payment.ErrNotFound):
		l.render(w, r, http.StatusNotFound, "")
		return
	case errors.Is(err, payment.ErrFinal), errors.Is(err, payment.ErrInvalid):
		l.render(w, r, http.StatusConflict, textsFor(pageLang(r, "")).Refused)
		return
	case err != nil:
		l.opts.Logger.Error("local payment choice", "payment", id, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	rec, _, err := l.load(p.ID, false)
	if err != nil || rec.RedirectURL == "" {
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, rec.RedirectURL, http.StatusSeeOther)
}

// sameOrigin accepts a POST whose Sec-Fetch-Site is same-origin, or (when
// that header is absent) whose Origin is the site's own or the request's
// host. Requests with neither header (not from a browser) are allowed.
func (l *Local) sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == l.base.Scheme && u.Host == l.base.Host {
		return true
	}
	return u.Host == r.Host
}
