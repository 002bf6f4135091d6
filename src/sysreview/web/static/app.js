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
/* extraction grid: arrows, Enter and Tab move between cells; Ctrl+S saves; disclosures;
   the error summary's links focus their cell; focus kept (or on the summary) after a save. */
(function () {
  "use strict";
  function cellsOf(row) { return Array.prototype.slice.call(row.querySelectorAll("[data-cell]")); }
  function rowsOf(table) {
    return Array.prototype.filter.call(table.querySelectorAll("tr"), function (r) {
      return !r.closest("[hidden]") && r.querySelector("[data-cell]");
    });
  }
  function near(cells, col) {
    var best = cells[0];
    cells.forEach(function (c) {
      if (Math.abs(+c.dataset.col - col) < Math.abs(+best.dataset.col - col)) { best = c; }
    });
    return best;
  }
  function go(target) {
    if (!target) { return false; }
    target.focus();
    if (target.select) { target.select(); }
    return true;
  }
  function vertical(el, step) {
    var table = el.closest("table");
    var rows = rowsOf(table);
    var i = rows.indexOf(el.closest("tr")) + step;
    return i >= 0 && i < rows.length ? near(cellsOf(rows[i]), +el.dataset.col) : null;
  }
  function horizontal(el, step) {
    var cells = cellsOf(el.closest("tr"));
    return cells[cells.indexOf(el) + step] || null;
  }
  function atEdge(el, step) {
    if (el.tagName !== "INPUT") { return true; }
    if (el.selectionStart !== el.selectionEnd) { return false; }
    return step < 0 ? el.selectionStart === 0 : el.selectionEnd === el.value.length;
  }
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    var form = el && el.closest && el.closest("#grid-form");
    if (!form) { return; }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || !el.matches("[data-cell]")) { return; }
    if (event.key === "Enter") {
      event.preventDefault();  /* never an accidental save */
      var next = el.closest("table") ? vertical(el, event.shiftKey ? -1 : 1) : null;
      if (!next && !el.closest("table")) {
        var all = Array.prototype.slice.call(form.querySelectorAll("#study-fields [data-cell]"));
        next = all[all.indexOf(el) + (event.shiftKey ? -1 : 1)];
      }
      go(next);
      return;
    }
    if (!el.closest("table")) { return; }
    var moved = false;
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      moved = go(vertical(el, event.key === "ArrowUp" ? -1 : 1));
      if (!moved && el.tagName === "SELECT") { event.preventDefault(); }
    } else if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && !event.shiftKey) {
      var step = event.key === "ArrowLeft" ? -1 : 1;
      if (atEdge(el, step)) { moved = go(horizontal(el, step)); }
    }
    if (moved) { event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#grid-form button.disclose");
    if (button) {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
      return;
    }
    var link = event.target.closest && event.target.closest("#grid-errors a[data-focus]");
    if (link) {
      var cell = document.getElementById(link.dataset.focus);
      if (!cell) { return; }
      event.preventDefault();
      var more = cell.closest("tbody.more");
      if (more && more.hidden) { document.getElementById(more.id + "-button").click(); }
      cell.scrollIntoView({ block: "center" });
      cell.focus();
    }
  });
  function renumber(node, from, to) {
    /* names and ids of a new outcome row b = from, made row b = to (see _grid.html) */
    var swaps = [[new RegExp("^(block|out)\\." + from + "\\."), "$1." + to + "."],
                 [new RegExp("(g-block-|g-out-|h-b|more-|block-)" + from + "(?![0-9])", "g"), "$1" + to]];
    ["name", "id", "for", "aria-labelledby", "aria-controls", "aria-describedby"].forEach(function (a) {
      node.querySelectorAll("[" + a + "]").forEach(function (el) {
        var v = el.getAttribute(a);
        swaps.forEach(function (s) { v = v.replace(s[0], s[1]); });
        el.setAttribute(a, v);
      });
    });
    var own = node.getAttribute("id");
    if (own) { node.setAttribute("id", own.replace(swaps[1][0], swaps[1][1])); }
  }
  function addOutcome(form) {
    var blocks = form.querySelectorAll("tbody.outcome-block");
    var model = Array.prototype.filter.call(blocks, function (t) {
      return t.querySelector("select[name$='.outcome']");
    }).pop();
    if (!model) { return; }
    var from = model.id.split("-")[1];
    var to = 1 + Math.max.apply(null, Array.prototype.map.call(blocks, function (t) { return +t.id.split("-")[1]; }));
    var more = document.getElementById("more-" + from);
    var head = model.cloneNode(true), rest = more.cloneNode(true);
    [head, rest].forEach(function (node) {
      node.querySelectorAll(".field-error, .consensus").forEach(function (e) { e.remove(); });
      node.querySelectorAll("[data-cell]").forEach(function (c) { c.value = ""; c.removeAttribute("aria-invalid"); c.removeAttribute("aria-describedby"); });
      node.querySelectorAll("td.invalid").forEach(function (td) { td.classList.remove("invalid"); });
      node.querySelectorAll("input[type=hidden]").forEach(function (h) { h.remove(); });
      renumber(node, from, to);
    });
    head.querySelector("[id^='h-block-']").textContent = "New outcome row";
    var toggle = head.querySelector("button.disclose");
    toggle.setAttribute("aria-expanded", "false");
    rest.hidden = true;
    var after = form.querySelector("tbody.more:last-of-type");
    after.parentNode.insertBefore(rest, after.nextSibling);
    after.parentNode.insertBefore(head, rest);
    head.querySelector("[data-cell]").focus();
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("#grid-form #add-outcome");
    if (add) { addOutcome(add.closest("form")); }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    /* empty cells are not sent: the server reads a missing cell as an empty one, and a
       large grid stays within the server's limit on the number of fields */
    if (event.target.id !== "grid-form" || !event.detail.formData) { return; }
    var data = event.detail.formData, empty = [];
    data.forEach(function (value, key) { if (value === "") { empty.push(key); } });
    empty.forEach(function (key) { if (data.getAll(key).every(function (v) { return v === ""; })) { data.delete(key); } });
  });
  var last = null, pending = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id !== "grid-form") { return; }
    pending = true;
    last = document.activeElement && document.activeElement.id;
  });
  document.addEventListener("htmx:load", function (event) {
    /* the new grid is in the page (an outerHTML swap's old form is gone: no afterSwap) */
    if (!pending || !event.target.closest || !event.target.closest("#grid-form")) { return; }
    pending = false;
    var summary = document.getElementById("grid-errors");
    var back = last && document.getElementById(last);
    if (summary) { summary.focus(); } else if (back && back.id !== "grid-save") { back.focus(); }
    else { document.getElementById("grid-saved").focus(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("grid-errors");
    if (summary) { summary.focus(); }
  });
})();
