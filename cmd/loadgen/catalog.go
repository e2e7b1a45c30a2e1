package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// WriteCatalog writes a catalog.json with n SKUs in the documented schema
// (docs/architecture.md): every tenth tracked with plenty of stock, the
// rest made on demand; titles and URLs of realistic length.
func WriteCatalog(path string, n int) error {
	items := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		vat := 21
		if i%3 == 0 {
			vat = 9
		}
		items = append(items, map[string]any{
			"sku": fmt.Sprintf("GEN-%06d", i), "product": fmt.Sprintf("product-%06d", i),
			"title":   fmt.Sprintf("Generated product number %d with a longer title", i),
			"variant": "250 g · bonen", "url": fmt.Sprintf("/producten/product-%06d/", i),
			"price": 500 + (i*37)%10000, "currency": "EUR", "vat_rate": vat,
			"image": fmt.Sprintf("/producten/product-%06d/zak_hu1234567890abcdef.webp", i), "category": "koffie",
			"delivery_class": "standard", "stock": map[string]any{"tracked": i%10 == 0, "quantity": 1_000_000},
		})
	}
	doc := map[string]any{
		"version": fmt.Sprintf("generated-%d", n), "generated_at": "2026-11-26T10:00:00Z", "currency": "EUR",
		"shop": map[string]any{"name": "Loadgen Shop", "email": "winkel@example.nl", "base_url": "http://127.0.0.1/", "country": "NL"},
		"shipping": map[string]any{"free_from": 5000, "methods": []any{map[string]any{
			"id": "postnl", "name": "PostNL", "price": 495, "vat_rate": 21, "transit_days": 1,
			"countries": []string{"NL", "BE"}, "tracking_url": "https://jouw.postnl.nl/track-and-trace/{code}"}}},
		"delivery": map[string]any{"timezone": "Europe/Amsterdam", "cutoff": "15:00", "closed_weekdays": []int{0, 6},
			"holidays": []string{"2026-12-25", "2026-12-26"},
			"classes":  map[string]any{"standard": map[string]any{"handling_days": 1, "label": "Op voorraad"}}},
		"returns": map[string]any{"window_days": 30, "free": true, "address": "Markt 1, Utrecht", "refund_days": 5},
		"items":   items,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write catalog %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write catalog %s: %w", path, err)
	}
	return nil
}

// catalogSKUs reads the SKUs worth loading from a catalog.json: items made
// on demand or with plenty of stock (so stock does not run out mid-run).
func catalogSKUs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog %s: %w", path, err)
	}
	var c struct {
		Items []struct {
			SKU   string `json:"sku"`
			Stock struct {
				Tracked  bool `json:"tracked"`
				Quantity int  `json:"quantity"`
			} `json:"stock"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("read catalog %s: %w", path, err)
	}
	var all, roomy []string
	for _, it := range c.Items {
		all = append(all, it.SKU)
		if !it.Stock.Tracked || it.Stock.Quantity >= 10000 {
			roomy = append(roomy, it.SKU)
		}
	}
	if len(roomy) > 0 {
		return roomy, nil
	}
	return all, nil
}
