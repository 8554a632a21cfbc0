// Inside an embed or preview iframe: tell the embedding page our height whenever it changes.
(function () {
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ formhook: "resize", height: height, frame: window.name }, "*");
  }
  window.addEventListener("load", report);
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.documentElement); }
  report();
})();
