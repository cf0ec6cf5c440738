/* The samverkan page: when someone else records a conference or an agreement
 * (meeting.updated with kind "samverkan"), say so and offer to reload; the
 * forms being filled in are never thrown away. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("samverkan-root", function (root, cfg) {
    var notice = document.getElementById("samverkan-live");
    K.live({ incident: cfg.incident, since: cfg.seq || 0,
      onSnapshot: function () { if (notice) notice.hidden = false; },
      onEvent: function (ev) {
        if (ev.type === "meeting.updated" && ev.data && ev.data.kind === "samverkan" && notice) notice.hidden = false;
      } });
  });
})();
