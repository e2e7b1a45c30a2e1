package server

import (
	"fmt"
	"html/template"

	"github.com/storefront/storefront/checkout/money"
)

// Page templates: only the <main> content; the theme's shell wraps it. All
// data is escaped by html/template. Class names start with sf- so the theme
// can style them.
var pageFuncs = template.FuncMap{
	"t":       tr,
	"country": countryName,
	"tf":      func(lang, key string, args ...any) string { return fmt.Sprintf(tr(lang, key), args...) },
	"money": func(a money.Amount, currency, lang string) string {
		return money.Display(a, currency, lang)
	},
}

var pages = template.Must(template.New("pages").Funcs(pageFuncs).Parse(`
{{define "notices"}}{{range .}}<p class="sf-notice notice" role="status">{{.}}</p>{{end}}{{end}}

{{define "totals"}}{{$l := .Lang}}{{$c := .T.Currency}}
<table class="sf-totals totals">
<tr><th scope="row">{{t $l "sum.subtotal"}}</th><td class="num">{{money .T.Subtotal $c $l}}</td></tr>
<tr><th scope="row">{{t $l "sum.shipping"}}{{if .T.ShippingName}} ({{.T.ShippingName}}){{end}}</th><td class="num">{{if and .T.FreeShipping (eq .T.Shipping 0)}}{{t $l "sum.free"}}{{else}}{{money .T.Shipping $c $l}}{{end}}</td></tr>
{{range .T.Adjustments}}<tr class="sf-adjustment" data-kind="{{.Kind}}"><th scope="row">{{t $l (print "sum." .Kind)}}{{if ne .VATRate 0}} <small class="muted">({{.VATRate}}%)</small>{{end}}</th><td class="num">{{money .Amount $c $l}}</td></tr>
{{end}}<tr class="sf-grand total"><th scope="row"><strong>{{t $l "sum.total"}}</strong></th><td class="num"><strong data-total="{{.T.GrandTotal}}">{{money .T.GrandTotal $c $l}}</strong></td></tr>
{{if .T.ReverseCharge}}<tr class="sf-reverse"><td colspan="2"><small>{{t $l "sum.reverse"}}</small></td></tr>{{end}}
{{range .T.VAT}}<tr class="sf-vat"><th scope="row"><small class="muted">{{tf $l "sum.vat" .Rate}}</small></th><td class="num"><small>{{money .VAT $c $l}}</small></td></tr>
{{end}}</table>
{{end}}

{{define "free-nudge"}}{{if gt .T.FreeShippingRemaining 0}}<p class="sf-free muted">{{tf .Lang "cart.free_from" (money .T.FreeShippingRemaining .T.Currency .Lang)}}</p>{{end}}{{end}}

{{define "cart"}}{{$l := .Lang}}{{$c := .T.Currency}}
<div class="wrap sf-cart">
<h1>{{t $l "cart.title"}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
{{template "notices" .Notices}}
{{if not .T.Lines}}
<p class="sf-empty">{{t $l "cart.empty"}}</p>
<p><a href="{{.Home}}">{{t $l "cart.continue"}}</a></p>
{{else}}
<table class="sf-lines cart-table">
<thead><tr><th scope="col">{{t $l "cart.product"}}</th><th scope="col">{{t $l "cart.quantity"}}</th><th scope="col" class="num">{{t $l "cart.total"}}</th></tr></thead>
<tbody>
{{range .T.Lines}}<tr class="sf-line" data-sku="{{.SKU}}">
<td>{{if .Unavailable}}<span>{{.SKU}}</span> <em class="badge badge--out">({{t $l "cart.unavailable"}})</em>{{else}}<a href="{{.URL}}">{{.Title}}</a>{{if .Variant}}<br><small>{{.Variant}}</small>{{end}}<br><small>{{money .UnitPrice $c $l}}{{if .PriceChanged}} <s>{{money .OldPrice $c $l}}</s>{{end}}</small>{{end}}</td>
<td>
<form method="post" action="/cart/update" class="sf-qty">
<input type="hidden" name="sku" value="{{.SKU}}"><input type="hidden" name="lang" value="{{$l}}">
<label for="qty-{{.SKU}}" class="visually-hidden">{{t $l "cart.quantity"}}</label>
<input id="qty-{{.SKU}}" type="number" name="quantity" value="{{.Quantity}}" min="1" max="99" inputmode="numeric" size="3">
<button type="submit" class="button">{{t $l "cart.update"}}</button>
</form>
<form method="post" action="/cart/remove" class="sf-remove">
<input type="hidden" name="sku" value="{{.SKU}}"><input type="hidden" name="lang" value="{{$l}}">
<button type="submit" class="button button--link">{{t $l "cart.remove"}}</button>
</form>
</td>
<td class="num">{{if not .Unavailable}}{{money .LineTotal $c $l}}{{end}}</td>
</tr>
{{end}}</tbody>
</table>
{{template "totals" .}}
{{template "free-nudge" .}}
<p><a class="sf-button button button--primary" href="/checkout/{{if eq $l "en"}}?lang=en{{end}}">{{t $l "cart.checkout"}}</a></p>
<p><a href="{{.Home}}">{{t $l "cart.continue"}}</a></p>
{{end}}
</div>
{{end}}

{{define "field"}}{{$l := .Lang}}
<p class="sf-field form-row{{if .Error}} sf-invalid{{end}}">
<label for="f-{{.Name}}">{{t $l .Label}}</label>
<input id="f-{{.Name}}" name="{{.Name}}" type="{{.Type}}" value="{{.Value}}" autocomplete="{{.Auto}}"{{if not .Optional}} required{{end}}{{if .Error}} aria-invalid="true" aria-describedby="e-{{.Name}}"{{end}}>
{{if .Error}}<span id="e-{{.Name}}" class="sf-error field-error">{{.Error}}</span>{{end}}
</p>
{{end}}

{{define "checkout"}}{{$l := .Lang}}
<div class="wrap sf-checkout">
<h1>{{t $l "co.title"}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
{{template "notices" .Notices}}
{{if not .T.Lines}}<p class="sf-empty">{{t $l "cart.empty"}}</p><p><a href="{{.Home}}">{{t $l "cart.continue"}}</a></p>{{else}}
<form method="post" action="/checkout/" class="sf-checkout-form" novalidate data-sf-checkout data-quote="/api/checkout/quote">
<input type="hidden" name="lang" value="{{$l}}">
<input type="hidden" name="idempotency_key" value="{{.Key}}">
<input type="hidden" name="shown_total" value="{{.T.GrandTotal}}" data-sf-shown-total>
<input type="hidden" name="shown_for" value="{{.Form.ShippingMethod}}|{{.Form.Country}}" data-sf-shown-for>
{{range .Fields}}{{template "field" .}}{{end}}
<p class="sf-field form-row{{if .Errors.country}} sf-invalid{{end}}">
<label for="f-country">{{t $l "co.country"}}</label>
<select id="f-country" name="country" autocomplete="country"{{if .Errors.country}} aria-invalid="true" aria-describedby="e-country"{{end}}>
{{range .Countries}}<option value="{{.}}"{{if eq . $.Form.Country}} selected{{end}}>{{country $l .}}</option>{{end}}
</select>
{{with .Errors.country}}<span id="e-country" class="sf-error field-error">{{.}}</span>{{end}}
</p>
<fieldset class="sf-field form-row{{if .Errors.shipping_method}} sf-invalid{{end}}">
<legend>{{t $l "co.shipping"}}</legend>
{{range .Methods}}<label><input type="radio" name="shipping_method" value="{{.ID}}"{{if eq .ID $.Form.ShippingMethod}} checked{{end}}> {{.Name}} · {{money .Price $.T.Currency $l}} <small class="muted">({{range $i, $c := .Countries}}{{if $i}}, {{end}}{{country $l $c}}{{end}})</small></label>
{{end}}{{with .Errors.shipping_method}}<span id="e-shipping_method" class="sf-error field-error">{{.}}</span>{{end}}
</fieldset>
<p class="sf-update form-row" data-sf-update><small class="muted">{{t $l "co.update_note"}}</small> <button name="update" value="1" class="button">{{t $l "co.update"}}</button></p>
{{template "gift-note-field" .}}
{{template "business-fields" .}}
{{template "points-field" .}}
<h2>{{t $l "co.summary"}}</h2>
<div class="sf-summary" data-sf-summary aria-live="polite">{{template "checkout-summary" .}}</div>
<p class="sf-pay-note muted">{{t $l "co.pay_note"}}</p>
{{template "terms-note" .}}
<p><button type="submit" class="sf-button button button--primary" data-sf-pay>{{t $l "co.pay"}} · {{money .T.GrandTotal .T.Currency $l}}</button></p>
</form>
<p><a href="/cart/">{{t $l "co.back"}}</a></p>
{{end}}
</div>
{{end}}

{{define "checkout-summary"}}{{$l := .Lang}}
<table class="sf-lines cart-table">
{{range .T.Lines}}<tr><td>{{.Quantity}} × {{.Title}}{{if .Variant}} <small>({{.Variant}})</small>{{end}}</td><td class="num">{{money .LineTotal $.T.Currency $l}}</td></tr>
{{end}}</table>
{{template "totals" .}}
{{template "free-nudge" .}}
{{end}}

{{define "order"}}{{$l := .Lang}}{{$o := .O}}{{$c := .O.Currency}}
<div class="wrap sf-order" data-state="{{$o.State}}" data-payment="{{$o.PaymentStatus}}">
<h1>{{tf $l "order.title" $o.ID}}</h1>
{{if .Error}}<p class="sf-error notice notice--error" role="alert">{{.Error}}</p>{{end}}
<div class="sf-status notice{{if .Good}} notice--success{{end}}" role="status">
<h2>{{.Heading}}</h2>
{{if .Para}}<p>{{.Para}}</p>{{end}}
{{if .Confirming}}<meta http-equiv="refresh" content="{{.Refresh}}">{{if .CheckoutURL}}<p><a href="{{.CheckoutURL}}">{{t $l "order.pay_open"}}</a></p>{{end}}{{end}}
{{if .PayAgain}}<form method="post" action="/order/{{$o.Token}}/pay"><input type="hidden" name="lang" value="{{$l}}"><button type="submit" class="sf-button button button--primary">{{.PayLabel}}</button></form>{{end}}
{{if $o.TrackingURL}}<p><a class="sf-button button button--primary" href="{{$o.TrackingURL}}" rel="noopener">{{t $l "order.track"}}</a></p>{{end}}
{{if .Refunded}}<p>{{.Refunded}}</p>{{end}}
</div>
<h2>{{t $l "order.next"}}</h2>
<ol class="sf-steps steps">
{{range .Steps}}<li class="sf-step {{if .Done}}done{{else if .Current}}current{{else}}todo{{end}}" data-step="{{.Step}}"{{if .Current}} aria-current="step"{{end}}>{{if .Done}}✓ {{end}}{{.Label}}{{if .When}} · <span class="sf-when">{{.When}}</span>{{end}}</li>
{{end}}</ol>
{{if .IfPaid}}<p class="muted small">{{t $l "order.if_paid"}}</p>{{end}}
<table class="sf-lines cart-table">
{{range $o.Lines}}<tr><td>{{.Quantity}} × {{.Title}}{{if .Variant}} <small>({{.Variant}})</small>{{end}}</td><td class="num">{{money .LineTotal $c $l}}</td></tr>
{{end}}</table>
{{template "totals" .}}
{{with .Points}}<p class="sf-points">{{.}} <a href="/points/?lang={{$l}}">{{t $l "points.title"}}</a></p>{{end}}
{{.AfterSale}}
<h2>{{t $l "order.address"}}</h2>
<p class="sf-address">{{with $o.Customer.Company}}{{.}}<br>{{end}}{{$o.Customer.Name}}<br>{{$o.Customer.Street}}<br>{{$o.Customer.PostalCode}} {{$o.Customer.City}}<br>{{country $l $o.Customer.Country}}{{with $o.Customer.VATID}}<br>{{.}}{{end}}</p>
{{.Legal}}
</div>
{{end}}

{{define "message"}}
<div class="wrap prose sf-message"><h1>{{.Title}}</h1><p>{{.Text}}</p><p><a href="{{.Home}}">{{t .Lang "home"}}</a></p></div>
{{end}}

{{define "outbox"}}
<div class="wrap sf-outbox"><h1>Outbox</h1>
<p>E-mails the shop would have sent ({{.Dir}}). Newest first.</p>
{{if not .Entries}}<p>No e-mails yet.</p>{{else}}
<table><thead><tr><th>Date</th><th>Kind</th><th>To</th><th>Subject</th></tr></thead><tbody>
{{range .Entries}}<tr><td>{{.Date.Format "2006-01-02 15:04:05"}}</td><td>{{.Kind}}</td><td>{{.To}}</td><td><a href="/outbox/{{.Name}}">{{.Subject}}</a></td></tr>
{{end}}</tbody></table>{{end}}
</div>
{{end}}

{{define "outbox-message"}}
<div class="wrap sf-outbox-message"><p><a href="/outbox/">← Outbox</a></p>
<h1>{{.Subject}}</h1>
<p>To: {{.To}}<br>Date: {{.Date}}</p>
<pre style="white-space:pre-wrap">{{.Text}}</pre>
{{if .HTML}}<h2>HTML</h2><iframe title="HTML version" sandbox="" srcdoc="{{.HTML}}" style="width:100%;height:40rem;border:1px solid #ccc"></iframe>{{end}}
<p><a href="/outbox/{{.Name}}?raw=1">Raw message (.eml)</a></p>
</div>
{{end}}
`))
