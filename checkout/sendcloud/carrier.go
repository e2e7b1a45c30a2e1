package sendcloud

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/carrier"
)

var (
	_ carrier.Carrier      = (*Client)(nil)
	_ carrier.MultiLabeler = (*Client)(nil)
)

// houseNumber splits "Oudegracht 12 bis" into "Oudegracht" and "12 bis":
// Sendcloud wants the house number apart for Dutch and Belgian addresses.
var houseNumber = regexp.MustCompile(`^(.*?)[\s,]+(\d+\s*[A-Za-z]?(?:\s*-\s*[A-Za-z0-9]{1,6}|\s+[A-Za-z]{1,6})?)$`)

// SplitStreet splits a street line into street and house number; number is
// empty when the line has none at its end.
func SplitStreet(line string) (street, number string) {
	line = strings.TrimSpace(line)
	if m := houseNumber.FindStringSubmatch(line); m != nil && strings.TrimSpace(m[1]) != "" {
		return strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
	}
	return line, ""
}

// CreateParcel implements carrier.Carrier with Announce.
func (c *Client) CreateParcel(ctx context.Context, s carrier.Shipment) (carrier.Parcel, error) {
	street, number := SplitStreet(s.To.Street)
	r := AnnounceRequest{
		OrderNumber: s.Reference,
		ExternalRef: s.Reference,
		ToAddress: Address{Name: s.To.Name, CompanyName: s.To.CompanyName, AddressLine1: street, HouseNumber: number,
			PostalCode: s.To.PostalCode, City: s.To.City, CountryCode: strings.ToUpper(s.To.Country),
			Email: s.To.Email, PhoneNumber: s.To.Phone},
		Parcels:    []ParcelRequest{{Weight: Weight{Value: strconv.Itoa(max(s.WeightGrams, 1)), Unit: "g"}}},
		LabelNotes: s.Items,
	}
	if s.Option != "" {
		r.ShipWith = &ShipWith{Type: "shipping_option_code", Properties: map[string]string{"shipping_option_code": s.Option}}
	}
	if s.PickupPoint != "" {
		r.ToServicePoint = &ServicePointID{ID: s.PickupPoint}
	}
	sh, existing, err := c.Announce(ctx, r)
	if err != nil {
		return carrier.Parcel{}, err
	}
	p := sh.Parcels[0]
	return carrier.Parcel{ID: strconv.FormatInt(p.ID, 10), TrackingCode: p.TrackingNumber, TrackingURL: p.TrackingURL, Existing: existing}, nil
}

// Status implements carrier.Carrier with the tracking endpoint.
func (c *Client) Status(ctx context.Context, parcelID, trackingCode string) (carrier.Status, error) {
	if trackingCode == "" {
		return carrier.Status{}, fmt.Errorf("sendcloud status of parcel %s: no tracking code", parcelID)
	}
	t, err := c.Tracking(ctx, trackingCode)
	if err != nil {
		return carrier.Status{}, err
	}
	st := carrier.Status{Code: t.ParentStatus}
	if strings.EqualFold(t.ParentStatus, "delivered") {
		st.Delivered = true
		for _, e := range t.Events {
			if strings.EqualFold(e.ParentStatus, "delivered") {
				if at, err := time.Parse(time.RFC3339, e.Timestamp); err == nil {
					st.DeliveredAt, st.Message = at, e.Message
					break
				}
			}
		}
	}
	return st, nil
}

// PickupPoints implements carrier.Carrier with the service points endpoint;
// option "postnl:pakjegemak" searches carrier "postnl".
func (c *Client) PickupPoints(ctx context.Context, country, postcode, option string) ([]carrier.PickupPoint, error) {
	code, _, _ := strings.Cut(option, ":")
	sps, err := c.ServicePoints(ctx, country, postcode, code)
	if err != nil {
		return nil, err
	}
	out := make([]carrier.PickupPoint, 0, len(sps))
	for _, sp := range sps {
		p := carrier.PickupPoint{ID: sp.ID.String(), Carrier: sp.Carrier.Code, Name: sp.Name,
			Street:     strings.TrimSpace(sp.Address.Street + " " + sp.Address.HouseNumber),
			PostalCode: sp.Address.PostalCode, City: sp.Address.City, Country: sp.Address.CountryCode}
		if sp.Distance != nil {
			p.DistanceM = *sp.Distance
		}
		out = append(out, p)
	}
	return carrier.Nearest(out, -1), nil
}
