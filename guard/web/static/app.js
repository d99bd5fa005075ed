// Keyboard shortcuts only; every page works without this file.
// Queue: j/k move between rows, Enter opens (the row's link has focus).
// Case and anomaly: a acknowledges, c confirms, d moves to the dismiss
// reason (on a case page, of the whole case).
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function click(id) {
    var b = document.getElementById(id);
    if (b) { b.click(); return true; }
    return false;
  }
  function move(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("tr[data-row] a.open"));
    if (!links.length) return false;
    var row = document.activeElement && document.activeElement.closest("tr[data-row]");
    var i = row ? links.indexOf(row.querySelector("a.open")) : -1;
    var next = i < 0 ? 0 : Math.min(links.length - 1, Math.max(0, i + step));
    links[next].focus();
    return true;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var done = false;
    switch (e.key) {
      case "j": done = move(1); break;
      case "k": done = move(-1); break;
      case "a": done = click("btn-ack"); break;
      case "c": done = click("btn-confirm"); break;
      case "d":
        var r = document.getElementById("dismiss-reason");
        if (r) { r.focus(); done = true; }
        break;
    }
    if (done) e.preventDefault();
  });
})();
