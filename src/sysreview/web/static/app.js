/* sysreview: keyboard shortcuts on the screening page (i, e, m; r reason; n note; u undo). */
(function () {
  "use strict";
  var keys = { i: "btn-include", e: "btn-exclude", m: "btn-maybe" };
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      if (event.key === "Escape" && event.target && event.target.blur) { event.target.blur(); }
      return;
    }
    var key = event.key.toLowerCase();
    var undo = document.getElementById("btn-undo");
    if (key === "u" && undo) { event.preventDefault(); undo.click(); return; }
    var form = document.getElementById("decide");
    if (!form) { return; }
    if (key === "r") { event.preventDefault(); document.getElementById("reason").focus(); return; }
    if (key === "n") { event.preventDefault(); document.getElementById("note").focus(); return; }
    var button = keys[key] && document.getElementById(keys[key]);
    if (!button) { return; }
    event.preventDefault();
    button.click();  /* htmx sends the clicked button's name and value */
  });
})();
