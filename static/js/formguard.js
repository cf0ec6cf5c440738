/* Krisrum: forms that scripts send never submit natively.
 *
 * The forms the page scripts handle (the log entry, a decision, a task …) have
 * neither action nor method. Submitted before their script has loaded (a fast
 * click on a slow machine or network), the browser would reload the page with
 * every field in the URL: the text lost from the form, and written into the
 * address bar, the history and the web server's access log. Loaded in <head>,
 * before any form exists, this listener stops that native submission; the page
 * script's own submit handler runs as usual once it is there. Forms with an
 * action or a method (login, search, hot wash) submit as usual.
 *
 * A press made while the page was still loading is not lost: the page scripts
 * attach their handlers when they run, before DOMContentLoaded, so the last
 * press of each such form is made again right after it, and its script answers
 * it (a confirmation asks first, as always). A press after that with no handler
 * is only stopped. */
(function () {
  "use strict";
  var early = [];  // [form, submitter] pressed while the document was loading, one per form

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || form.tagName !== "FORM" || form.hasAttribute("action") || form.hasAttribute("method")) return;
    ev.preventDefault();
    if (document.readyState !== "loading") return;
    early = early.filter(function (p) { return p[0] !== form; });
    early.push([form, ev.submitter || null]);
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    // After every listener of this event too: a script may finish its set-up there.
    window.setTimeout(function () {
      var pressed = early;
      early = [];
      pressed.forEach(function (p) {
        var form = p[0], submitter = p[1];
        if (!form.isConnected || !form.requestSubmit) return;
        if (submitter && (submitter.form !== form || submitter.disabled)) submitter = null;
        form.requestSubmit(submitter || undefined);
      });
    }, 0);
  });
})();
