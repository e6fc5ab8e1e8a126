// Forms: move the focus to the error summary, count down the characters left in a
// textarea, and offer only the chosen compound's buildings. Without JS the summary is still
// at the top, the limit is in the hint, and every building is listed.
(function () {
  "use strict";

  // Each summary takes the focus once, when it arrives (page load or htmx swap): a live
  // update elsewhere on the page must not pull the focus back to it.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]:not([data-focused])");
    if (!summary) return;
    summary.dataset.focused = "1";
    summary.focus();
  }

  // Python counts code points, and the browser sends each line break as CR LF.
  function length(text) {
    return Array.from(text.replace(/\r?\n/g, "\r\n")).length;
  }

  function message(box, left) {
    var n = Math.abs(left);
    var key = left >= 0 ? (n === 1 ? "remainingOne" : "remaining") : (n === 1 ? "tooManyOne" : "tooMany");
    return (box.dataset[key] || "").replace("{count}", String(n));
  }

  function setUpCounter(box) {
    if (box.dataset.counting) return;
    box.dataset.counting = "1";
    var limit = parseInt(box.dataset.characterCount, 10);
    var input = box.querySelector("textarea");
    var hint = box.querySelector("[data-count-hint]");
    var status = box.querySelector("[data-count-status]");
    if (!input || !status || !limit) return;
    var timer = null;
    function update() {
      var left = limit - length(input.value);
      status.textContent = message(box, left);
      status.classList.toggle("over", left < 0);
      input.classList.toggle("over-limit", left < 0);
    }
    if (hint) hint.classList.add("visually-hidden"); // still read with the textarea
    status.hidden = false;
    update();
    // Polite and debounced, as GOV.UK's character count: not one announcement per key.
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 250);
    });
  }

  function setUpBuildings(select) {
    if (select.dataset.following) return;
    var form = select.form;
    var compound = form && form.querySelector("[data-compound-select]");
    if (!compound) return;
    select.dataset.following = "1";
    var options = Array.from(select.options);
    function follow() {
      var chosen = compound.value;
      options.forEach(function (option) {
        var keep = !option.value || option.dataset.compound === chosen;
        option.hidden = !keep;
        option.disabled = !keep;
      });
      var current = select.selectedOptions[0];
      if (current && current.disabled) select.value = "";
    }
    compound.addEventListener("change", follow);
    follow();
  }

  // The convene form lists who will be invited for each compound: show the chosen one's.
  function setUpInvitees(form) {
    var compound = form.querySelector("[data-compound-select]");
    if (!compound || form.dataset.invitees) return;
    form.dataset.invitees = "1";
    function follow() {
      form.querySelectorAll("[data-invitees-for]").forEach(function (list) {
        list.hidden = list.dataset.inviteesFor !== compound.value;
      });
    }
    compound.addEventListener("change", follow);
    follow();
  }

  function setUp(root) {
    root.querySelectorAll("form").forEach(setUpInvitees);
    root.querySelectorAll("[data-character-count]").forEach(setUpCounter);
    root.querySelectorAll("[data-follows-compound]").forEach(setUpBuildings);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    focusErrorSummary();
  });
  // With DEBUG on, django-htmx's debug script replaces the whole document with any 400
  // answer (head and all): keep the refreshed controls' 400 for htmx to swap, below.
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    var controls = target && (/^controls-/.test(target.id) || target.id === "task-list");
    if (xhr && controls && xhr.status === 400) { event.stopPropagation(); }
  }, true);
  // htmx drops a 400 answer by default: a form sent back with its errors (and everything
  // typed) must replace the form, or the person sees nothing happen.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var target = event.detail.target;
    var controls = target && (/^controls-/.test(target.id) || target.id === "task-list");
    if (xhr && controls && (xhr.status === 400 || xhr.status === 409)) {
      event.detail.shouldSwap = true;  // the refreshed controls say what went wrong
      event.detail.isError = false;
    } else if (xhr && xhr.status === 400 && /data-error-summary/.test(xhr.responseText || "")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // htmx-posted forms come back as fragments: the same for what was swapped in.
  document.addEventListener("htmx:afterSettle", function () {
    setUp(document);
    focusErrorSummary();
  });
})();

// A meeting proposal: "add a matter" opens a row emptied earlier or makes the next one from
// the page's <template> (its number in place of __N__), up to data-max; "remove" empties a
// row and hides it (the server skips rows without a title). Without JS the first rows show.
(function () {
  "use strict";
  function setUp(root) {
    root.querySelectorAll("[data-add-matter], [data-remove-matter]").forEach(function (b) {
      b.hidden = false;
    });
  }
  function count(rows) { return rows.querySelectorAll("[data-matter-row]").length; }
  function full(rows) {
    return !rows.querySelector("[data-matter-row][hidden]") &&
      count(rows) >= Number(rows.dataset.max);
  }
  function newRow(rows) {
    var template = rows.querySelector("template[data-matter-template]");
    if (!template || count(rows) >= Number(rows.dataset.max)) return null;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__N__/g, String(count(rows) + 1));
    var row = holder.firstElementChild;
    rows.insertBefore(row, template);
    setUp(row);
    return row;
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (e) { setUp(e.target); });
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-add-matter]");
    if (add && add.form) {
      var rows = add.form.querySelector("[data-matter-rows]");
      var next = rows.querySelector("[data-matter-row][hidden]") || newRow(rows);
      if (next) {
        next.hidden = false;
        var input = next.querySelector("input, select, textarea");
        if (input) input.focus();
      }
      add.disabled = full(rows);
      return;
    }
    var remove = event.target.closest && event.target.closest("[data-remove-matter]");
    if (remove) {
      var row = remove.closest("[data-matter-row]");
      row.querySelectorAll("input, textarea").forEach(function (i) { i.value = ""; });
      row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      row.hidden = true;
      var more = remove.form.querySelector("[data-add-matter]");
      if (more) { more.disabled = false; more.focus(); }
    }
  });
})();
