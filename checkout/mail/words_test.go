package mail

import (
	"os"
	"regexp"
	"testing"

	"github.com/storefront/storefront/checkout/words"
)

// TestEveryMailWordIsInDutchAndEnglish fails on a word an e-mail uses
// (w["key"] in Go, .W.key or index .W "key" in its templates) that the
// translation source lacks in nl or en under the e-mail's section.
func TestEveryMailWordIsInDutchAndEnglish(t *testing.T) {
	sections := map[string]string{
		"render.go": mailWords, "return_mail.go": afterWords, "loyalty_mail.go": pointsWords,
		"review_mail.go": reviewWords, "subscribe_mail.go": subWords,
		"templates/order.txt": mailWords, "templates/order.html": mailWords,
		"templates/after-sale.txt": afterWords, "templates/after-sale.html": afterWords,
		"templates/points.txt": pointsWords, "templates/points.html": pointsWords,
		"templates/review.txt": reviewWords, "templates/review.html": reviewWords,
		"templates/subscribe-confirm.txt": subWords, "templates/subscribe-confirm.html": subWords,
		"templates/digest.txt": subWords, "templates/digest.html": subWords,
	}
	key := regexp.MustCompile(`\bw\["([A-Za-z0-9_.]+)"\]|\.W\.([A-Za-z0-9_]+)|index \.W "([A-Za-z0-9_.]+)"`)
	seen := 0
	for file, section := range sections {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2] + m[3]
			seen++
			for _, lang := range []string{"nl", "en"} {
				if _, ok := words.Embedded()[lang][section+k]; !ok {
					t.Errorf("%s: %s%s is missing in i18n/%s.toml", file, section, k, lang)
				}
			}
		}
	}
	if seen < 30 {
		t.Errorf("only %d words found: the pattern no longer matches how e-mails name them", seen)
	}
}
