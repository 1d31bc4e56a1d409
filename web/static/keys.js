// motcua — keyboard shortcuts of the officers' work lists (issue 19):
//   /      focus the search field
//   j, k   move to the next / previous dossier (its link takes the focus)
//   Enter  open the dossier whose link has the focus (the browser's own)
//   n, p   next / first page of the list
// Single-key shortcuts can be turned off (WCAG 2.1.4): the choice is kept
// in localStorage. Shortcuts never fire while typing in a field or with a
// modifier key held. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var KEY = "motcua.keys.off";
  function off() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-keys-list] tbody tr"));
  }
  function select(list, i) {
    list.forEach(function (r) { r.classList.remove("sel"); });
    var row = list[i];
    if (!row) { return; }
    row.classList.add("sel");
    var a = row.querySelector("a");
    if (a) { a.focus(); }
  }
  function current(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].contains(document.activeElement) || list[i].classList.contains("sel")) { return i; }
    }
    return -1;
  }
  function typing(el) {
    if (!el) { return false; }
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (e) {
    if (off() || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) { return; }
    var list, i, link;
    switch (e.key) {
      case "/":
        var q = document.querySelector("[data-keys-search]");
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        return;
      case "j":
      case "k":
        list = rows();
        if (!list.length) { return; }
        i = current(list);
        i = e.key === "j" ? Math.min(i + 1, list.length - 1) : Math.max(i - 1, 0);
        e.preventDefault();
        select(list, i);
        return;
      case "n":
      case "p":
        link = document.querySelector(e.key === "n" ? ".pager a[rel=next]" : ".pager a:not([rel=next])");
        if (link) { e.preventDefault(); link.click(); }
        return;
    }
  });
  // The on/off switch in the help box.
  document.addEventListener("change", function (e) {
    if (!e.target.matches || !e.target.matches("[data-keys-toggle]")) { return; }
    try { window.localStorage.setItem(KEY, e.target.checked ? "0" : "1"); } catch (err) { /* private mode */ }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var t = document.querySelector("[data-keys-toggle]");
    if (t) { t.checked = !off(); }
  });
})();
