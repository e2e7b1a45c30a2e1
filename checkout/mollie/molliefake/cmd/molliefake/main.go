// Command molliefake serves the fake Mollie API over HTTPS on 127.0.0.1
// (a throwaway certificate authority) until interrupted, for running the
// official client's fidelity script by hand:
//
//	go run ./checkout/mollie/molliefake/cmd/molliefake -ca /tmp/molliefake.pem
//	# then, with the printed values:
//	cd checkout/mollie/fidelity && MOLLIE_API_KEY=... MOLLIE_API_ENDPOINT=... \
//	  NODE_EXTRA_CA_CERTS=/tmp/molliefake.pem node fidelity.js
//
// Its clock is the real one; every second it does what Mollie does in the
// background (expiry, webhook calls and their retries, refunds moving on).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/mollie/molliefake"
)

func main() {
	caFile := flag.String("ca", "molliefake-ca.pem", "where to write the certificate authority to trust (PEM)")
	refuse := flag.String("refuse-cancel", "ideal", "comma-separated payment methods whose open payments are not cancelable")
	flag.Parse()
	f, ca, err := molliefake.NewTLS()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if *refuse != "" {
		f.RefuseCancel(strings.Split(*refuse, ",")...)
	}
	if err := os.WriteFile(*caFile, ca, 0o600); err != nil {
		log.Fatalf("write %s: %v", *caFile, err)
	}
	fmt.Printf("MOLLIE_API_ENDPOINT=%s\nMOLLIE_API_KEY=%s\nNODE_EXTRA_CA_CERTS=%s\n", f.BaseURL(), f.APIKey, *caFile)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			f.Tick()
		}
	}
}
