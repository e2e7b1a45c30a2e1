// The discount code on the sidecar's cart page (docs/codes.md): applied or
// removed in place through POST or DELETE /api/cart/code; the server prices
// and renders the code box and the totals (this script never computes an
// amount). Served at /cart/code.js and loaded only by the cart page, so the
// site's shop.js (on every page) does not grow. Without it the form posts
// to /cart/code and the page comes back.
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }

  function initCartCode(box) {
    if (!window.fetch || !window.FormData) return;
    box.addEventListener("submit", function (ev) {
      var form = ev.target, input = $('input[name="code"]', form), msg = $("[data-sf-code-msg]", form);
      if (!form.matches("[data-sf-cart-code]") || !input || !msg) return;
      ev.preventDefault();
      var remove = !!(ev.submitter && ev.submitter.name === "remove");
      form.setAttribute("aria-busy", "true");
      // The page's language goes with both calls (a DELETE has no body: in
      // the query), not the one remembered since in another tab.
      var lang = String(new FormData(form).get("lang") || "");
      fetch(remove && lang ? form.dataset.api + "?lang=" + encodeURIComponent(lang) : form.dataset.api, {
        method: remove ? "DELETE" : "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: remove ? undefined : JSON.stringify({ code: input.value, lang: lang })
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, j: j }; });
      }).then(function (a) {
        form.removeAttribute("aria-busy");
        if (!a.ok) {
          if (!a.j || !a.j.error) throw new Error("no answer");
          msg.textContent = (a.j.fields && a.j.fields.code) || a.j.error;
          msg.className = "sf-error field-error";
          input.setAttribute("aria-invalid", "true");
          return;
        }
        box.innerHTML = a.j.summary_html;
        var again = $('input[name="code"]', box);
        if (again) again.focus();
      }).catch(function () { // what the page does without us
        if (remove) {
          var h = document.createElement("input");
          h.type = "hidden"; h.name = "remove"; h.value = "1";
          form.appendChild(h);
        }
        form.submit();
      });
    });
  }

  function init() { Array.prototype.forEach.call(document.querySelectorAll("[data-sf-cart-sum]"), initCartCode); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
