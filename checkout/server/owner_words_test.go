package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAdminCodesFormSaysItsLabels: the code form's errors name the fields
// by the labels the owner sees (never value or max_uses), and a chosen kind
// with nothing off blames the value, not the kind.
func TestAdminCodesFormSaysItsLabels(t *testing.T) {
	sh := newShop(t)
	sh.adminLogin()
	csrf := csrfOf(t, sh.req(http.MethodGet, "/admin/codes/", "").body)
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"kind": {"percent"}, "value": {"abc"}}, sh.says("codes.err.number", sh.says("codes.value"), "abc")},
		{url.Values{"kind": {"amount"}, "value": {"-5"}}, sh.says("codes.err.amount", sh.says("codes.value"), "-5")},
		{url.Values{"kind": {"amount"}, "value": {"5"}, "max_uses": {"abc"}}, sh.says("codes.err.number", sh.says("codes.max_uses"), "abc")},
		{url.Values{"kind": {"amount"}, "value": {"5"}, "min_order": {"x"}}, sh.says("codes.err.amount", sh.says("codes.min_order"), "x")},
		{url.Values{"kind": {"amount"}, "value": {"0"}}, sh.says("codes.err.value_zero")},
		{url.Values{"kind": {"percent"}, "value": {"0"}}, sh.says("codes.err.value_zero")},
	} {
		tc.form.Set("csrf", csrf)
		tc.form.Set("code", "lente")
		r := sh.form("/admin/codes/", tc.form)
		m := regexp.MustCompile(`(?s)role="alert">(.*?)</p>`).FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("%v: no error: %d\n%s", tc.form, r.StatusCode, r.body)
			continue
		}
		body := html.UnescapeString(m[1])
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%v: %d, want %q in\n%s", tc.form, r.StatusCode, tc.want, body)
		}
		for _, inner := range []string{"value:", "max_uses", "min_order:", sh.says("codes.err.kind")} {
			if strings.Contains(body, inner) {
				t.Errorf("%v: the page says %q", tc.form, inner)
			}
		}
	}
}
