// The sidecar's checkout page (docs/money.md): the summary, the total and
// the pay button follow carrier, country, points, code and gift card at
// once. The server prices and renders (POST /api/checkout/quote); this
// script never computes an amount. The hidden shown_total is what the
// server holds the payment to. Served at /checkout/checkout.js and loaded
// only by the checkout page, so the site's shop.js (on every page, within
// its 14 KB budget) does not carry it. Without it the update button posts
// the form and the page comes back priced.
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function initCheckout(form) {
    var summary = $("[data-sf-summary]", form), pay = $("[data-sf-pay]", form);
    var shown = $("[data-sf-shown-total]", form), shownFor = $("[data-sf-shown-for]", form);
    var update = $("[data-sf-update]", form);
    if (!window.fetch || !window.FormData || !form.dataset.quote || !summary || !pay || !shown || !shownFor) return;
    var seq = 0, methods = $("[data-sf-methods]", form), other = $("[data-sf-other-methods]", form);
    // The methods for other countries are there for the form without us;
    // here the list follows the country (the server sends it).
    if (other) other.parentNode.removeChild(other);
    function ids(root) { return $$('input[name="shipping_method"]', root).map(function (r) { return r.value; }).join(" "); }
    function showMethods(q) {
      if (methods && typeof q.methods_html === "string") {
        var next = document.createElement("div"), note = $("[data-sf-method-note]", methods);
        next.innerHTML = q.methods_html;
        if (ids(next) !== ids(methods) || (note ? note.textContent : "") !== (q.method_note || "")) {
          var focused = methods.contains(document.activeElement);
          methods.innerHTML = q.methods_html;
          var now = $('input[name="shipping_method"]:checked', methods);
          if (focused && now) now.focus();
          return;
        }
      }
      $$('input[name="shipping_method"]', form).forEach(function (r) { r.checked = r.value === q.shipping_method; });
    }
    function quote() {
      var data = new FormData(form), mine = ++seq;
      var body = {
        country: String(data.get("country") || ""), shipping_method: String(data.get("shipping_method") || ""),
        lang: String(data.get("lang") || ""), email: String(data.get("email") || ""),
        use_points: data.get("use_points") === "1", points: parseInt(data.get("points"), 10) || 0,
        code: String(data.get("code") || ""), // typed by the customer; the server says whether it applies
        vat_id: String(data.get("vat_id") || ""), // a business abroad: VAT reverse charged (docs/invoices.md)
        gift_code: String(data.get("gift_code") || "") // a gift card pays part or all (docs/giftcards.md)
      };
      pay.disabled = true;
      form.setAttribute("aria-busy", "true");
      fetch(form.dataset.quote, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      }).then(function (q) {
        if (mine !== seq) return;
        summary.innerHTML = q.summary_html;
        pay.textContent = q.pay_text;
        shown.value = String(q.total);
        shownFor.value = q.shown_for;
        var due = $("[data-sf-shown-due]", form), gift = $("[data-sf-gift]", form);
        if (due) due.value = String(q.due);
        if (gift) {
          var ge = $("[data-sf-gift-error]", form);
          if (!ge && q.gift_error) {
            ge = document.createElement("span");
            ge.className = "sf-error field-error"; ge.id = "e-gift_code"; ge.setAttribute("data-sf-gift-error", "");
            gift.parentNode.appendChild(ge);
          }
          if (ge) ge.textContent = q.gift_error || "";
          if (q.gift_error) gift.setAttribute("aria-invalid", "true"); else gift.removeAttribute("aria-invalid");
        }
        showMethods(q);
        // The pick-up point field (pickup.js) follows the method the server chose.
        if (window.CustomEvent) form.dispatchEvent(new CustomEvent("sf:methods"));
        var ps = $('input[name="points_shown"]', form);
        if (ps) ps.value = (q.totals.adjustments || []).some(function (a) { return a.kind === "points"; }) ? "1" : "0";
        var cm = $("[data-sf-code-msg]", form), ci = $('input[name="code"]', form);
        if (cm) {
          cm.textContent = q.code_error || q.code_note || "";
          cm.className = q.code_error ? "sf-error field-error" : "sf-code-note";
        }
        if (ci) { if (q.code_error) ci.setAttribute("aria-invalid", "true"); else ci.removeAttribute("aria-invalid"); }
        pay.disabled = false;
        form.removeAttribute("aria-busy");
      }).catch(function () {
        // No quote: the page keeps the total it showed (the server refuses
        // to charge another) and the update button does it without us.
        if (mine !== seq) return;
        pay.disabled = false;
        form.removeAttribute("aria-busy");
        if (update) update.hidden = false;
      });
    }
    if (update) update.hidden = true;
    form.addEventListener("change", function (ev) {
      var n = ev.target && ev.target.name;
      if (n === "country" || n === "shipping_method" || n === "use_points" || n === "vat_id" || n === "code" || n === "gift_code") quote();
    });
    [$("[data-sf-apply-code]", form), $('button[name="apply_gift"]', form)].forEach(function (apply) {
      if (apply) apply.addEventListener("click", function (ev) { ev.preventDefault(); quote(); });
    });
  }

  function init() { $$("form[data-sf-checkout]").forEach(initCheckout); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
