/* The header menu on a phone: folded behind the "Meny" button (aria-expanded),
 * opened and closed by tap or keyboard, closed again with Escape. Without this
 * script the button stays hidden and the menu shows as it is. */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("topmenu");
  if (!button || !menu) return;
  document.documentElement.classList.add("js-menu");
  button.hidden = false;

  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();
