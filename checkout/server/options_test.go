package server

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/server/web"
)

func TestOptionsValidate(t *testing.T) {
	good := Options{Catalog: "public/catalog.json", DataFile: "shop.db", BaseURL: "https://winkel.example.nl/",
		AdminToken: strings.Repeat("a", 32)}
	tests := []struct {
		name string
		mod  func(*Options)
		want string // part of the error; "" means valid
	}{
		{"good", func(*Options) {}, ""},
		{"good local test", func(o *Options) { o.BaseURL = "http://localhost:1313/"; o.MollieKey = "test_abc" }, ""},
		{"no catalog", func(o *Options) { o.Catalog = "" }, "SHOP_CATALOG"},
		{"no data", func(o *Options) { o.DataFile = "" }, "SHOP_DATA"},
		{"no base url", func(o *Options) { o.BaseURL = "" }, "SHOP_BASE_URL"},
		{"base url without scheme", func(o *Options) { o.BaseURL = "winkel.example.nl" }, "scheme"},
		{"base url ftp", func(o *Options) { o.BaseURL = "ftp://winkel.example.nl/" }, "scheme"},
		{"base url with query", func(o *Options) { o.BaseURL = "https://x.nl/?a=b" }, "query"},
		{"live key over http", func(o *Options) { o.MollieKey = "live_abc"; o.BaseURL = "http://winkel.example.nl/" }, "https"},
		{"live key on localhost", func(o *Options) { o.MollieKey = "live_abc"; o.BaseURL = "https://localhost/" }, "local"},
		{"odd key", func(o *Options) { o.MollieKey = "sk_abc" }, "test_ or live_"},
		{"short admin token", func(o *Options) { o.AdminToken = "secret" }, "at least 32"},
		{"bad smtp", func(o *Options) { o.SMTP = mail.SMTPConfig{Host: "smtp.x.nl", From: "nope"} }, "SHOP_SMTP_FROM"},
		{"negative reconcile", func(o *Options) { o.ReconcileEvery = -1 }, "negative"},
	}
	for _, tt := range tests {
		o := good
		tt.mod(&o)
		err := o.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
	// Every problem at once.
	err := Options{BaseURL: "x"}.Validate()
	for _, want := range []string{"SHOP_CATALOG", "SHOP_DATA", "scheme"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("all-wrong options: %v lacks %s", err, want)
		}
	}
}

func TestOwns(t *testing.T) {
	s := &Sidecar{opts: Options{Dev: true}, Web: &web.Web{}}
	for path, want := range map[string]bool{
		"/api/cart": true, "/cart/": true, "/cart": true, "/cart/add": true, "/checkout/": true,
		"/order/abc": true, "/pay/tr_1": true, "/outbox/": true, "/": false, "/producten/x/": false,
		"/cartoon/": false, "/apix": false, "/catalog.json": false,
	} {
		if got := s.Owns(path); got != want {
			t.Errorf("Owns(%q) = %v, want %v", path, got, want)
		}
	}
	if (&Sidecar{}).Owns("/outbox/") {
		t.Error("outbox owned outside dev mode")
	}
}
