package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// The sidecar's log must never hold a customer's name or e-mail address
// (docs/checkout.md, "Logs"). The browser journeys log the sidecar to
// sidecar.log in the artefacts folder; TestMain reads it at the end and
// fails the run on any of the journeys' customers.

// journeyCustomers are the names the browser journeys check out with.
var journeyCustomers = []string{"Ada de Vries", "Rosa Verbeek", "Bob Jansen"}

var (
	logEmail     = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
	logShopEmail = regexp.MustCompile(`^(winkel|shop|owner|noreply|no-reply)@`)
)

// customersInLog lists the log lines of path that name a customer or hold
// an e-mail address other than the shop's own. A missing log is no finding.
func customersInLog(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		var hits []string
		for _, n := range journeyCustomers {
			if strings.Contains(line, n) {
				hits = append(hits, "name "+n)
			}
		}
		for _, a := range logEmail.FindAllString(line, -1) {
			if !logShopEmail.MatchString(strings.ToLower(a)) {
				hits = append(hits, "address "+a)
			}
		}
		if len(hits) > 0 && len(out) < 20 {
			out = append(out, fmt.Sprintf("%s in %s", strings.Join(hits, ", "), line))
		}
	}
	return out
}
