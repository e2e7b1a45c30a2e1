// Pick-up points on the sidecar's checkout page (docs/carriers.md). Served by
// the sidecar at /checkout/pickup.js and loaded only where the field is, so
// the site's shop.js (on every page) does not grow. Without it the field's
// button submits the form and the server answers with the list.
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }

  function initPickup(form) {
    var box = $("[data-sf-pickup]", form);
    if (!box || !window.fetch) return;
    var methods = (box.dataset.methods || "").split(","), list = $("[data-sf-pickup-list]", box);
    var find = $("[data-sf-find-points]", box), pc = $('input[name="pickup_postcode"]', box);
    function method() { var r = $('input[name="shipping_method"]:checked', form); return r ? r.value : ""; }
    function toggle() { box.hidden = methods.indexOf(method()) < 0; }
    function say(text) { list.textContent = ""; var p = document.createElement("p"); p.className = "muted"; p.textContent = text; list.appendChild(p); }
    function load() {
      var postcode = (pc.value || ($('input[name="postal_code"]', form) || {}).value || "").trim();
      if (!postcode) return;
      var country = ($('[name="country"]', form) || {}).value || "";
      var chosen = ($('input[name="pickup_point"]:checked', box) || {}).value;
      fetch("/api/pickup-points?method=" + encodeURIComponent(method()) + "&country=" + encodeURIComponent(country) +
        "&postcode=" + encodeURIComponent(postcode) +
        "&lang=" + encodeURIComponent(document.documentElement.lang || ""), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (a) {
          if (!a.ok) { say((a.j && a.j.error) || box.dataset.unavailable); return; }
          var pts = a.j.points || [];
          if (!pts.length) { say(box.dataset.none); return; }
          list.textContent = "";
          pts.forEach(function (p) {
            var l = document.createElement("label"), i = document.createElement("input");
            i.type = "radio"; i.name = "pickup_point"; i.value = p.id; i.checked = p.id === chosen;
            l.appendChild(i);
            var d = p.distance_m > 0 ? (p.distance_m < 1000 ? p.distance_m + " m" : (p.distance_m / 1000).toFixed(1) + " km") : "";
            l.appendChild(document.createTextNode(" " + p.name + ", " + p.street + ", " + p.city + " "));
            if (d) { var s = document.createElement("small"); s.className = "muted"; s.textContent = "(" + d + ")"; l.appendChild(s); }
            list.appendChild(l);
          });
        })
        .catch(function () { say(box.dataset.unavailable); });
    }
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name === "shipping_method") { toggle(); if (!box.hidden && !$('input[name="pickup_point"]', box)) load(); }
    });
    form.addEventListener("sf:methods", toggle); // checkout.js re-listed the methods for a country
    if (find) find.addEventListener("click", function (ev) { ev.preventDefault(); load(); });
    if (pc) pc.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); load(); } });
    toggle();
  }

  function init() {
    var f = document.querySelector("form[data-sf-checkout]");
    if (f) initPickup(f);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
