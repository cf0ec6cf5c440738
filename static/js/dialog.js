/* Krisrum: one accessible confirmation dialog for irreversible steps
 * (closing an incident, ending an exercise, approving a report, …).
 *
 *   K.confirmDialog({title, text, confirmLabel, danger, reason: {label, required}})
 *     -> Promise resolving to {reason} on confirm (reason "" when no reason field),
 *        or null when cancelled (Cancel button, Esc, or closing the dialog).
 *
 * Built on the native <dialog> element opened with showModal(): the rest of the
 * page is inert, focus stays inside (Tab and Shift+Tab wrap), Esc cancels, and
 * focus returns to the element that opened it. Texts come from the page's K.t
 * strings (Swedish by default). User text is set with textContent only. */
(function () {
  "use strict";
  var K = (window.Krisrum = window.Krisrum || {});
  var counter = 0;

  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (n) { return !n.disabled && !n.hidden && n.offsetParent !== null; });
  }

  K.confirmDialog = function (opts) {
    opts = opts || {};
    var t = K.t || {};
    var id = "kdlg-" + (++counter);
    var opener = document.activeElement;
    var reasonOpts = opts.reason || null;

    return new Promise(function (resolve) {
      var settled = false;
      var area = null, err = null;
      var children = [K.el("h2", { id: id + "-title", class: "dialog-title", text: opts.title || t.dialog_confirm || "" })];
      if (opts.text) children.push(K.el("p", { id: id + "-text", class: "dialog-text", text: opts.text }));
      if (reasonOpts) {
        area = K.el("textarea", { id: id + "-reason", rows: 3, maxlength: 2000,
                                  required: reasonOpts.required ? true : null,
                                  "aria-required": reasonOpts.required ? "true" : null,
                                  "aria-describedby": id + "-error" });
        err = K.el("p", { id: id + "-error", class: "form-error", role: "alert" });
        children.push(K.el("div", { class: "field" }, [
          K.el("label", { for: id + "-reason", text: reasonOpts.label || t.dialog_reason || "" }), area]));
        children.push(err);
      }
      var cancelBtn = K.el("button", { type: "button", class: "dialog-cancel", text: opts.cancelLabel || t.dialog_cancel || "Avbryt" });
      var okBtn = K.el("button", { type: "submit", class: "dialog-confirm " + (opts.danger ? "danger" : "primary"),
                                   text: opts.confirmLabel || t.dialog_confirm || "OK" });
      var form = K.el("form", { method: "dialog", novalidate: true }, children.concat([
        K.el("div", { class: "dialog-actions" }, [cancelBtn, okBtn])]));
      var dlg = K.el("dialog", { class: "confirm-dialog" + (opts.danger ? " danger" : ""),
                                 "aria-labelledby": id + "-title",
                                 "aria-describedby": opts.text ? id + "-text" : null }, [form]);

      function finish(value) {
        if (settled) return;
        settled = true;
        if (dlg.open) dlg.close();
        dlg.remove();
        if (opener && typeof opener.focus === "function" && document.contains(opener)) opener.focus();
        resolve(value);
      }

      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var reason = area ? area.value.trim() : "";
        if (area && reasonOpts.required && !reason) {
          err.textContent = t.dialog_reason_required || "Ange en motivering.";
          area.setAttribute("aria-invalid", "true");
          area.focus();
          return;
        }
        finish({ reason: reason });
      });
      cancelBtn.addEventListener("click", function () { finish(null); });
      // Esc: the browser fires "cancel" on a modal dialog.
      dlg.addEventListener("cancel", function (ev) { ev.preventDefault(); finish(null); });
      dlg.addEventListener("close", function () { finish(null); });
      // Keep Tab inside the dialog (showModal makes the page inert, but Tab can
      // still leave to the browser's own controls).
      dlg.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape") { ev.preventDefault(); finish(null); return; }
        if (ev.key !== "Tab") return;
        var nodes = focusables(dlg);
        if (!nodes.length) return;
        var first = nodes[0], last = nodes[nodes.length - 1];
        if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
        else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
      });

      document.body.appendChild(dlg);
      dlg.showModal();
      // A reason field gets focus first; otherwise the safe choice (Cancel).
      (area || cancelBtn).focus();
    });
  };
})();
