/* The site register page: filter the table by text and category, confirm
 * before retiring a site, and move focus to the error summary of a form
 * that came back with errors. Everything also works without JavaScript. */
(function () {
  "use strict";
  var K = window.Krisrum;

  var errors = document.getElementById("site-errors");
  if (errors) errors.focus();

  var strings = document.getElementById("register-strings");
  var confirmText = strings ? strings.getAttribute("data-confirm-retire") : "";
  // Retiring asks first, in a proper dialog (K.confirmDialog); the form is
  // sent only after "Avregistrera" in the dialog.
  Array.prototype.forEach.call(document.querySelectorAll(".retire-form"), function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-confirmed") === "true") return;
      ev.preventDefault();
      if (!K.confirmDialog) {
        if (window.confirm(K.fmt(confirmText, { name: form.getAttribute("data-name") }))) form.submit();
        return;
      }
      K.confirmDialog({
        title: strings.getAttribute("data-retire-title"),
        text: K.fmt(confirmText, { name: form.getAttribute("data-name") }),
        confirmLabel: strings.getAttribute("data-retire-button"),
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
    if (count && strings) count.textContent = K.fmt(strings.getAttribute("data-count"), { shown: shown, total: rows.length });
  }
  text.addEventListener("input", apply);
  category.addEventListener("change", apply);
  document.getElementById("register-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });
  apply();
})();
