/* Yishi live client: keeps the last event id a page has seen and, on every (re)connect,
 * asks the server to replay what it missed. A replay may repeat events the page already
 * has (ones that committed after a later-numbered one are re-sent, docs/architecture.md):
 * those are dropped by id. No inline script: the
 * Content-Security-Policy forbids it. (The large-text toggle lives in header.js.) */
(function () {
  "use strict";
  var EV = /^<!--ev:(\d+)-->/;
  var SEEN_MAX = 2000;
  var seen = new Set();

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
    if (seen.has(id)) {
      evt.preventDefault();  // a replay repeating what this page already applied
      return;
    }
    seen.add(id);
    if (seen.size > SEEN_MAX) { seen.delete(seen.values().next().value); }
    if (id > (parseInt(el.dataset.liveLast || "0", 10) || 0)) {
      el.dataset.liveLast = String(id);
    }
  });
})();
