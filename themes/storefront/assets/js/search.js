/* Storefront site search: the matching of checkout/search (Go), kept in step
   with it (e2e/search_test.go checks both give the same answer). Loaded by
   shop.js when the visitor first uses the search field; it defines
   window.sfSearchPrepare(index) and window.sfSearch(index, query, limit).
   See docs/theme.md, Search. */
(function () {
  "use strict";
  var FOLD = { "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "a", "å": "a", "ç": "c", "è": "e", "é": "e", "ê": "e", "ë": "e",
    "ì": "i", "í": "i", "î": "i", "ï": "i", "ñ": "n", "ò": "o", "ó": "o", "ô": "o", "õ": "o", "ö": "o", "ø": "o",
    "ù": "u", "ú": "u", "û": "u", "ü": "u", "ý": "y", "ÿ": "y" };
  function terms(s, limit) {
    if (limit) s = s.slice(0, 200);
    var out = s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(function (w) {
      return Array.from(w).map(function (c) { return FOLD[c] || c; }).slice(0, 40).join("");
    });
    return limit ? out.slice(0, limit) : out;
  }
  function allowed(t) { var n = Array.from(t).length; return n >= 8 ? 2 : n >= 4 ? 1 : 0; }
  function distance(a, b) {
    var p2 = [], p = [], c = [], i, j;
    for (j = 0; j <= b.length; j++) p[j] = j;
    for (i = 1; i <= a.length; i++) {
      c = [i];
      for (j = 1; j <= b.length; j++) {
        c[j] = Math.min(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c[j] = Math.min(c[j], p2[j - 2] + 1);
      }
      p2 = p; p = c;
    }
    return p[b.length];
  }
  function within(a, b, k) {
    a = Array.from(a); b = Array.from(b);
    return Math.abs(a.length - b.length) <= k && distance(a, b) <= k;
  }
  function match(t, w) {
    if (w === t) return 3;
    if (t.length >= 2 && w.indexOf(t) === 0) return 2;
    var k = allowed(t);
    return k > 0 && within(t, w, k) ? 1 : 0;
  }
  function prepare(ix) {
    var id = {}, vocab = [], inTitle = [], inAll = [];
    function add(w, d, title) {
      if (!(w in id)) { id[w] = vocab.length; vocab.push(w); inTitle.push([]); inAll.push([]); }
      var l = (title ? inTitle : inAll)[id[w]];
      if (l[l.length - 1] !== d) l.push(d);
    }
    ix.docs.forEach(function (doc, d) {
      terms(doc.t).forEach(function (w) { add(w, d, true); add(w, d, false); });
      terms(doc.w || "").forEach(function (w) { add(w, d, false); });
    });
    ix.vocab = vocab; ix.inTitle = inTitle; ix.inAll = inAll;
    return ix;
  }
  var KIND = { product: 0, story: 1, guide: 2, maker: 3 };
  function searchIndex(ix, q, limit) {
    var ts = terms(q, 8), n = ix.docs.length, total = new Array(n).fill(0);
    if (!ts.length) return [];
    ts.forEach(function (t, ti) {
      var sc = new Array(n).fill(0);
      ix.vocab.forEach(function (w, wi) {
        var m = match(t, w);
        if (!m) return;
        ix.inAll[wi].forEach(function (d) { sc[d] = Math.max(sc[d], 2 * m); });
        ix.inTitle[wi].forEach(function (d) { sc[d] = Math.max(sc[d], 3 * m); });
      });
      for (var d = 0; d < n; d++) total[d] = (!sc[d] || (ti > 0 && !total[d])) ? 0 : total[d] + sc[d];
    });
    var hits = [];
    total.forEach(function (s, d) { if (s > 0) hits.push({ doc: ix.docs[d], score: s }); });
    hits.sort(function (a, b) {
      return (b.score - a.score) || (KIND[a.doc.k] - KIND[b.doc.k]) || (a.doc.t < b.doc.t ? -1 : a.doc.t > b.doc.t ? 1 : 0);
    });
    return limit ? hits.slice(0, limit) : hits;
  }
  window.sfSearch = searchIndex;
  window.sfSearchPrepare = prepare;

})();
