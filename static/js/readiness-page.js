/* The /readiness page: recording the government's decision asks first, in
 * K.confirmDialog, showing exactly what will be recorded (readiness, date,
 * reference). Without script the form posts directly (the server validates). */
(function () {
  "use strict";
  var K = window.Krisrum;
  var form = document.getElementById("readiness-form");
  if (!K || !K.confirmDialog || !form) return;
  var S = K.parseJSON(form.getAttribute("data-strings"), {});

  form.addEventListener("submit", function (ev) {
    if (form.getAttribute("data-confirmed") === "true") return;
    ev.preventDefault();
    var select = form.querySelector("select[name=readiness]");
    var label = select.options[select.selectedIndex] ? select.options[select.selectedIndex].text : select.value;
    var date = form.querySelector("input[name=decided_at]").value;
    var ref = form.querySelector("input[name=reference]").value.trim();
    K.confirmDialog({
      title: S.title,
      text: K.fmt(S.summary, { label: label, date: date || S.no_date, ref: ref || S.no_ref }),
      confirmLabel: S.confirm,
      danger: true
    }).then(function (res) {
      if (!res) return;
      form.setAttribute("data-confirmed", "true");
      form.submit();
    });
  });
})();
