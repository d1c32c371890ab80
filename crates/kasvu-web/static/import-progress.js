// The import progress page, kept up to date without reloading it (WCAG
// 2.2.1): asks the job's status endpoint every second and updates the bar,
// the polite status line, and, when the job ends, its error or the links
// to what changed. Without this script the page has a "check again" button.
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-status-url");
  var bar = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var check = document.getElementById("import-check");
  var lastSpoken = 0;
  var errors = 0;

  function show(v) {
    if (bar) {
      if (v.value === null || v.value === undefined) {
        bar.removeAttribute("value");
        bar.textContent = "";
      } else {
        bar.max = v.max;
        bar.value = v.value;
        bar.textContent = v.value + " / " + v.max;
      }
    }
    var now = Date.now();
    // A running count is told at most every five seconds, so a screen
    // reader is not interrupted by every row; the end is told at once.
    if (status && (!v.running || now - lastSpoken > 5000) && !v.error) {
      if (status.textContent !== v.status) {
        status.textContent = v.status;
        lastSpoken = now;
      }
    }
    if (v.running) { return false; }
    if (check) { check.hidden = true; }
    document.getElementById("import-another").hidden = false;
    if (v.error) {
      var barField = document.getElementById("import-bar");
      if (barField) { barField.hidden = true; }
      status.textContent = "";
      var tpl = document.getElementById("import-error-template");
      var box = tpl.content.cloneNode(true);
      box.querySelector(".import-error").textContent = v.error;
      document.getElementById("import-error").appendChild(box);
    } else {
      status.className = "notice";
      var list = document.getElementById("import-links");
      list.textContent = "";
      v.links.forEach(function (l) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = l.href;
        a.textContent = l.text;
        li.appendChild(a);
        list.appendChild(li);
      });
      document.getElementById("import-changed").hidden = v.links.length === 0;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (v) {
        errors = 0;
        if (!show(v)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () {
        // The button still works; stop after a few failures in a row.
        errors += 1;
        if (errors < 5) { window.setTimeout(poll, 2000); }
      });
  }
  window.setTimeout(poll, 1000);
}());
