/* CRISIS_ASSETS=cdn: if the CDN copy of a library did not load (no
 * internet, blocked, integrity mismatch), load the local copy instead.
 * document.write keeps script order, so the page's own scripts that follow
 * run after the fallback. */
(function () {
  "use strict";
  var me = document.currentScript;
  var globalName = me && me.getAttribute("data-global");
  var src = me && me.getAttribute("data-src");
  if (globalName && src && !window[globalName]) {
    document.write('<script src="' + src.replace(/"/g, "") + '"><\/script>');
  }
})();
