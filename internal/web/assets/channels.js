// The channels page (templates/channels.html): links the office's WhatsApp
// number in the browser. The server streams the pairing as server-sent
// events: "qr" (a PNG of each QR code, they change every ~20 s), "code"
// (the pairing code when a phone number was given), then "done" or "fail".
(function () {
  "use strict";
  var pair = document.getElementById("pair");
  if (!pair) return;
  var T = function (k) { return pair.getAttribute("data-t-" + k) || ""; };
  var status = document.getElementById("pair-status");
  var box = document.getElementById("pair-box"), img = document.getElementById("pair-img");
  var codeBox = document.getElementById("pair-code");
  var es = null;
  var open = function (phone) {
    if (es) es.close();
    box.hidden = true;
    codeBox.hidden = true;
    status.textContent = T("wait");
    pair.dataset.state = "waiting";
    var url = pair.dataset.url + (phone ? "?phone=" + encodeURIComponent(phone) : "");
    es = new EventSource(url);
    var qrs = 0;
    es.addEventListener("qr", function (e) {
      qrs++;
      img.src = e.data;
      img.dataset.seq = String(qrs);
      box.hidden = false;
      status.textContent = T("scan");
      pair.dataset.state = "qr";
    });
    es.addEventListener("code", function (e) {
      codeBox.textContent = e.data;
      codeBox.hidden = false;
      status.textContent = T("code");
      pair.dataset.state = "code";
    });
    var end = function (state) {
      return function (e) {
        es.close();
        es = null;
        box.hidden = true;
        status.textContent = e.data;
        pair.dataset.state = state;
        if (state === "done") setTimeout(function () { location.reload(); }, 4000);
      };
    };
    es.addEventListener("done", end("done"));
    es.addEventListener("fail", end("fail"));
    es.onerror = function () {
      if (!es) return;
      es.close();
      es = null;
      status.textContent = T("lost");
      pair.dataset.state = "lost";
    };
  };
  document.getElementById("pair-qr").addEventListener("click", function () { open(""); });
  document.getElementById("pair-phone-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var phone = document.getElementById("pair-phone").value.trim();
    if (phone) open(phone);
  });
})();
