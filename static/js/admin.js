/* User administration: the steps that cannot be taken back, or that throw a
 * person out at once, ask first in K.confirmDialog (revoking an API token;
 * deactivating a user). A form carries its question in data-confirm-*
 * attributes; a user row asks only when "Aktiv" goes from on to off. */
(function () {
  "use strict";
  var K = window.Krisrum;
  if (!K || !K.confirmDialog) return;

  function ask(form, opts) {
    K.confirmDialog(opts).then(function (res) {
      if (!res) return;
      form.setAttribute("data-confirmed", "true");
      form.submit();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm-title]"), function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-confirmed") === "true") return;
      ev.preventDefault();
      ask(form, { title: form.getAttribute("data-confirm-title"), text: form.getAttribute("data-confirm-text"),
                  confirmLabel: form.getAttribute("data-confirm-label"), danger: true });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-deactivate-title]"), function (form) {
    var active = form.querySelector("input[type=checkbox]");
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-confirmed") === "true" || !active || active.checked || !active.defaultChecked) return;
      ev.preventDefault();
      ask(form, { title: form.getAttribute("data-deactivate-title"), text: form.getAttribute("data-deactivate-text"),
                  confirmLabel: form.getAttribute("data-deactivate-label"), danger: true });
    });
  });
})();
