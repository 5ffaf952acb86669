// The flows page (templates/flows.html): draws each flow's Mermaid diagram
// with the vendored mermaid, and runs the "try it" chat against the bot as
// a throwaway contact.
(function () {
  "use strict";
  if (window.mermaid) {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { htmlLabels: false }, theme: "neutral" });
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".flow-diagram[data-flow]"));
    var n = 0;
    var next = function () {
      var box = boxes.shift();
      if (!box) { document.body.dataset.diagrams = "done"; return; }
      var src = document.getElementById("src-" + box.dataset.flow).textContent;
      mermaid.render("mmd-" + (n++), src).then(function (r) {
        box.innerHTML = r.svg;
        box.dataset.rendered = "1";
      }).catch(function (e) {
        box.textContent = String(e && e.message ? e.message : e);
        box.dataset.rendered = "error";
      }).then(next);
    };
    next();
  }

  var panel = document.getElementById("try");
  if (!panel) return;
  var log = document.getElementById("try-log"), choices = document.getElementById("try-choices");
  var form = document.getElementById("try-form"), input = document.getElementById("try-text");
  var seq = 0;
  var line = function (cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    log.append(p);
    log.scrollTop = log.scrollHeight;
  };
  var post = function (url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  };
  var send = function (body, shown) {
    body.try_id = panel.dataset.tryId;
    body.seq = ++seq;
    line("me", shown);
    choices.replaceChildren();
    post("/dashboard/flows/try", body).then(function (d) {
      (d.messages || []).forEach(function (m) {
        line("bot", m.text);
        (m.choices || []).forEach(function (c) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = c.label;
          b.addEventListener("click", function () { send({ choice: c.value }, c.label); });
          choices.append(b);
        });
      });
      panel.dataset.turns = String(seq);
    }).catch(function () { line("bot", panel.dataset.tError); });
  };
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });
  // Leaving the page ends the try too, so no test contact is left behind
  // (a closed tab that did not get this far leaves one: Selesai ends it).
  window.addEventListener("pagehide", function () {
    if (panel.dataset.turns && navigator.sendBeacon) {
      navigator.sendBeacon("/dashboard/flows/try/end", JSON.stringify({ try_id: panel.dataset.tryId }));
    }
  });
  document.getElementById("try-end").addEventListener("click", function () {
    post("/dashboard/flows/try/end", { try_id: panel.dataset.tryId }).then(function (d) {
      panel.dataset.tryId = d.try_id;
      delete panel.dataset.turns;
      seq = 0;
      log.replaceChildren();
      choices.replaceChildren();
      line("bot", panel.dataset.tEnded);
      panel.dataset.ended = String((parseInt(panel.dataset.ended || "0", 10)) + 1);
    }).catch(function () { line("bot", panel.dataset.tError); });
  });
})();
