// After an embedded submit: send the whole embedding page to the form's redirect URL.
(function () {
  var link = document.getElementById("continue");
  if (!link) { return; }
  try { window.top.location.href = link.getAttribute("data-redirect"); } catch (error) { link.focus(); }
})();
