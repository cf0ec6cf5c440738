/* Forms that write to the record are sent once: a double click or a second
 * tap on a slow phone must not open two incidents (and send the call-out
 * twice). A form marked data-submit-once ignores every submit after the
 * first and shows its button as busy; coming back to the page (browser Back)
 * makes it usable again. (A submit button marked data-submit-once marks its form.) */
(function () {
  "use strict";
  function forms() {
    var list = Array.prototype.slice.call(document.querySelectorAll("form[data-submit-once]"));
    Array.prototype.forEach.call(document.querySelectorAll("button[data-submit-once]"), function (b) {
      if (b.form && list.indexOf(b.form) === -1) list.push(b.form);
    });
    return list;
  }
  forms().forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) return;  // another handler stopped it (e.g. a confirmation was declined)
      if (form.getAttribute("data-sent") === "true") { ev.preventDefault(); return; }
      form.setAttribute("data-sent", "true");
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (b) {
        b.setAttribute("aria-disabled", "true");
        b.classList.add("is-busy");
      });
    });
  });
  window.addEventListener("pageshow", function (ev) {
    if (!ev.persisted) return;  // only a page restored from the back-forward cache
    forms().forEach(function (form) {
      form.removeAttribute("data-sent");
      Array.prototype.forEach.call(form.querySelectorAll("[aria-disabled=true]"), function (b) {
        b.removeAttribute("aria-disabled");
        b.classList.remove("is-busy");
      });
    });
  });
})();
