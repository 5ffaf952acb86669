// The network picture as a PNG: the page's own SVG drawn on a canvas by the
// browser, then downloaded. No library; nothing leaves the machine.
(function () {
  var b = document.getElementById("net-png");
  var svg = document.getElementById("network");
  if (!b || !svg) return;
  b.addEventListener("click", function () {
    var size = 1440;
    var data = new XMLSerializer().serializeToString(svg);
    var img = new Image();
    img.onload = function () {
      var c = document.createElement("canvas");
      c.width = size; c.height = size;
      var g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, size, size);
      g.drawImage(img, 0, 0, size, size);
      var a = document.createElement("a");
      a.download = b.getAttribute("data-name");
      a.href = c.toDataURL("image/png");
      document.body.appendChild(a); a.click(); a.remove();
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data);
  });
})();
