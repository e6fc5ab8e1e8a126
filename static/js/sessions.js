/* Sessions: run the optional speaker countdown (refusals of a step show in its controls,
 * static/js/forms.js). No inline script (CSP). */
(function () {
  "use strict";
  function tick() {
    var nodes = document.querySelectorAll("[data-countdown-until]");
    for (var i = 0; i < nodes.length; i++) {
      var until = Date.parse(nodes[i].getAttribute("data-countdown-until"));
      var out = nodes[i].querySelector("[data-countdown-left]");
      if (!out || isNaN(until)) { continue; }
      var left = Math.max(0, Math.round((until - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
