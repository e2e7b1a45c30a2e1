/* Polls: vote without leaving the page and show the live result
   (GET/POST /api/polls/<id>, docs/retention.md). Without this script the form
   posts and the sidecar sends the browser back with a thank-you. */
(function () {
  "use strict";
  function show(form, r) {
    var out = form.querySelector("[data-poll-result]");
    if (!out || !r || !r.options) return;
    var labels = form.querySelectorAll(".poll__label");
    out.textContent = "";
    r.options.forEach(function (o) {
      var row = document.createElement("p");
      row.className = "poll__row" + (r.mine === o.index ? " poll__row--mine" : "");
      var name = document.createElement("span");
      name.className = "poll__name";
      name.textContent = (labels[o.index] ? labels[o.index].textContent : o.label) + " · " + o.percent + "%";
      var m = document.createElement("meter");
      m.min = 0; m.max = 100; m.value = o.percent;
      m.setAttribute("aria-hidden", "true");
      row.appendChild(name); row.appendChild(m);
      out.appendChild(row);
    });
    var total = document.createElement("p");
    total.className = "muted small";
    total.textContent = (r.total === 1 ? form.dataset.votesOne : form.dataset.votesMany).replace("{n}", r.total);
    out.appendChild(total);
    if (r.counting) {
      var how = document.createElement("p");
      how.className = "poll__how muted small";
      how.textContent = r.counting;
      out.appendChild(how);
    }
    out.hidden = false;
    if (typeof r.mine === "number") {
      var input = form.querySelector('input[name="option"][value="' + r.mine + '"]');
      if (input) input.checked = true;
    }
  }
  document.querySelectorAll("form[data-poll]").forEach(function (form) {
    var url = "/api/polls/" + encodeURIComponent(form.dataset.poll);
    // The page's language: the sidecar's words (how votes are counted)
    // otherwise follow the browser's Accept-Language.
    var lang = "?lang=" + encodeURIComponent(document.documentElement.lang || "");
    fetch(url + lang, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (r) { if (r && typeof r.mine === "number") show(form, r); })
      .catch(function () {});
    form.addEventListener("submit", function (ev) {
      var chosen = form.querySelector('input[name="option"]:checked');
      if (!chosen || !window.fetch) return;
      ev.preventDefault();
      fetch(url + "/vote" + lang, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ option: parseInt(chosen.value, 10) })
      })
        .then(function (res) { if (!res.ok) throw new Error(String(res.status)); return res.json(); })
        .then(function (r) { show(form, r); })
        .catch(function () { form.submit(); });
    });
  });
})();
