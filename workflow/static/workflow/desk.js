/* The desk without reloads (docs/desk.md). Plain JS, no build; every page of base.html loads it.

   - form[data-inplace="<anchor id>"]: sent with fetch and the header X-Requested-With: fetch. The view answers a
     short fragment (workflow/_inplace_message.html) with the action's status. Done (2xx): the page's parts named
     by the closest [data-inplace-parts] ("id id …") are fetched again from the server and swapped, the way
     notifications/live.js swaps its data-live-refresh parts; the message goes beside the anchor (the row) or,
     when the row left the list, where it was. Refused (4xx): the message goes beside the form, nothing else
     moves and what was typed stays. Without JS the same forms post and the page comes back with a flash.
   - the bulk bar: select-all, and only the actions of the checked rows are offered; the one that applies to
     all of them is highlighted.
   - details[data-fold-on-phone]: folded on a phone (the header's menu, the inbox's filters), open on a desk. */
(function () {
  "use strict";

  var phone = window.matchMedia("(max-width: 640px)");
  function fold() {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) {
      if (phone.matches) { box.removeAttribute("open"); } else { box.setAttribute("open", ""); }
    });
  }
  fold();
  if (phone.addEventListener) { phone.addEventListener("change", fold); }

  // --- actions in place -------------------------------------------------------------------------------------
  function messageNode(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var node = holder.firstElementChild;
    if (!node || !node.classList.contains("inplace-message")) {
      node = document.createElement("p");
      node.className = "inplace-message error";
      node.setAttribute("role", "alert");
      node.textContent = document.documentElement.dataset.tFailed || "Không thực hiện được.";
    }
    return node;
  }

  // What the person typed or ticked elsewhere in the swapped parts (another row's comment, the checked rows)
  // is carried over to the fresh copy, as live.js keeps a part someone is using.
  function fieldKey(field) {
    var holder = field.parentElement && field.parentElement.closest("[id]");
    return [holder ? holder.id : "", field.name, field.type === "checkbox" ? field.value : ""].join("|");
  }
  function typed(ids, except) {
    var kept = {};
    ids.forEach(function (id) {
      var part = document.getElementById(id);
      if (!part) { return; }
      part.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (field) {
        if (except && except.contains(field)) { return; }
        if (field.type === "checkbox") { if (field.checked) { kept[fieldKey(field)] = true; } }
        else if (field.value) { kept[fieldKey(field)] = field.value; }
      });
    });
    return kept;
  }
  function restore(ids, kept) {
    ids.forEach(function (id) {
      var part = document.getElementById(id);
      if (!part) { return; }
      part.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (field) {
        var value = kept[fieldKey(field)];
        if (value === undefined) { return; }
        if (field.type === "checkbox") { field.checked = true; } else { field.value = value; }
      });
    });
  }

  function swapParts(container, form) {
    var ids = (container && container.dataset.inplaceParts || "").split(/\s+/).filter(Boolean);
    if (!ids.length) { return Promise.resolve(); }
    var kept = typed(ids, form);
    return fetch(location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (answer) {
        if (!answer.ok || answer.redirected) { throw new Error(String(answer.status)); }
        return answer.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) {
          var part = document.getElementById(id), replacement = fresh.getElementById(id);
          if (part && replacement) { part.replaceWith(document.importNode(replacement, true)); }
        });
        restore(ids, kept);
      });
  }

  function place(note, anchorId, where) {
    var anchor = anchorId && document.getElementById(anchorId);
    if (anchor) {
      var cell = anchor.querySelector(".row-actions");
      if (cell) { cell.appendChild(note); } else { anchor.insertBefore(note, anchor.firstChild); }
      return;
    }
    // The row left the list: a note row where it was, so the person sees what happened to it.
    var part = where.partId && document.getElementById(where.partId);
    var body = part && part.querySelector("tbody");
    if (body && where.isRow) {
      var row = document.createElement("tr"), cell2 = document.createElement("td");
      row.className = "inplace-note";
      cell2.colSpan = 99;
      cell2.appendChild(note);
      row.appendChild(cell2);
      body.insertBefore(row, body.children[where.index] || null);
    } else if (part) {
      part.insertBefore(note, part.firstChild);
    } else {
      document.querySelector("main").insertBefore(note, document.querySelector("main").firstChild);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-inplace") || !window.fetch) { return; }
    event.preventDefault();
    var submitter = event.submitter || form.querySelector("[type=submit]");
    var body = new FormData(form, submitter && submitter.name ? submitter : undefined);
    var container = form.closest("[data-inplace-parts]");
    var anchorId = form.dataset.inplace;
    var anchor = anchorId && document.getElementById(anchorId);
    var where = {
      partId: container && container.id,
      isRow: !!anchor && anchor.tagName === "TR",
      index: anchor && anchor.parentNode ? Array.prototype.indexOf.call(anchor.parentNode.children, anchor) : 0
    };
    form.querySelectorAll(".inplace-message").forEach(function (old) { old.remove(); });
    if (form.nextElementSibling && form.nextElementSibling.classList.contains("inplace-message")) {
      form.nextElementSibling.remove();
    }
    if (submitter) { submitter.disabled = true; }
    form.setAttribute("aria-busy", "true");
    // getAttribute: a field named "action" (our forms have one) shadows form.action
    fetch(form.getAttribute("action") || location.href, {method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (answer) {
        if (answer.redirected) { location.href = answer.url; return null; } // e.g. the session ended: log in
        if (answer.ok && answer.headers.get("X-Location")) { location.href = answer.headers.get("X-Location"); return null; }
        return answer.text().then(function (html) { return {ok: answer.ok, html: html}; });
      })
      .then(function (result) {
        if (!result) { return; }
        var note = messageNode(result.html);
        if (!result.ok) { form.after(note); return; }
        return swapParts(container, form).then(
          function () { place(note, anchorId, where); },
          function () { location.reload(); }
        );
      })
      .catch(function () { form.after(messageNode("")); })
      .then(function () {
        form.removeAttribute("aria-busy");
        if (submitter && document.contains(submitter)) { submitter.disabled = false; }
        bulkBar();
      });
  });

  // --- the bulk bar -----------------------------------------------------------------------------------------
  function bulkBar() {
    var bar = document.getElementById("bulk-bar");
    if (!bar) { return; }
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-bulk-action]"));
    var checked = boxes.filter(function (box) { return box.checked; });
    var all = document.querySelector("input[data-select-all]");
    if (all) {
      all.closest(".select-all").hidden = false;
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
    var counts = {};
    checked.forEach(function (box) { counts[box.dataset.bulkAction] = (counts[box.dataset.bulkAction] || 0) + 1; });
    bar.querySelectorAll("[data-bulk-button]").forEach(function (button) {
      var n = counts[button.dataset.bulkButton] || 0;
      button.hidden = checked.length > 0 && n === 0;   // never offered for rows it would fail on
      button.disabled = n === 0;
      button.classList.toggle("primary", n > 0 && n === checked.length);
      button.classList.toggle("secondary", !(n > 0 && n === checked.length));
    });
    var count = bar.querySelector("[data-bulk-count]");
    if (count) {
      count.hidden = checked.length === 0;
      var text = (bar.dataset.tSelected || "Đã chọn {n}").replace("{n}", checked.length);
      if (count.textContent !== text) { count.textContent = text; } // (a text change is a mutation: no loop)
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-select-all]")) {
      document.querySelectorAll("input[data-bulk-action]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches && target.matches("input[data-select-all], input[data-bulk-action]")) { bulkBar(); }
  });
  // The rows are swapped by this script and by live.js: set the bar again whenever the list changes.
  var pending = null;
  new MutationObserver(function () {
    clearTimeout(pending);
    pending = setTimeout(bulkBar, 30);
  }).observe(document.body, {childList: true, subtree: true});
  bulkBar();
})();
