/* Storefront: small enhancements. Every page works without this script.
   - product page: variant price, add to cart without leaving the page,
     the concrete delivery date, live stock (silent when the API is absent)
   - category/tag pages: listing.js (loaded by those pages only)
   - header: instant site search over /search.json (search.js, loaded on
     first use: the same matching as checkout/search, which answers the form
     without JavaScript), and the cart's item count
   See docs/theme.md. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function fill(tpl, vals) { return tpl.replace(/\{(\w+)\}/g, function (_, k) { return vals[k] != null ? vals[k] : ""; }); }

  /* ---------- product page: variants ---------- */
  function initVariants(form) {
    var amount = $("[data-price-display] .price__amount");
    var was = $("[data-price-display] [data-was]"), wasAmount = $("[data-was-amount]");
    function showWas(r) { // a "was" price follows the chosen variant (docs/codes.md)
      if (!was || !wasAmount) return;
      wasAmount.textContent = r.dataset.wasText || "";
      was.hidden = !r.dataset.wasText;
    }
    function specs(sku) { // the chosen variant's specs only
      $$("[data-variant-specs]").forEach(function (tb) {
        tb.hidden = tb.dataset.variantSpecs !== sku;
        $$(".specs__variant-name", tb).forEach(function (tr) { tr.hidden = true; });
      });
    }
    $$('input[type="radio"][name="sku"]', form).forEach(function (r) {
      r.addEventListener("change", function () {
        if (r.checked && amount && r.dataset.priceText) amount.textContent = r.dataset.priceText;
        if (r.checked) { specs(r.value); showWas(r); }
      });
      if (r.checked && amount && r.dataset.priceText) amount.textContent = r.dataset.priceText;
      if (r.checked) specs(r.value);
    });
  }

  /* ---------- product page: add to cart (JSON API, falls back to the form) ---------- */
  function initCart(form) {
    var status = $("[data-cart-status]", form);
    var button = $("[data-add]", form);
    form.addEventListener("submit", function (ev) {
      if (!window.fetch || form.dataset.fallback) return; // let the form post
      ev.preventDefault();
      var data = new FormData(form);
      var qty = parseInt(data.get("quantity"), 10);
      var body = { sku: String(data.get("sku") || ""), quantity: isNaN(qty) ? 1 : qty, lang: String(data.get("lang") || "") };
      button.disabled = true;
      status.hidden = false;
      status.className = "notice";
      status.textContent = form.dataset.adding || "…";
      fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body)
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (json) { return { res: res, json: json }; });
      }).then(function (r) {
        button.disabled = false;
        if (r.res.ok) {
          status.className = "notice notice--success";
          status.textContent = "";
          status.appendChild(document.createTextNode((form.dataset.added || "OK") + " "));
          var a = document.createElement("a");
          a.href = form.dataset.cart || "/cart/";
          a.textContent = form.dataset.viewCart || "Cart";
          status.appendChild(a);
          document.dispatchEvent(new CustomEvent("cart:changed", { detail: r.json }));
          return;
        }
        if ((r.res.status === 409 || r.res.status === 422) && r.json && r.json.error) {
          status.className = "notice notice--error";
          status.textContent = r.json.error;
          return;
        }
        throw new Error("status " + r.res.status);
      }).catch(function () {
        // API absent or broken: do what the page does without JavaScript.
        form.dataset.fallback = "1";
        form.submit();
      });
    });
  }

  /* ---------- delivery date: the rules of data/delivery.toml, as the sidecar applies them ---------- */
  function deliveryDates(rules, now) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: rules.tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    var day = Date.UTC(+parts.year, +parts.month - 1, +parts.day);
    var minutes = (+parts.hour % 24) * 60 + (+parts.minute);
    var cut = rules.cutoff.split(":");
    var cutMin = (+cut[0]) * 60 + (+cut[1] || 0);
    var holidays = rules.holidays || [];
    function iso(d) { return new Date(d).toISOString().slice(0, 10); }
    function wd(d) { return new Date(d).getUTCDay(); }
    function working(d) { return rules.closed.indexOf(wd(d)) < 0 && holidays.indexOf(iso(d)) < 0; }
    function carrier(d) { return wd(d) !== 0 && holidays.indexOf(iso(d)) < 0; }
    function next(d, ok) { do { d += 864e5; } while (!ok(d)); return d; }
    if (!working(day) || minutes >= cutMin) day = next(day, working);
    for (var i = 0; i < rules.handling; i++) day = next(day, working);
    var tmin = null, tmax = null;
    (rules.methods || []).forEach(function (m) {
      if (m.p || (m.c || []).indexOf(rules.country) < 0) return;
      if (tmin === null || m.t < tmin) tmin = m.t;
      if (tmax === null || m.t > tmax) tmax = m.t;
    });
    if (tmin === null) return null;
    function arrive(t) {
      var d = day;
      for (var j = 0; j < t; j++) d = next(d, carrier);
      if (t === 0 && !carrier(d)) d = next(d, carrier);
      return d;
    }
    var early = arrive(tmin), late = arrive(tmax);
    for (var k = 0; k < (rules.slack || 0); k++) late = next(late, carrier);
    return { from: new Date(early), to: new Date(late) };
  }

  // The sidecar lengthens a carrier's promise when it has been late
  // (GET /api/promise, docs/loyalty-and-promises.md); silent when absent.
  var promiseAdjust = null;
  function loadPromise() {
    if (!promiseAdjust) {
      promiseAdjust = fetch("/api/promise", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return promiseAdjust;
  }
  function initDelivery(box) {
    var el = $("[data-delivery-date]", box), json = $("[data-delivery-rules]", box);
    if (!el || !json || !window.Intl) return;
    showDelivery(box, el, json, null);
    if (window.fetch) loadPromise().then(function (p) {
      if (p && p.methods) showDelivery(box, el, json, p.methods);
    });
  }
  function showDelivery(box, el, json, extra) {
    try {
      var rules = JSON.parse(json.textContent);
      if (extra) (rules.methods || []).forEach(function (m) {
        var a = extra[m.id];
        if (a && a.extra_days > 0) m.t += a.extra_days;
      });
      var d = deliveryDates(rules, new Date());
      if (!d) return;
      var f = new Intl.DateTimeFormat(document.documentElement.lang, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
      el.textContent = fill(el.dataset.template, { from: f.format(d.from), to: f.format(d.to) });
      el.hidden = false;
    } catch (e) { /* keep the written promise only */ }
  }

  /* ---------- live stock: /api/availability?sku=…; silent when absent ---------- */
  function entryOf(json, sku) {
    var src = json && (json.items || json.availability || json);
    var v = null;
    if (Array.isArray(src)) { src.forEach(function (x) { if (x && x.sku === sku) v = x; }); }
    else if (src && typeof src === "object") v = src[sku];
    return v;
  }
  function remainingOf(json, sku) {
    var v = entryOf(json, sku);
    if (!v || typeof v !== "object" || v.tracked === false) return null;
    var n = typeof v.remaining === "number" ? v.remaining : v.quantity;
    return typeof n === "number" ? n : null;
  }
  function stockOf(json, sku) {
    var src = json && (json.items || json.availability || json);
    var v = null;
    if (Array.isArray(src)) { src.forEach(function (x) { if (x && x.sku === sku) v = x; }); }
    else if (src && typeof src === "object") v = src[sku];
    if (v == null) return null;
    if (typeof v === "number") return v > 0;
    if (typeof v === "boolean") return v;
    if (typeof v.available === "boolean") return v.available;
    if (v.tracked === false) return true;
    if (typeof v.quantity === "number") return v.quantity > 0;
    return null;
  }

  /* "Mail me when it is back": offer the SKUs sold out since the build */
  function backInStock(json) {
    var f = $("[data-back-in-stock]"), out = false;
    if (!f) return;
    $$("[data-sku]", f).forEach(function (el) {
      var sold = stockOf(json, el.dataset.sku) === false;
      if (el.tagName === "OPTION") { el.hidden = el.disabled = !sold; if (sold && !out) el.selected = true; }
      out = out || sold;
    });
    if (out) f.hidden = false;
  }

  function initStock(form) {
    var inputs = $$('[name="sku"]', form);
    if (!inputs.length || !window.fetch) return;
    var q = inputs.map(function (i) { return "sku=" + encodeURIComponent(i.value); }).join("&");
    fetch("/api/availability?" + q, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
      .then(function (json) {
        var any = false, button = $("[data-add]", form);
        inputs.forEach(function (i) {
          var ok = stockOf(json, i.value);
          if (ok === null) { any = any || !i.disabled; return; }
          var label = i.id ? $('label[for="' + i.id + '"] [data-stock-label]', form) : null;
          if (i.type === "radio") {
            i.disabled = !ok;
            if (!ok && i.checked) i.checked = false;
            if (label) { label.hidden = ok; label.textContent = form.dataset.soldOut || ""; }
          }
          any = any || ok;
        });
        if (inputs[0].type === "radio" && !$('[name="sku"]:checked', form)) {
          var first = inputs.filter(function (i) { return !i.disabled; })[0];
          if (first) { first.checked = true; first.dispatchEvent(new Event("change")); }
        }
        button.disabled = !any;
        button.textContent = any ? form.dataset.addLabel : form.dataset.soldOut;
        backInStock(json);
        var note = $("[data-stock-note]", form);
        function showNote() {
          var sel = $('[name="sku"]:checked', form) || (inputs[0].type !== "radio" ? inputs[0] : null);
          var n = sel ? remainingOf(json, sel.value) : null;
          if (note) { note.hidden = !(n !== null && n > 0 && n <= 5); note.textContent = fill(note.dataset.template || "", { n: n }); }
        }
        showNote();
        inputs.forEach(function (i) { i.addEventListener("change", showNote); });
      })
      .catch(function () { /* no live stock: the page states what the build knew */ });
  }

  var KINDS = ["product", "story", "guide", "maker"]; // the order of the form's data-kinds
  function initSearch(form) {
    var input = $('input[name="q"]', form), box = $("[data-search-results]", form), ix = null, loading = null, timer;
    if (!input || !box || !window.fetch) return;
    var kinds = (form.dataset.kinds || "").split("|");
    function script() { // search.js, the first time it is needed
      return new Promise(function (ok, fail) {
        if (window.sfSearch) return ok();
        var s = document.createElement("script");
        s.src = form.dataset.script; s.integrity = form.dataset.integrity || ""; s.crossOrigin = "anonymous";
        s.onload = ok; s.onerror = fail;
        document.head.appendChild(s);
      });
    }
    function load() {
      if (!loading) loading = Promise.all([script(), fetch(form.dataset.search).then(function (r) { return r.json(); })])
        .then(function (r) { ix = window.sfSearchPrepare(r[1]); });
      return loading;
    }
    function render() {
      var q = input.value.trim();
      box.textContent = "";
      if (!q || !ix) { box.hidden = true; return; }
      var hits = window.sfSearch(ix, q, 8), ul = document.createElement("ul");
      hits.forEach(function (h) {
        var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
        a.href = h.doc.u; a.textContent = h.doc.t;
        small.textContent = " " + (kinds[KINDS.indexOf(h.doc.k)] || "");
        li.appendChild(a); li.appendChild(small); ul.appendChild(li);
      });
      if (!hits.length) { var p = document.createElement("p"); p.textContent = form.dataset.none || ""; box.appendChild(p); }
      else box.appendChild(ul);
      box.hidden = false;
      box.dataset.q = q; // the query this answer is for
    }
    input.addEventListener("focus", function () { load().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load().then(render).catch(function () { box.hidden = true; }); }, 60);
    });
    input.addEventListener("keydown", function (ev) { if (ev.key === "Escape") box.hidden = true; });
  }

  /* ---------- header: the cart's item count (cached for the visit) ---------- */
  function showCount(el, n) {
    $("[data-n]", el).textContent = n > 0 ? String(n) : "";
    el.hidden = !(n > 0);
  }
  function initCartCount(el) {
    var key = "sf_cart_n", n = null;
    try { n = sessionStorage.getItem(key); } catch (e) { /* storage off */ }
    var fresh = /^\/(cart|checkout|order)\//.test(location.pathname);
    if (n !== null && !fresh) { showCount(el, +n); return; }
    if (!window.fetch) return;
    fetch("/api/cart", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        var c = (j.lines || []).reduce(function (s, l) { return s + (l.quantity || 0); }, 0);
        try { sessionStorage.setItem(key, String(c)); } catch (e) { /* storage off */ }
        showCount(el, c);
      })
      .catch(function () { /* no sidecar: the link still works */ });
  }
  document.addEventListener("cart:changed", function (ev) {
    var j = ev.detail || {}, c = (j.lines || []).reduce(function (s, l) { return s + (l.quantity || 0); }, 0);
    try { sessionStorage.setItem("sf_cart_n", String(c)); } catch (e) { /* storage off */ }
    $$("[data-cart-count]").forEach(function (el) { showCount(el, c); });
  });

  /* ---------- video facade: the player loads only on the visitor's click ---------- */
  function initEmbed(a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var f = document.createElement("iframe");
      f.src = a.href; f.className = "video__frame"; f.title = a.dataset.title || "";
      f.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      f.setAttribute("allowfullscreen", "");
      a.parentNode.replaceChild(f, a);
    });
  }

  function init() {
    $$(".buy-form").forEach(function (f) { initVariants(f); initCart(f); initStock(f); });
    $$("[data-delivery]").forEach(initDelivery);
    $$("form[data-search]").forEach(initSearch);
    $$("[data-cart-count]").forEach(initCartCount);
    $$("a[data-embed]").forEach(initEmbed);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
