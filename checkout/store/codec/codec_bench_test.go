package codec

import (
	"bytes"
	"encoding/json"
	"testing"
)

// sampleOrder is an order's JSON as the load generator's checkouts make
// it (2.1 KB), with other names, address and product than the dictionary's.
var sampleOrder = []byte(`{"id":"SF-2026-000002","token":"RslT3aDW4eNVAEkafSufydzMGJTKSgrF","state":"awaiting_payment","customer":{"name":"Load Test","email":"load@example.nl","street":"Markt 1","postal_code":"3511 AA","city":"Utrecht","country":"NL"},"shipping_method":"postnl","lines":[{"sku":"GEN-000068","title":"Generated product number 68 with a longer title","variant":"250 g · bonen","url":"/producten/product-000068/","unit_price":3016,"quantity":1,"line_total":3016,"vat_rate":21,"delivery_class":"standard"}],"totals":{"currency":"EUR","lines":[{"sku":"GEN-000068","title":"Generated product number 68 with a longer title","variant":"250 g · bonen","url":"/producten/product-000068/","image":"/producten/product-000068/zak_hu1234567890abcdef.webp","unit_price":3016,"quantity":1,"line_total":3016,"vat_rate":21,"delivery_class":"standard","price_changed":false,"unavailable":false}],"subtotal":3016,"country":"NL","shipping_method":"postnl","shipping_name":"PostNL","shipping":495,"shipping_vat_rate":21,"shipping_vat":[{"rate":21,"base":495,"vat":86}],"free_shipping":false,"free_shipping_remaining":1984,"adjustments":[],"vat":[{"rate":21,"base":3511,"vat":609}],"vat_total":609,"grand_total":3511,"price_changed":false,"unavailable":false},"currency":"EUR","payment_id":"tr_G6I2UIZZHJZY4CQ6HBH4GSCLG7","payment_status":"open","checkout_url":"http://127.0.0.1:38345/pay/tr_G6I2UIZZHJZY4CQ6HBH4GSCLG7","attempts":[{"payment_id":"tr_G6I2UIZZHJZY4CQ6HBH4GSCLG7","provider":"local","status":"open","amount":3511,"currency":"EUR","checkout_url":"http://127.0.0.1:38345/pay/tr_G6I2UIZZHJZY4CQ6HBH4GSCLG7","created_at":"2026-12-06T22:05:59.909651845Z","updated_at":"2026-12-06T22:05:59.909651845Z","expires_at":"2026-12-06T22:20:59Z"}],"history":[{"at":"2026-12-06T22:05:59.863819548Z","from":"","to":"awaiting_payment","by":"customer","note":"order placed"}],"stock":"reserved","created_at":"2026-12-06T22:05:59.863819548Z","updated_at":"2026-12-06T22:05:59.909651845Z","lang":"nl","cart_id":"uqEzVNAf_nXs5oO6s949cXjpieETw_Hw8vIWLjhldUg","idempotency_key":"uqEzVNAf_nXs5oO6s949cXjpieETw_Hw8vIWLjhldUg:lg18eec96a523effef-2","version":2}`)

// The cost of the compressed form per order written and read, next to the
// JSON encoding it wraps (go test -bench . ./checkout/store/codec).
func BenchmarkOrder(b *testing.B) {
	rec := Compress(sampleOrder, Order)
	var v map[string]any
	b.Run("compress", func(b *testing.B) {
		for b.Loop() {
			Compress(sampleOrder, Order)
		}
		b.ReportMetric(float64(len(rec)), "stored-bytes")
	})
	b.Run("decompress", func(b *testing.B) {
		for b.Loop() {
			if _, err := JSON(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json-unmarshal", func(b *testing.B) { // for scale: what every read did already
		for b.Loop() {
			json.Unmarshal(sampleOrder, &v)
		}
	})
	if back, _ := JSON(rec); !bytes.Equal(back, sampleOrder) {
		b.Fatal("round trip")
	}
}
