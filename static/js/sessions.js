/* Sessions: show refusals (400/403/409) in the notice area instead of dropping them, and
 * run the optional speaker countdown. No inline script (CSP). */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if ((status === 400 || status === 403 || status === 409) && evt.detail.target &&
        evt.detail.target.id === "session-notice") {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
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
