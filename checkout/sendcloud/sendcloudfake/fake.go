// Package sendcloudfake is a local HTTP server that speaks the parts of
// Sendcloud's v3 API the shop uses, written from the public docs
// (https://sendcloud.dev/api/v3/), for tests and offline demos:
//
//   - POST /api/v3/shipments/announce: creates a shipment with one parcel,
//     a tracking number and URL; 422 with a JSON:API error (source pointer)
//     for an address it cannot ship to; like the real service it does NOT
//     deduplicate, so a client that retries blindly makes two parcels (the
//     test sees it in Shipments).
//   - GET /api/v3/shipments?order_number=: the shipments of an order.
//   - GET /api/v3/parcels/{id}/documents/label?paper_size=A6|A4: a PDF.
//   - GET /api/v3/parcels/tracking/{tracking_number}: parent status and events.
//   - GET /api/v3/service-points: points near a postcode, with distances.
//   - 401 without the right Basic credentials.
//   - Faults per route (status, delay, lost answers) and webhooks signed
//     with Sendcloud-Signature when the test moves a parcel's status.
//
// It shares no code with package sendcloud's client on purpose.
package sendcloudfake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default credentials New accepts.
const (
	PublicKey = "fake-public-key"
	SecretKey = "fake-secret-key"
)

// Route names an endpoint for faults and counters.
type Route string

const (
	Announce      Route = "POST /shipments/announce"
	ListShipments Route = "GET /shipments"
	Label         Route = "GET /parcels/{id}/documents/label"
	Tracking      Route = "GET /parcels/tracking/{tn}"
	ServicePoints Route = "GET /service-points"
	Labels        Route = "GET /parcel-documents/label"
)

// Fault is a misbehaviour for the next Times calls of a route.
type Fault struct {
	Status        int           // answer with this status and an error body
	Delay         time.Duration // wait before answering (a timeout when longer than the client's)
	AfterHandling bool          // do the work first, then misbehave: the answer is lost
	Times         int           // 0 means 1
}

// Parcel is the fake's record of a parcel.
type Parcel struct {
	ID             int64
	ShipmentID     string
	OrderNumber    string
	TrackingNumber string
	Name, Street   string
	HouseNumber    string
	PostalCode     string
	City, Country  string
	ServicePoint   string
	Option         string
	Status         string // parent status: "announced", "en_route", "delivered"
	StatusID       int    // v2-style status id in webhooks (11 delivered)
	DeliveredAt    time.Time
	LabelNotes     []string
}

// Fake is the server.
type Fake struct {
	srv *httptest.Server

	// WebhookURL receives parcel_status_changed webhooks; WebhookSecret signs them.
	WebhookURL    string
	WebhookSecret string

	mu      sync.Mutex
	parcels []*Parcel
	faults  map[Route][]Fault
	calls   map[Route]int
	nextID  int64
	Now     func() time.Time
	public  string
	secret  string
}

// New starts a fake on 127.0.0.1.
func New() *Fake {
	f := &Fake{faults: map[Route][]Fault{}, calls: map[Route]int{}, nextID: 1000, Now: time.Now,
		public: PublicKey, secret: SecretKey, WebhookSecret: SecretKey}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// BaseURL is the v3 root to give the client.
func (f *Fake) BaseURL() string { return f.srv.URL + "/api/v3/" }

// Fail queues a fault for route.
func (f *Fake) Fail(r Route, ft Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := max(ft.Times, 1)
	for range n {
		f.faults[r] = append(f.faults[r], ft)
	}
}

// Calls is how often route was called.
func (f *Fake) Calls(r Route) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[r]
}

// Shipments returns the parcels made for an order number (copies).
func (f *Fake) Shipments(orderNumber string) []Parcel {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Parcel
	for _, p := range f.parcels {
		if p.OrderNumber == orderNumber {
			out = append(out, *p)
		}
	}
	return out
}

// All returns every parcel (copies).
func (f *Fake) All() []Parcel {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Parcel, 0, len(f.parcels))
	for _, p := range f.parcels {
		out = append(out, *p)
	}
	return out
}

type apiErr struct {
	Status string `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Source *src   `json:"source,omitempty"`
}
type src struct {
	Pointer string `json:"pointer"`
}

func writeErr(w http.ResponseWriter, status int, code, detail, pointer string) {
	e := apiErr{Status: strconv.Itoa(status), Code: code, Detail: detail}
	if pointer != "" {
		e.Source = &src{Pointer: pointer}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []apiErr{e}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var (
	reLabel    = regexp.MustCompile(`^/api/v3/parcels/(\d+)/documents/label$`)
	reTracking = regexp.MustCompile(`^/api/v3/parcels/tracking/([A-Za-z0-9_-]+)$`)
)

func (f *Fake) route(r *http.Request) (Route, []string) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/api/v3/shipments/announce":
		return Announce, nil
	case r.Method == http.MethodGet && p == "/api/v3/shipments":
		return ListShipments, nil
	case r.Method == http.MethodGet && p == "/api/v3/service-points":
		return ServicePoints, nil
	case r.Method == http.MethodGet && p == "/api/v3/parcel-documents/label":
		return Labels, nil
	case r.Method == http.MethodGet && reLabel.MatchString(p):
		return Label, reLabel.FindStringSubmatch(p)[1:]
	case r.Method == http.MethodGet && reTracking.MatchString(p):
		return Tracking, reTracking.FindStringSubmatch(p)[1:]
	}
	return "", nil
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	route, args := f.route(r)
	if route == "" {
		writeErr(w, http.StatusNotFound, "not_found", "no such endpoint "+r.Method+" "+r.URL.Path, "")
		return
	}
	u, pw, ok := r.BasicAuth()
	if !ok || u != f.public || pw != f.secret {
		writeErr(w, http.StatusUnauthorized, "authentication_failed", "Invalid username/password.", "")
		return
	}
	f.mu.Lock()
	f.calls[route]++
	var ft *Fault
	if q := f.faults[route]; len(q) > 0 {
		x := q[0]
		f.faults[route] = q[1:]
		ft = &x
	}
	f.mu.Unlock()

	if ft != nil && !ft.AfterHandling {
		if !wait(r.Context(), ft.Delay) {
			return
		}
		if ft.Status != 0 {
			writeErr(w, ft.Status, "fault", "injected fault", "")
			return
		}
	}
	rec := httptest.NewRecorder()
	f.handle(rec, r, route, args)
	if ft != nil && ft.AfterHandling {
		if !wait(r.Context(), ft.Delay) {
			return
		}
		if ft.Status != 0 {
			writeErr(w, ft.Status, "fault", "injected fault after handling", "")
			return
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

type address struct {
	Name         string `json:"name"`
	AddressLine1 string `json:"address_line_1"`
	HouseNumber  string `json:"house_number"`
	PostalCode   string `json:"postal_code"`
	City         string `json:"city"`
	CountryCode  string `json:"country_code"`
}

var postcodes = map[string]*regexp.Regexp{
	"NL": regexp.MustCompile(`^[1-9][0-9]{3} ?[A-Za-z]{2}$`),
	"BE": regexp.MustCompile(`^[1-9][0-9]{3}$`),
	"DE": regexp.MustCompile(`^[0-9]{5}$`),
}

func (f *Fake) handle(w http.ResponseWriter, r *http.Request, route Route, args []string) {
	switch route {
	case Announce:
		f.announce(w, r)
	case ListShipments:
		on := r.URL.Query().Get("order_number")
		f.mu.Lock()
		var data []any
		for _, p := range f.parcels {
			if on == "" || p.OrderNumber == on {
				data = append(data, f.shipmentJSON(p))
			}
		}
		f.mu.Unlock()
		if data == nil {
			data = []any{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data})
	case Label:
		id, _ := strconv.ParseInt(args[0], 10, 64)
		size := strings.ToUpper(r.URL.Query().Get("paper_size"))
		if size == "" {
			size = "A6"
		}
		if size != "A6" && size != "A4" && size != "A5" {
			writeErr(w, http.StatusBadRequest, "invalid", "paper_size must be A4, A5 or A6", "/paper_size")
			return
		}
		p := f.find(func(p *Parcel) bool { return p.ID == id })
		if p == nil {
			writeErr(w, http.StatusNotFound, "not_found", "No Parcel matches the given query.", "")
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(PDFPages(size, [][]string{labelLines(p, size)}))
	case Labels:
		size := strings.ToUpper(r.URL.Query().Get("paper_size"))
		if size == "" {
			size = "A6"
		}
		ids := r.URL.Query()["parcels"]
		if len(ids) < 1 || len(ids) > 20 {
			writeErr(w, http.StatusBadRequest, "invalid", "parcels must have 1 to 20 elements", "/parcels")
			return
		}
		var pages [][]string
		for _, s := range ids {
			id, _ := strconv.ParseInt(s, 10, 64)
			p := f.find(func(p *Parcel) bool { return p.ID == id })
			if p == nil {
				writeErr(w, http.StatusNotFound, "not_found", "No Parcel matches the given query: "+s, "/parcels")
				return
			}
			pages = append(pages, labelLines(p, size))
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(PDFPages(size, pages))
	case Tracking:
		p := f.find(func(p *Parcel) bool { return p.TrackingNumber == args[0] })
		if p == nil {
			writeErr(w, http.StatusNotFound, "not_found", "No parcel with this tracking number.", "")
			return
		}
		events := []map[string]string{}
		if p.Status == "delivered" {
			events = append(events, map[string]string{"parent_status": "delivered", "timestamp": p.DeliveredAt.UTC().Format(time.RFC3339), "message": "Delivered"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"tracking_number": p.TrackingNumber, "parent_status": p.Status, "events": events})
	case ServicePoints:
		f.servicePoints(w, r)
	}
}

func labelLines(p *Parcel, size string) []string {
	lines := []string{"SENDCLOUDFAKE LABEL " + size, p.TrackingNumber, p.Name, strings.TrimSpace(p.Street + " " + p.HouseNumber), p.PostalCode + " " + p.City, p.Country, "Order " + p.OrderNumber}
	if p.ServicePoint != "" {
		lines = append(lines, "Service point "+p.ServicePoint)
	}
	return append(lines, p.LabelNotes...)
}

func (f *Fake) find(match func(*Parcel) bool) *Parcel {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.parcels {
		if match(p) {
			c := *p
			return &c
		}
	}
	return nil
}

func (f *Fake) announce(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OrderNumber    string  `json:"order_number"`
		ToAddress      address `json:"to_address"`
		ToServicePoint *struct {
			ID string `json:"id"`
		} `json:"to_service_point"`
		ShipWith *struct {
			Properties map[string]string `json:"properties"`
		} `json:"ship_with"`
		Parcels    []json.RawMessage `json:"parcels"`
		LabelNotes []string          `json:"label_notes"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, "invalid", "malformed JSON: "+err.Error(), "")
		return
	}
	a := req.ToAddress
	cc := strings.ToUpper(a.CountryCode)
	switch {
	case strings.TrimSpace(a.Name) == "":
		writeErr(w, http.StatusUnprocessableEntity, "invalid", "This field may not be blank.", "/to_address/name")
		return
	case strings.TrimSpace(a.AddressLine1) == "":
		writeErr(w, http.StatusUnprocessableEntity, "invalid", "This field may not be blank.", "/to_address/address_line_1")
		return
	case (cc == "NL" || cc == "BE") && strings.TrimSpace(a.HouseNumber) == "":
		writeErr(w, http.StatusUnprocessableEntity, "invalid", "A house number is required for this country.", "/to_address/house_number")
		return
	case postcodes[cc] != nil && !postcodes[cc].MatchString(strings.TrimSpace(a.PostalCode)):
		writeErr(w, http.StatusUnprocessableEntity, "invalid", "The postal code is not valid for the country.", "/to_address/postal_code")
		return
	case len(req.Parcels) != 1:
		writeErr(w, http.StatusUnprocessableEntity, "invalid", "Synchronous announcement takes exactly one parcel.", "/parcels")
		return
	}
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	p := &Parcel{ID: id, ShipmentID: fmt.Sprintf("sh_%d", id), OrderNumber: req.OrderNumber,
		TrackingNumber: fmt.Sprintf("3SFAKE%09d", id), Name: a.Name, Street: a.AddressLine1, HouseNumber: a.HouseNumber,
		PostalCode: a.PostalCode, City: a.City, Country: cc, Status: "announced", StatusID: 1, LabelNotes: req.LabelNotes}
	if req.ToServicePoint != nil {
		p.ServicePoint = req.ToServicePoint.ID
	}
	if req.ShipWith != nil {
		p.Option = req.ShipWith.Properties["shipping_option_code"]
	}
	f.parcels = append(f.parcels, p)
	body := f.shipmentJSON(p)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": body})
}

// shipmentJSON renders a shipment; f.mu is held.
func (f *Fake) shipmentJSON(p *Parcel) map[string]any {
	base := f.srv.URL + "/api/v3/"
	return map[string]any{
		"id": p.ShipmentID, "order_number": p.OrderNumber,
		"parcels": []any{map[string]any{
			"id": p.ID, "tracking_number": p.TrackingNumber,
			"tracking_url": "https://tracking.sendcloud.sc/forward?carrier=postnl&code=" + p.TrackingNumber,
			"status":       map[string]string{"code": strings.ToUpper(p.Status), "message": p.Status},
			"documents": []any{map[string]string{"type": "label", "size": "a6",
				"link": base + "parcels/" + strconv.FormatInt(p.ID, 10) + "/documents/label"}},
		}},
	}
}

func (f *Fake) servicePoints(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cc := strings.ToUpper(q.Get("country_code"))
	pc := strings.ToUpper(strings.ReplaceAll(q.Get("postal_code"), " ", ""))
	carrierCode := q.Get("carrier_code")
	if cc == "" {
		writeErr(w, http.StatusBadRequest, "invalid", "country_code is required", "/country_code")
		return
	}
	if (carrierCode == "") == (q.Get("use_integration_carriers") == "") {
		writeErr(w, http.StatusBadRequest, "invalid", "exactly one of carrier_code and use_integration_carriers is required", "/carrier_code")
		return
	}
	if carrierCode == "" {
		carrierCode = "postnl"
	}
	if pc == "" {
		writeJSON(w, http.StatusOK, map[string]any{"data": []any{}})
		return
	}
	// Deterministic points "near" the postcode: the distance grows with the index.
	digits := strings.TrimRightFunc(pc, func(r rune) bool { return r < '0' || r > '9' })
	names := []string{"Primera", "Albert Heijn", "Bruna", "Jumbo", "Tabakspeciaalzaak"}
	var data []map[string]any
	for i, n := range names {
		d := 250 + i*430 + len(pc)*7
		data = append(data, map[string]any{
			"id": 40000 + i + len(digits), "name": n + " " + digits,
			"carrier":  map[string]string{"code": carrierCode},
			"address":  map[string]string{"street": "Dorpsstraat", "house_number": strconv.Itoa(10 + i), "postal_code": pc, "city": "Testdorp", "country_code": cc},
			"distance": d,
		})
	}
	sort.SliceStable(data, func(i, j int) bool { return data[i]["name"].(string) > data[j]["name"].(string) }) // not sorted by distance: the client sorts
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// SetStatus moves a parcel to status ("en_route", "delivered", …) at at, and
// sends the webhook when WebhookURL is set. It returns the webhook body and
// its signature (to replay or tamper with in tests).
func (f *Fake) SetStatus(parcelID int64, status string, at time.Time) (body []byte, signature string, err error) {
	f.mu.Lock()
	var p *Parcel
	for _, x := range f.parcels {
		if x.ID == parcelID {
			p = x
		}
	}
	if p == nil {
		f.mu.Unlock()
		return nil, "", fmt.Errorf("sendcloudfake: no parcel %d", parcelID)
	}
	p.Status = status
	p.StatusID = map[string]int{"announced": 1, "en_route": 3, "delivered": 11}[status]
	if status == "delivered" {
		p.DeliveredAt = at
	}
	wh := map[string]any{
		"action": "parcel_status_changed", "timestamp": f.Now().UnixMilli(), "carrier_status_change_timestamp": at.UnixMilli(),
		"parcel": map[string]any{"id": p.ID, "tracking_number": p.TrackingNumber, "order_number": p.OrderNumber,
			"status": map[string]any{"id": p.StatusID, "message": status}},
	}
	url, secret := f.WebhookURL, f.WebhookSecret
	f.mu.Unlock()
	body, _ = json.Marshal(wh)
	signature = Sign(body, secret)
	if url == "" {
		return body, signature, nil
	}
	_, err = f.Deliver(url, body, signature)
	return body, signature, err
}

// Deliver posts a webhook body with a signature and returns the status.
func (f *Fake) Deliver(url string, body []byte, signature string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sendcloud-Signature", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("sendcloudfake: webhook answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// Sign is Sendcloud's webhook signature: hex HMAC-SHA256 of the body.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// PDF makes a one-page PDF of size A6 or A4 (A5 too) with lines of text
// (Helvetica, searchable). It is enough for a label in tests and the demo.
func PDF(size string, lines []string) []byte { return PDFPages(size, [][]string{lines}) }

// PDFPages makes a PDF with one page of text lines per element of pages.
func PDFPages(size string, pages [][]string) []byte {
	w, h := 297.64, 419.53
	switch size {
	case "A4":
		w, h = 595.28, 841.89
	case "A5":
		w, h = 419.53, 595.28
	}
	// 1 catalog, 2 pages, 3 font, then per page: the page and its content.
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
	var kids []string
	for _, lines := range pages {
		var content bytes.Buffer
		content.WriteString("BT /F1 11 Tf 24 " + strconv.FormatFloat(h-40, 'f', 2, 64) + " Td 14 TL\n")
		for _, l := range lines {
			content.WriteString("(" + pdfEscape(l) + ") Tj T*\n")
		}
		content.WriteString("ET\n")
		page := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", w, h, page+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

func pdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 32:
		case r < 128:
			b.WriteRune(r)
		case r < 256:
			fmt.Fprintf(&b, "\\%03o", r) // WinAnsi covers Latin-1 letters (é, ë, ü)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
