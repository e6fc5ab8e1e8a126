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

  /* A page may hold a second socket (the header's bell, on the person's own topic): only
   * #live's own socket drives the status and the cursor; every socket says its state. */
  function own(el, evt) { return !!el && !!evt.target && el.contains(evt.target); }

  document.addEventListener("htmx:wsOpen", function (evt) {
    if (evt.target && evt.target.dataset) { evt.target.dataset.socket = "open"; }
    var el = root();
    if (!own(el, evt)) { return; }
    el.querySelector("#live-status").dataset.state = "open";
    var last = parseInt(el.dataset.liveLast || "0", 10) || 0;
    evt.detail.socketWrapper.send(JSON.stringify({ resume: last }));
  });

  document.addEventListener("htmx:wsClose", function (evt) {
    if (evt.target && evt.target.dataset) { evt.target.dataset.socket = "closed"; }
    var el = root();
    if (own(el, evt)) { el.querySelector("#live-status").dataset.state = "closed"; }
  });

  document.addEventListener("htmx:wsBeforeMessage", function (evt) {
    var el = root();
    var m = EV.exec(evt.detail.message || "");
    if (!m) { return; }
    var id = parseInt(m[1], 10);
    /* The cursor moves with what #live's socket received, also when the bell's socket
     * (same person's topic) brought the event first and it was applied from there. */
    if (own(el, evt) && id > (parseInt(el.dataset.liveLast || "0", 10) || 0)) {
      el.dataset.liveLast = String(id);
    }
    if (seen.has(id)) {
      evt.preventDefault();  // a replay, or the other socket's copy: applied once already
      return;
    }
    seen.add(id);
    if (seen.size > SEEN_MAX) { seen.delete(seen.values().next().value); }
  });
})();

/* Controls and task lists are per person, so a push never carries them: it leaves a
 * "fetch again" marker (templates/actions/_refetch.html) and the page fetches its own copy
 * with one GET, replacing the element the marker names.
 * The person's own step pushes such a marker too. While the step is still in flight there
 * the marker is ignored (the step answers with a fresh copy, and a copy swapped in first
 * would swallow that answer); when the marker comes after the answer, the confirmation the
 * answer carried ("你已在联名提议……上签名") is put back into the fetched copy once (within
 * a few seconds), or it would vanish unread. */
(function () {
  "use strict";
  var NOTICE = ".notice[role=status]";
  var KEEP_MS = 5000;
  var answered = {};  // element id -> {notice, at}: the last step's confirmation there

  document.addEventListener("htmx:afterSwap", function (evt) {
    var config = evt.detail.requestConfig;
    var id = evt.detail.target && evt.detail.target.id;
    if (!config || config.verb === "get" || !id) { return; }
    var fresh = document.getElementById(id);
    var notice = fresh && fresh.querySelector(NOTICE);
    if (notice) { answered[id] = { notice: notice.cloneNode(true), at: Date.now() }; }
    else { delete answered[id]; }  // this step's answer (its errors) replaces the last one's
  });

  /* Something typed or chosen there and not sent yet (or sent back with its errors): a
   * refetch would throw it away, so the page keeps its copy; sending it answers with
   * fresh controls (or says the step is no longer possible). */
  function touched(evt) {
    var form = evt.target && evt.target.form;
    if (form) { form.dataset.touched = "1"; }
  }
  document.addEventListener("input", touched, true);
  document.addEventListener("change", touched, true);

  function dirty(el) {
    return !!el && !!el.querySelector("form[data-touched]");
  }

  function busy(el) {
    return !!el && (el.classList.contains("htmx-request") || !!el.querySelector(".htmx-request"));
  }

  /* Every refetch within KEEP_MS of the step keeps its confirmation, not just the first:
   * a step's own marker and another's (a job, someone else's step) often come together. */
  function keepNotice(id) {
    var last = answered[id];
    var fresh = document.getElementById(id);
    if (last && Date.now() - last.at > KEEP_MS) { delete answered[id]; return; }
    if (!last || !fresh || fresh.querySelector(NOTICE)) { return; }
    var notice = last.notice.cloneNode(true);
    var heading = fresh.querySelector("h2");
    if (heading) { heading.insertAdjacentElement("afterend", notice); } else { fresh.prepend(notice); }
    fresh.hidden = false;
  }

  /* One refetch per element at a time. htmx.ajax without a source issues every request
   * from <body>, so they all shared body's one request slot: a marker arriving while any
   * refetch was in flight was queued there holding the element it saw then, and (htmx
   * keeps only the last queued request) any later one replaced it. When the first answer
   * had replaced that element, the queued request swapped into the detached old copy and
   * the page stayed at the first state of a burst; a marker for another element (the
   * task list) could also drop it. Here each request is issued from its own element, and
   * markers that come while that element's request (a refetch, or the person's own step)
   * is in flight are fetched again, into the element as it is then, once it is answered. */
  var inflight = {};  // element id -> true while its refetch is in flight
  var pending = {};  // element id -> url to fetch once that element is free

  /* A list the page filters or pages (data-keep-query: the inbox's sections) is fetched
   * with the page's own query string, so it stays as the page's URL says. */
  function withQuery(target, url) {
    var query = window.location.search.replace(/^\?/, "");
    if (!target.hasAttribute("data-keep-query") || !query) { return url; }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + query;
  }

  function refetch(id, url) {
    var target = document.getElementById(id);
    if (!url || !target || !window.htmx) { return; }  // pages without that element ignore it
    if (dirty(target)) { return; }
    if (inflight[id] || busy(target)) { pending[id] = url; return; }
    inflight[id] = true;
    var finish = function () {
      delete inflight[id];
      keepNotice(id);
      setTimeout(flush, 0);
    };
    var done = window.htmx.ajax("GET", withQuery(target, url), { source: target, target: target, swap: "outerHTML" });
    if (done && done.then) { done.then(finish, finish); } else { delete inflight[id]; }
  }

  function flush() {
    Object.keys(pending).forEach(function (id) {
      var target = document.getElementById(id);
      if (target && (inflight[id] || busy(target))) { return; }
      var url = pending[id];
      delete pending[id];
      refetch(id, url);
    });
  }
  /* Typing may start while a refetch is in flight: its answer must not wipe what was typed. */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target && target.id && inflight[target.id] && dirty(target)) {
      evt.detail.shouldSwap = false;
    }
  });
  document.addEventListener("htmx:afterSettle", function () { setTimeout(flush, 0); });
  document.addEventListener("htmx:afterRequest", function () { setTimeout(flush, 0); });

  /* A pushed copy is rendered once for every subscriber: unfiltered, first page. A page
   * whose URL asks for something else (filters, another page) never swaps it in: it
   * fetches its own copy from the element's data-live-url instead. And a push, like a
   * refetch, never throws away a form being filled in there (a resident's rating chosen
   * and not yet sent): sending it answers with the fresh copy. */
  document.addEventListener("htmx:oobBeforeSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || !target.id) { return; }
    if (dirty(target)) {
      evt.detail.shouldSwap = false;
      return;
    }
    if (!target.hasAttribute("data-keep-query")) { return; }
    var url = target.getAttribute("data-live-url");
    if (!url || !window.location.search) { return; }
    evt.detail.shouldSwap = false;
    refetch(target.id, url);
  });

  /* The page's cursor is older than the outbox keeps (deliberation/live/outbox.py,
   * pruned_past): what it missed cannot be replayed, so the page fetches its own main
   * region again (the marker names the cursor to go on from; pushes from then on apply
   * on top). A form being filled in is not thrown away: sending it answers fresh. */
  function refetchPage(marker) {
    var el = document.getElementById("live");
    var last = parseInt(marker.getAttribute("data-live-last") || "0", 10) || 0;
    if (el && last > (parseInt(el.dataset.liveLast || "0", 10) || 0)) {
      el.dataset.liveLast = String(last);
    }
    var main = document.getElementById("main");
    if (!main || !window.htmx || dirty(main)) { return; }
    window.htmx.ajax("GET", window.location.href, { source: main, target: main, select: "#main", swap: "outerHTML" });
  }

  document.addEventListener("htmx:wsAfterMessage", function () {
    var stale = document.querySelectorAll("[data-refetch-page]");
    for (var j = 0; j < stale.length; j++) {
      stale[j].remove();
      if (j === stale.length - 1) { refetchPage(stale[j]); }
    }
    var slots = document.querySelectorAll("[data-refetch]");
    for (var i = 0; i < slots.length; i++) {
      var url = slots[i].getAttribute("data-refetch");
      var id = slots[i].getAttribute("data-refetch-target") || "";
      slots[i].remove();  // a marker is used once
      refetch(id, url);
    }
  });
})();
