// Inside an embed iframe: tell the embedding page our height whenever it changes.
(function () {
  function report() {
    var height = document.documentElement.scrollHeight;
    window.parent.postMessage({ formhook: "resize", height: height, frame: window.name }, "*");
  }
  window.addEventListener("load", report);
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
  report();
})();
