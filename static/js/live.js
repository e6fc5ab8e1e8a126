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
        window.htmx.ajax("GET", url, {
          target: target, swap: "outerHTML", headers: { "X-Yishi-Refetch": "1" }
        });
      }
    }
  });

  /* The person's own step answers with their controls and a notice of what happened; the
   * push of that same step then refetches the controls. Keep the notice across it. */
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var headers = evt.detail.requestConfig && evt.detail.requestConfig.headers;
    var target = evt.detail.target;
    kept = null;
    if (headers && headers["X-Yishi-Refetch"] && target) {
      var notice = target.querySelector(":scope > .notice");
      var age = notice ? Date.now() - (parseInt(notice.dataset.shownAt || "0", 10) || 0) : 0;
      kept = notice && age < 15000 ? { id: target.id, node: notice.cloneNode(true) } : null;
    }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var mine = evt.detail.target && evt.detail.target.id ?
      document.getElementById(evt.detail.target.id) : null;
    var shown = mine && mine.querySelector(":scope > .notice");
    if (shown && !shown.dataset.shownAt) { shown.dataset.shownAt = String(Date.now()); }
    if (!kept) { return; }
    var fresh = document.getElementById(kept.id);
    var heading = fresh && fresh.querySelector(":scope > h2");
    if (fresh && heading && !fresh.querySelector(":scope > .notice")) {
      heading.insertAdjacentElement("afterend", kept.node);
      fresh.hidden = false;
    }
    kept = null;
  });
})();
