package sendcloudfake

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

// The fake's PDFs must be well-formed: every xref offset points at its
// object, startxref at the table, the page count is right.
func TestPDFPagesWellFormed(t *testing.T) {
	for _, n := range []int{1, 3} {
		pages := make([][]string, n)
		for i := range pages {
			pages[i] = []string{fmt.Sprintf("page %d", i+1), "Café (Utrecht) \\ ok"}
		}
		pdf := PDFPages("A4", pages)
		m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
		if m == nil {
			t.Fatal("no startxref at the end")
		}
		x, _ := strconv.Atoi(string(m[1]))
		if !bytes.HasPrefix(pdf[x:], []byte("xref\n0 ")) {
			t.Fatalf("startxref %d does not point at the xref table", x)
		}
		offs := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[x:], -1)
		for i, o := range offs {
			at, _ := strconv.Atoi(string(o[1]))
			if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(pdf[at:], []byte(want)) {
				t.Fatalf("object %d is not at %d", i+1, at)
			}
		}
		if !bytes.Contains(pdf, []byte(fmt.Sprintf("/Count %d", n))) || !bytes.Contains(pdf, []byte("/MediaBox [0 0 595.28 841.89]")) {
			t.Fatalf("pages or size wrong:\n%s", pdf)
		}
		if !bytes.Contains(pdf, []byte(`Caf\351 \(Utrecht\) \\ ok`)) {
			t.Fatalf("text not escaped for PDF:\n%s", pdf)
		}
	}
}
