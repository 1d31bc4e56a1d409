// motcua — the few behaviours that need script beyond htmx (no inline
// scripts: the Content-Security-Policy forbids them).
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-print]");
  if (b) { e.preventDefault(); window.print(); }
});
// After an htmx swap that replaced a field's error, mark the field invalid
// for assistive technology.
document.addEventListener("htmx:afterSwap", function (e) {
  var t = e.detail.target;
  if (!t || !t.id || t.id.indexOf("err-") !== 0) { return; }
  var f = document.getElementById(t.id.slice(4));
  var err = document.getElementById(t.id);
  if (f && err) { f.setAttribute("aria-invalid", err.textContent.trim() ? "true" : "false"); }
});
