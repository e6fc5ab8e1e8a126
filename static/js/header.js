/* Yishi header: the menu button that folds the navigation on phones, and the large-text
 * toggle. Loaded in <head> without defer so the "js" class is set before the first paint
 * (without script the menu simply stays open). No inline script: the CSP forbids it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setMenu(btn, open) {
    var menu = document.getElementById(btn.getAttribute("aria-controls"));
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (menu) { menu.classList.toggle("open", open); }
  }

  document.addEventListener("click", function (evt) {
    var menuBtn = evt.target.closest("[data-menu-toggle]");
    if (menuBtn) {
      var opening = menuBtn.getAttribute("aria-expanded") !== "true";
      setMenu(menuBtn, opening);
      if (opening) {
        var first = document.querySelector("#site-menu a, #site-menu button");
        if (first) { first.focus(); }
      }
      return;
    }
    var textBtn = evt.target.closest("[data-toggle-large-text]");
    if (textBtn) {
      var on = !document.body.classList.contains("large-text");
      document.body.classList.toggle("large-text", on);
      textBtn.setAttribute("aria-pressed", on ? "true" : "false");
      document.cookie = "yishi_large_text=" + (on ? "1" : "0") + "; path=/; max-age=31536000; samesite=lax";
    }
  });

  /* Escape closes the open menu and gives the focus back to its button. */
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") { return; }
    var btn = document.querySelector("[data-menu-toggle][aria-expanded=true]");
    if (btn) { setMenu(btn, false); btn.focus(); }
  });
})();
