/* Formhook embed: puts the form in an auto-resizing iframe where this script tag stands. */
(function () {
  var script = document.currentScript;
  if (!script || !script.parentNode) { return; }
  var formUrl = {{ form_url|tojson }};
  var passKeys = {{ hidden_keys|tojson }};
  var page = new URLSearchParams(window.location.search);
  var query = new URLSearchParams();
  query.set("embed", "1");
  page.forEach(function (value, name) {
    // utm_* become submission meta; hidden-field keys fill those fields, as on the hosted page
    if (name.indexOf("utm_") === 0) { query.set("_" + name, value); }
    else if (passKeys.indexOf(name) !== -1) { query.set(name, value); }
  });
  query.set("_referrer", window.location.href);
  if (document.referrer) { query.set("_page_referrer", document.referrer); }

  var frame = document.createElement("iframe");
  frame.name = "formhook-" + Math.random().toString(36).slice(2);
  frame.title = {{ form.name|tojson }};
  frame.src = formUrl + "?" + query.toString();
  // load at once, wherever the tag stands: lazy iframes can wait seconds above the fold;
  // a page that embeds the form far below the fold may ask for lazy loading with data-loading="lazy"
  if (script.getAttribute("data-loading") === "lazy") { frame.setAttribute("loading", "lazy"); }
  frame.setAttribute("scrolling", "no");
  frame.style.cssText = "display:block;width:100%;max-width:640px;height:{{ initial_height }}px;border:0;overflow:hidden;";
  script.parentNode.insertBefore(frame, script);

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== frame.contentWindow || !data || data.formhook !== "resize") { return; }
    var height = Math.ceil(Number(data.height));
    if (height > 0) { frame.style.height = height + "px"; }
  });
})();
