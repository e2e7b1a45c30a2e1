package retention

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"pgregory.net/rapid"
)

// pathPieces build the addresses a stranger may send as a form's "back"
// field, a Referer or a subscription's source: encodings of slashes and
// backslashes, schemes, hosts, line breaks.
var pathPieces = []string{"/", "//", "\\", "%5C", "%5c", "%2F", "%2f", "%252F", "%255C", "%0D%0A", "%09", "%00",
	"\r\n", "evil.example", "%5Cevil.example", "%2F%2Fevil.example", "\\evil.example", "shop.example", "http:", "https://", "javascript:", "@", "?", "#", ".", "..", "koffie", "é", "%", " "}

func pathFrom(t *rapid.T, label string) string {
	parts := rapid.SliceOfN(rapid.SampledFrom(pathPieces), 0, 8).Draw(t, label)
	return strings.Join(parts, "")
}

// sameSite reports whether a browser sent to loc from a page of
// shop.example stays there. Browsers read a backslash as a slash in an
// http(s) address, and drop tabs and line breaks from it.
func sameSite(loc string) bool {
	loc = strings.NewReplacer("\\", "/", "\t", "", "\r", "", "\n", "").Replace(loc)
	base, _ := url.Parse("https://shop.example/koffie/")
	ref, err := url.Parse(loc)
	if err != nil {
		return false
	}
	return base.ResolveReference(ref).Host == "shop.example"
}

// TestSafeSourceStaysOnSite: whatever a stranger sends, the path kept is
// empty or one that leaves the browser on the shop (no open redirect
// through the poll's "back" field or the subscription's source page) and
// carries no control characters.
func TestSafeSourceStaysOnSite(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := pathFrom(t, "src")
		out := safeSource(src)
		if out == "" {
			return
		}
		if !strings.HasPrefix(out, "/") || !sameSite(out) {
			t.Fatalf("safeSource(%q) = %q: leaves the shop", src, out)
		}
		if strings.ContainsFunc(out, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("safeSource(%q) = %q: control characters", src, out)
		}
	})
}

// TestBackToStaysOnSite: the poll's redirect after a vote goes back to a
// page of the shop, whatever the form's "back" field and the Referer say.
func TestBackToStaysOnSite(t *testing.T) {
	gin.SetMode(gin.TestMode)
	rapid.Check(t, func(t *rapid.T) {
		back, ref := pathFrom(t, "back"), pathFrom(t, "referer")
		if rapid.Bool().Draw(t, "referer is a full address") {
			ref = "https://shop.example" + ref
		}
		form := url.Values{"back": {back}}
		req := httptest.NewRequest(http.MethodPost, "https://shop.example/api/polls/p/vote", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", ref)
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = req
		if got := backTo(c, "/koffie/"); !sameSite(got) {
			t.Fatalf("back %q, Referer %q: redirected to %q", back, ref, got)
		}
	})
}
