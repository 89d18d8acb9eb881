(function () {
  "use strict";
  var here = location.pathname.replace(/^\/+/, "");
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  try { here = decodeURIComponent(here); } catch (e) {}
  // The server writes here the number of the last change this page shows, so a tab whose
  // channel opens after a rebuild is still told about it.
  // (Left as it is when the page did not come from the preview server: then no number is sent.)
  var since = "__NAMRONG_GENERATION__";
  var events = "__EVENTS__";
  if (since.charAt(0) !== "_") events += "?since=" + encodeURIComponent(since);
  var source = new EventSource(events);
  function overlay(text) {
    var box = document.getElementById("namrong-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "namrong-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.92);color:#fff;overflow:auto;padding:1.5rem;font:14px/1.5 ui-monospace,monospace";
      var h = document.createElement("p");
      h.style.cssText = "font:bold 18px/1.4 sans-serif;margin:0 0 1rem";
      h.textContent = "namrong: the last edit has errors; this page shows the last good version. Fix the file and save.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      box.appendChild(h);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  source.addEventListener("problem", function (e) {
    if (e.data) overlay(JSON.parse(e.data).text);
  });
  source.addEventListener("ok", function () {
    var box = document.getElementById("namrong-error");
    if (box) box.remove();
  });
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", Date.now());
      link.href = url.toString();
    });
  });
  source.addEventListener("reload", function (e) {
    var data = JSON.parse(e.data);
    if (data.all) return location.reload();
    var paths = data.paths;
    // Reload when this page changed, or a picture, font or script a page may show; data files,
    // feeds and the search index are read on demand and need no reload.
    var shown = paths.some(function (p) { return p === here || /\.(png|jpe?g|gif|svg|webp|avif|woff2?|js|pdf)$/i.test(p); });
    if (shown) location.reload();
  });
})();
