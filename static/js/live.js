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

/* Controls and task lists are per person, so a push never carries them: it leaves a
 * "fetch again" marker (templates/actions/_refetch.html) and the page fetches its own copy
 * with one GET, replacing the element the marker names. */
(function () {
  "use strict";
  document.addEventListener("htmx:wsAfterMessage", function () {
    var slots = document.querySelectorAll("[data-refetch]");
    for (var i = 0; i < slots.length; i++) {
      var url = slots[i].getAttribute("data-refetch");
      var target = document.getElementById(slots[i].getAttribute("data-refetch-target") || "");
      slots[i].removeAttribute("data-refetch");
      if (url && target && window.htmx) {
        window.htmx.ajax("GET", url, { target: target, swap: "outerHTML" });
      }
    }
  });
})();
