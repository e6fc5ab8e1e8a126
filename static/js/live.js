/* Yishi live client: keeps the last event id a page has seen and, on every (re)connect,
 * asks the server to replay what it missed. No inline script: the Content-Security-Policy
 * forbids it. (The large-text toggle lives in header.js.) */
(function () {
  "use strict";
  var EV = /^<!--ev:(\d+)-->/;

  function root() { return document.getElementById("live"); }

  document.addEventListener("htmx:wsOpen", function (evt) {
    var el = root();
    if (!el) { return; }
    el.querySelector("#live-status").dataset.state = "open";
    var last = parseInt(el.dataset.liveLast || "0", 10) || 0;
    evt.detail.socketWrapper.send(JSON.stringify({ resume: last }));
  });

  document.addEventListener("htmx:wsClose", function () {
    var el = root();
    if (el) { el.querySelector("#live-status").dataset.state = "closed"; }
  });

  document.addEventListener("htmx:wsBeforeMessage", function (evt) {
    var el = root();
    var m = EV.exec(evt.detail.message || "");
    if (!el || !m) { return; }
    var id = parseInt(m[1], 10);
    if (id > (parseInt(el.dataset.liveLast || "0", 10) || 0)) {
      el.dataset.liveLast = String(id);
    }
  });
})();
