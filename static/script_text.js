// The page's words for what dashboard scripts say: base.html's <body data-script-text>, with %(name)s filled in.
(function () {
  "use strict";
  var text = JSON.parse(document.body.getAttribute("data-script-text") || "{}");
  window.formhookText = function (key, values) {
    return (text[key] || key).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  };
})();
