// The door page (templates/checkin.html): reads QR codes with the camera
// (BarcodeDetector where the browser has one, jsQR otherwise), takes typed
// codes and name searches, and sends every scan with an id of its own. A
// scan waits in localStorage until the server has answered it, and is
// sent again (same id) after a dropped connection: the server answers a
// known id with its first answer, so nothing is lost or counted twice.
(function () {
  "use strict";
  var root = document.getElementById("door");
  if (!root) return;
  var T = function (k) { return root.getAttribute("data-t-" + k) || ""; };
  var fmt = function (s) {
    var args = Array.prototype.slice.call(arguments, 1);
    return s.replace(/%[ds]/g, function () { return String(args.shift()); });
  };
  var key = "jejaring.door." + root.dataset.event;
  var scanURL = root.dataset.scanUrl, findURL = root.dataset.findUrl;
  var resultBox = document.getElementById("door-result");
  var pendingBox = document.getElementById("door-pending");
  var logList = document.getElementById("door-log");
  var countBox = document.getElementById("door-count");

  // The queue: [{id, code, at}] in localStorage, oldest first.
  var load = function () {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  };
  var save = function (q) { localStorage.setItem(key, JSON.stringify(q)); };
  var newID = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  };
  var clock = function (ms) {
    var d = new Date(ms + 7 * 3600 * 1000); // WIB
    var p = function (n) { return ("0" + n).slice(-2); };
    return p(d.getUTCHours()) + "." + p(d.getUTCMinutes()) + " WIB";
  };

  var showPending = function (offline) {
    var n = load().length;
    if (n === 0 && !offline) { pendingBox.hidden = true; pendingBox.textContent = ""; return; }
    pendingBox.hidden = false;
    pendingBox.textContent = offline ? T("offline") + (n ? " " + fmt(T("pending"), n) : "") : T("sending");
    pendingBox.dataset.pending = String(n);
  };

  var show = function (a, scan) {
    var p = document.createElement("p");
    p.className = a.outcome === "ok" ? "door-ok" : "door-bad";
    p.dataset.outcome = a.outcome;
    p.textContent = a.text;
    resultBox.replaceChildren(p);
    var li = document.createElement("li");
    li.className = p.className;
    li.dataset.outcome = a.outcome;
    li.dataset.code = a.code || "";
    var late = Date.now() - scan.at > 10000 ? " " + fmt(T("late"), clock(scan.at)) : "";
    li.textContent = a.text + late;
    logList.prepend(li);
    while (logList.children.length > 20) logList.lastChild.remove();
    if (typeof a.checked_in === "number" && countBox) {
      countBox.textContent = countBox.textContent.replace(/\d+/, String(a.checked_in));
    }
    if (navigator.vibrate) navigator.vibrate(a.outcome === "ok" ? 80 : [80, 60, 80]);
  };

  var sending = false, backoff = 1000, timer = 0;
  var later = function () {
    clearTimeout(timer);
    timer = setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, 15000);
  };
  var flush = function () {
    if (sending) return;
    var q = load();
    if (!q.length) { showPending(false); return; }
    sending = true;
    var scan = q[0];
    fetch(scanURL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ scan_id: scan.id, code: scan.code })
    }).then(function (res) {
      if (res.status === 401) { sending = false; pendingBox.hidden = false; pendingBox.textContent = T("expired"); later(); return; }
      if (!res.ok && res.status !== 400) throw new Error("HTTP " + res.status);
      return res.json().then(function (a) {
        var rest = load().filter(function (s) { return s.id !== scan.id; });
        save(rest);
        sending = false;
        backoff = 1000;
        if (res.ok) show(a, scan);
        showPending(false);
        if (qInput.value.trim()) search(); // the list shows the new check-in
        flush();
      });
    }).catch(function () {
      sending = false;
      showPending(true);
      later();
    });
  };
  var enqueue = function (code) {
    code = String(code || "").trim();
    if (!code) return;
    var q = load();
    q.push({ id: newID(), code: code, at: Date.now() });
    save(q);
    showPending(false);
    flush();
  };
  window.addEventListener("online", flush);

  // Typed codes.
  var codeForm = document.getElementById("door-code-form");
  codeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var input = document.getElementById("door-code");
    enqueue(input.value);
    input.value = "";
    input.focus();
  });

  // Name search.
  var found = document.getElementById("door-found");
  var findForm = document.getElementById("door-find-form");
  var qInput = document.getElementById("door-q");
  var searchTimer = 0;
  var search = function () {
    var q = qInput.value.trim();
    if (!q) { found.replaceChildren(); return; }
    fetch(findURL + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (d) {
        if (qInput.value.trim() !== q) return;
        found.replaceChildren();
        (d.found || []).forEach(function (f) {
          var li = document.createElement("li");
          var who = document.createElement("span");
          who.className = "door-who";
          var b = document.createElement("strong");
          b.textContent = f.name;
          who.append(b, (f.business ? " · " + f.business : "") + " · " + f.kecamatan, document.createElement("br"));
          var h = document.createElement("span");
          h.className = "hint";
          h.textContent = f.status + " · " + fmt(T("party"), f.party_size) + (f.first_at ? " · " + fmt(T("already"), f.first_at) : "");
          who.append(h);
          li.append(who);
          if (f.going && !f.first_at) {
            var btn = document.createElement("button");
            btn.type = "button";
            btn.textContent = T("checkin");
            btn.dataset.code = f.code;
            btn.addEventListener("click", function () { enqueue(f.code); btn.disabled = true; btn.textContent = T("sending"); });
            li.append(btn);
          }
          found.append(li);
        });
        if (!found.children.length) {
          var none = document.createElement("li");
          none.className = "hint";
          none.textContent = T("none");
          found.append(none);
        }
      })
      .catch(function () {
        found.replaceChildren();
        var li = document.createElement("li");
        li.className = "hint";
        li.textContent = T("searchoff");
        found.append(li);
      });
  };
  findForm.addEventListener("submit", function (e) { e.preventDefault(); search(); });
  qInput.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(search, 250); });

  // The camera.
  var video = document.getElementById("door-video");
  var startBtn = document.getElementById("door-start");
  var nextBtn = document.getElementById("door-next");
  var camState = document.getElementById("door-camstate");
  var canvas = document.createElement("canvas");
  var ctx2d = canvas.getContext("2d", { willReadFrequently: true });
  var detector = null, lastCode = "", lastAt = 0, running = false;
  var decode = function () {
    if (detector) {
      return detector.detect(video).then(function (cs) { return cs.length ? cs[0].rawValue : ""; });
    }
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h || typeof jsQR !== "function") return Promise.resolve("");
    var scale = Math.min(1, 640 / w);
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx2d.drawImage(video, 0, 0, canvas.width, canvas.height);
    var img = ctx2d.getImageData(0, 0, canvas.width, canvas.height);
    var r = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(r ? r.data : "");
  };
  var tick = function () {
    if (!running) return;
    decode().then(function (text) {
      // The same code in front of the camera is read once, until "next"
      // is pressed or it has been out of sight for 3 s.
      if (text && text === lastCode) {
        lastAt = Date.now();
      } else if (text) {
        lastCode = text;
        lastAt = Date.now();
        enqueue(text);
        nextBtn.hidden = false;
      } else if (!text && lastCode && Date.now() - lastAt > 3000) {
        lastCode = "";
      }
    }).catch(function () {}).then(function () { setTimeout(tick, 150); });
  };
  var start = function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      camState.textContent = fmt(T("camerr"), "getUserMedia");
      return;
    }
    var ready = Promise.resolve();
    if ("BarcodeDetector" in window) {
      ready = BarcodeDetector.getSupportedFormats().then(function (fs) {
        if (fs.indexOf("qr_code") >= 0) detector = new BarcodeDetector({ formats: ["qr_code"] });
      }).catch(function () {});
    }
    ready.then(function () {
      if (!detector && typeof jsQR !== "function") { camState.textContent = T("decoder"); return; }
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
        video.srcObject = stream;
        return video.play().then(function () {
          running = true;
          root.dataset.decoder = detector ? "BarcodeDetector" : "jsQR";
          camState.textContent = T("camon");
          startBtn.hidden = true;
          tick();
        });
      });
    }).catch(function (e) {
      camState.textContent = fmt(T("camerr"), e && e.name ? e.name : String(e));
      startBtn.hidden = false;
    });
  };
  startBtn.addEventListener("click", start);
  nextBtn.addEventListener("click", function () {
    lastCode = "";
    resultBox.replaceChildren();
    nextBtn.hidden = true;
  });
  startBtn.hidden = false;
  start();
  showPending(false);
  flush();
})();
