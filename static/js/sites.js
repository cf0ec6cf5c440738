/* The site register page: filter the table by text and category, confirm
 * before retiring a site, and move focus to the error summary of a form
 * that came back with errors (the edit page too). Everything also works
 * without JavaScript. */
(function () {
  "use strict";
  var K = window.Krisrum;

  var errors = document.getElementById("site-errors");
  if (errors) errors.focus();

  K.boot("register-strings", function (strings, cfg) {
    // Retiring asks first, in the shared dialog; the form is sent only after
    // "Avregistrera" in the dialog.
    Array.prototype.forEach.call(document.querySelectorAll(".retire-form"), function (form) {
      form.addEventListener("submit", function (ev) {
        if (form.getAttribute("data-confirmed") === "true") return;
        ev.preventDefault();
        K.confirmDialog({
          title: cfg.retireTitle,
          text: K.fmt(cfg.confirmRetire, { name: form.getAttribute("data-name") }),
          confirmLabel: cfg.retireButton,
          danger: true
        }).then(function (ok) {
          if (!ok) return;
          form.setAttribute("data-confirmed", "true");
          form.submit();
        });
      });
    });

    var table = document.getElementById("register-table");
    var text = document.getElementById("filter-site-text");
    var category = document.getElementById("filter-site-category");
    var count = document.getElementById("register-count");
    if (!table || !text || !category) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-category]"));

    function apply() {
      var q = text.value.trim().toLowerCase();
      var c = category.value;
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!c || row.getAttribute("data-category") === c) &&
                 (!q || (row.getAttribute("data-search") || "").indexOf(q) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = K.fmt(cfg.count, { shown: shown, total: rows.length });
    }
    text.addEventListener("input", apply);
    category.addEventListener("change", apply);
    document.getElementById("register-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });
    apply();
  });
})();
