// Event pages of the Jejaring dashboard: the audience builder's live
// count, the broadcast funnel's live figures (server-sent events) and the
// print buttons. Plain script, no library: the pages work without it
// (the count has its own button, the funnel its figures at load).
(function () {
  "use strict";

  // Audience builder: re-count as the choices change.
  var form = document.getElementById("audience");
  if (form && window.fetch) {
    document.documentElement.classList.add("js");
    var timer = null, seq = 0;
    var recount = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = new URLSearchParams(new FormData(form));
        q.delete("confirm");
        q.delete("do");
        var mine = ++seq;
        var box = document.getElementById("count");
        box.setAttribute("aria-busy", "true");
        fetch(form.dataset.count + "?" + q.toString(), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(function (html) {
            if (mine !== seq) return;
            box.innerHTML = html;
            box.removeAttribute("aria-busy");
            form.dataset.counted = String(mine);
          })
          .catch(function () { box.removeAttribute("aria-busy"); });
      }, 250);
    };
    form.addEventListener("change", function (e) {
      if (e.target && e.target.name !== "confirm") recount();
    });
    form.addEventListener("input", function (e) {
      if (e.target && (e.target.name === "tags" || e.target.name === "since")) recount();
    });
  }

  // Funnel: figures pushed by the server.
  var funnel = document.getElementById("funnel");
  if (funnel && window.EventSource) {
    var fmt = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "id-ID");
    var es = new EventSource(funnel.dataset.live);
    var note = funnel.querySelector(".live-note");
    es.addEventListener("funnel", function (e) {
      var f = JSON.parse(e.data);
      if (note) note.hidden = false;
      funnel.querySelectorAll("[data-k]").forEach(function (el) {
        var k = el.dataset.k;
        if (k in f) el.textContent = k === "pct" ? String(f[k]) : fmt.format(f[k]);
      });
      var bar = funnel.querySelector("[data-bar]");
      if (bar) bar.value = f.pct;
      funnel.dataset.pct = String(f.pct);
      funnel.dataset.updates = String((+funnel.dataset.updates || 0) + 1);
    });
  }

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
