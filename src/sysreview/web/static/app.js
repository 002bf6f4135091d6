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
/* arbiter and administrator screens: the duplicate review's keys (a same record, r different). */
(function () {
  "use strict";
  var keys = { a: "btn-accept", r: "btn-reject" };
  var sent = false;  /* one decision per page, even when a key is held down */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || sent) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
    if (!document.getElementById("dedup-decide")) { return; }
    var button = keys[event.key.toLowerCase()] && document.getElementById(keys[event.key.toLowerCase()]);
    if (!button) { return; }
    event.preventDefault();
    sent = true;
    button.click();  /* the form posts the clicked button's name and value */
  });
})();
