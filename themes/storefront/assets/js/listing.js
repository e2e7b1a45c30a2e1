/* Storefront: filter and sort on category, tag and facet pages, in place from
   the category's JSON index, state kept in the URL query; on a paginated
   listing a filter or sort spans every page (cards of other pages built from
   the index). Loaded only by the listing pages (_partials/listing.html), so
   product pages do not carry it. Every page works without this script.
   See docs/theme.md. */
(function () {
  "use strict";
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function fill(tpl, vals) { return tpl.replace(/\{(\w+)\}/g, function (_, k) { return vals[k] != null ? vals[k] : ""; }); }

  /* ---------- category pages: filters and sort in place ---------- */
  function initFacets(form) {
    var grid = $("[data-grid]"), results = $("[data-results]"), none = $("[data-no-results]");
    if (!grid || !form.dataset.index || !window.fetch || !window.URLSearchParams) return;
    var base = new URL(form.getAttribute("action"), location.href).pathname;
    fetch(form.dataset.index, { headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
      .then(function (index) {
        var byUrl = {};
        index.products.forEach(function (p) { byUrl[p.url] = p; });
        var cards = $$(".card", grid);
        var sortInput = $('input[name="sort"]', form);
        var defaultSort = grid.dataset.order || "price-asc";
        /* A paginated listing (more pages than this one): a filter or another sort
           order covers every page, so the list is built from the index, cards of
           other pages from the template, a page at a time behind "show more". */
        var paged = (parseInt(grid.dataset.pages, 10) || 1) > 1;
        var tpl = $("template[data-card-template]"), more = $("[data-more]"), pager = $("[data-pager]");
        var pageSize = parseInt(form.dataset.pageSize, 10) || 24, limit = pageSize;
        var staticCards = cards.slice(), staticText = results ? results.textContent : "";
        var byCard = {};
        cards.forEach(function (c) { byCard[c.dataset.url] = c; });
        var details = form.closest("details");
        var toggle = details && $("[data-filters-toggle]", details);
        if (details && window.matchMedia && window.matchMedia("(min-width: 60em)").matches) details.open = true;
        form.hidden = false;
        /* the form combines filters in place: the single-facet links give way to it */
        $$("[data-facet-links]").forEach(function (n) { n.hidden = true; });

        function build(p) {
          var c = p.card || {}, li = tpl.content.firstElementChild.cloneNode(true);
          li.dataset.url = p.url; li.dataset.price = p.price; li.dataset.sku = p.sku;
          li.dataset.name = p.title; li.dataset.date = p.date;
          $("a", li).setAttribute("href", p.url);
          var img = $("img", li);
          if (c.img) { img.src = c.img; img.alt = c.alt || ""; } else img.remove();
          $(".card__title", li).textContent = p.title;
          $("strong", li).textContent = c.price || "";
          if (!c.from) $("[data-from]", li).remove();
          $(".card__vat", li).textContent = c.vat || "";
          $(".card__meta", li).textContent = c.meta || "";
          byCard[p.url] = li;
          return li;
        }
        function state() {
          var s = new URLSearchParams();
          $$("input", form).forEach(function (i) {
            if (i.name === "sort") return;
            if ((i.type === "checkbox" && i.checked) || (i.type === "number" && i.value !== "")) s.append(i.name, i.value);
          });
          var sort = sortInput.value || defaultSort;
          if (sort !== "price-asc") s.set("sort", sort);
          return s;
        }
        function load(q) {
          $$("input", form).forEach(function (i) {
            if (i.type === "checkbox") i.checked = q.getAll(i.name).indexOf(i.value) >= 0;
            else if (i.type === "number") i.value = q.get(i.name) || "";
          });
          var sort = q.get("sort");
          sortInput.value = index.orders.indexOf(sort) >= 0 ? sort : (q.toString() || location.pathname === base ? "price-asc" : defaultSort);
        }
        function matches(p, q) {
          var min = parseFloat(q.get("min")), max = parseFloat(q.get("max"));
          if (!isNaN(min) && p.price < Math.round(min * 100)) return false;
          if (!isNaN(max) && p.price > Math.round(max * 100)) return false;
          var del = q.getAll("delivery");
          if (del.length && del.indexOf(p.delivery) < 0) return false;
          for (var i = 0; i < index.facets.length; i++) {
            var f = index.facets[i], want = q.getAll(f.param);
            if (want.length && want.indexOf(p.specs[f.param]) < 0) return false;
          }
          return true;
        }
        function show(els) {
          grid.textContent = "";
          els.forEach(function (c) { c.hidden = false; grid.appendChild(c); });
        }
        function render() {
          var q = state(), sort = sortInput.value || "price-asc", shown = 0, active = 0;
          q.forEach(function (_, k) { if (k !== "sort") active++; });
          if (toggle) toggle.textContent = toggle.dataset.label + (active ? " (" + active + ")" : "");
          if (!paged) {
            cards.sort(function (a, b) {
              var pa = byUrl[a.dataset.url], pb = byUrl[b.dataset.url];
              return (pa ? pa.rank[sort] : 1e9) - (pb ? pb.rank[sort] : 1e9);
            });
            cards.forEach(function (c) {
              var p = byUrl[c.dataset.url];
              var ok = !p || matches(p, q);
              c.hidden = !ok;
              if (ok) shown++;
              grid.appendChild(c);
            });
            if (results) results.textContent = fill(shown === 1 ? results.dataset.one : results.dataset.many, { n: shown });
          } else if (!active && sort === defaultSort) {
            /* this page as the build wrote it, with its links to the other pages */
            show(staticCards);
            shown = staticCards.length;
            if (pager) pager.hidden = false;
            if (more) more.hidden = true;
            if (results) results.textContent = staticText;
          } else {
            var list = index.products.filter(function (p) { return matches(p, q); });
            list.sort(function (a, b) { return a.rank[sort] - b.rank[sort]; });
            shown = list.length;
            show(list.slice(0, limit).map(function (p) { return byCard[p.url] || build(p); }));
            if (pager) pager.hidden = true;
            if (more) more.hidden = shown <= limit;
            if (results) results.textContent = fill(shown === 1 ? results.dataset.one : results.dataset.many, { n: shown });
          }
          grid.dataset.order = sort;
          if (none) none.hidden = shown > 0;
          $$("[data-sort]").forEach(function (a) {
            if (a.dataset.sort === sort) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
          });
        }
        function rerender() { limit = pageSize; render(); }
        if (more) $("button", more).addEventListener("click", function () { limit += pageSize; render(); });
        function push(replace) {
          var qs = state().toString();
          var url = base + (qs ? "?" + qs : "");
          if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
        }

        load(new URLSearchParams(location.search));
        render();
        form.addEventListener("change", function () { rerender(); push(true); });
        form.addEventListener("input", function (e) { if (e.target.type === "number") { rerender(); push(true); } });
        form.addEventListener("submit", function (e) { e.preventDefault(); rerender(); push(true); });
        var reset = $("[data-facets-reset]", form);
        if (reset) reset.addEventListener("click", function (e) {
          e.preventDefault();
          load(new URLSearchParams(sortInput.value !== "price-asc" ? "sort=" + sortInput.value : ""));
          rerender(); push(false);
        });
        $$("[data-sort]").forEach(function (a) {
          a.addEventListener("click", function (e) {
            var filtered = false;
            state().forEach(function (_, k) { if (k !== "sort") filtered = true; });
            if (paged && !filtered) return; /* the static sort page, with its own pages */
            e.preventDefault();
            sortInput.value = a.dataset.sort;
            rerender(); push(false);
          });
        });
        window.addEventListener("popstate", function () { load(new URLSearchParams(location.search)); rerender(); });
      })
      .catch(function () { /* no index: the static sort pages and the plain list stay */ });
  }

  function init() { $$("form[data-facets]").forEach(initFacets); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
