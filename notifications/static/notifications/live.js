/* Live notifications in every page of a signed-in person (included by templates/base.html). Plain JS, no build.

   One WebSocket per tab to /ws/notifications/ (notifications/consumers.py):
   - the header badge follows the unread count; each new notification shows a toast linking to the task or the
     document; the parts of the page marked data-live-refresh (with an id) are fetched again from the server and
     swapped in, so the HTML stays server-rendered — but never while the person is using them; and a
     "live:notification" event tells the page's polled parts (data-live, base.html) to refresh at once;
   - after a drop it reconnects with capped, jittered back-off, and every (re)connect sends the last id this tab
     showed (?after=<id>): the server first replays what arrived meanwhile, so nothing is lost;
   - close 4401 means the session ended: it stops and says so. A refused handshake has no close code, so then it
     asks the API whether the session still holds before trying again.
   #live[data-state] says where it is (connecting, open, closed, ended): for tests and for a curious developer.
   See docs/notifications.md. */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root || !("WebSocket" in window)) { return; }
  var config = root.dataset;
  var SESSION_ENDED = 4401;
  var FIRST_RETRY_MS = 1000;
  var LONGEST_RETRY_MS = 30000;
  var TOAST_MS = 15000;
  var MOST_TOASTS = 4;
  var SHOWN_ONE_BY_ONE = 3; // a catch-up with more becomes one "N new" toast

  var badge = document.getElementById("live-badge");
  var bell = document.getElementById("live-bell");
  var toasts = document.getElementById("live-toasts");
  var status = document.getElementById("live-status");
  var title = document.title;

  var lastId = Number(config.after) || 0;
  var unread = badge ? Number(badge.dataset.count) || 0 : 0;
  var socket = null;
  var opened = false;
  var stopped = false;
  var leaving = false;
  var failures = 0;
  var retryTimer = null;
  var caughtUp = [];
  var helloLast = 0;

  function say(template, n) { return String(template || "").replace("{n}", String(n)); }

  // --- the badge -------------------------------------------------------------------------------------------
  function setUnread(count) {
    unread = Math.max(0, Number(count) || 0);
    if (badge) {
      badge.textContent = String(unread);
      badge.dataset.count = String(unread);
      badge.title = say(config.tUnread, unread);
      badge.hidden = unread === 0;
    }
    if (bell) { bell.setAttribute("aria-label", say(config.tBell, unread)); }
    document.title = (unread ? "(" + unread + ") " : "") + title;
  }

  // --- toasts (the region is aria-live="polite": each is read out once) ----------------------------------------
  function toast(message, url, notificationId) {
    if (!toasts) { return; }
    var item = document.createElement("div");
    item.className = "toast";
    var text = document.createElement(url ? "a" : "span");
    text.textContent = message;
    if (url) {
      text.href = url;
      if (notificationId) { text.dataset.notificationId = String(notificationId); }
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", config.tClose || "×");
    close.textContent = "×";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(text);
    item.appendChild(close);
    toasts.appendChild(item);
    while (toasts.children.length > MOST_TOASTS) { toasts.firstElementChild.remove(); }
    (function fade() {
      setTimeout(function () {
        if (item.contains(document.activeElement) || item.matches(":hover")) { fade(); } else { item.remove(); }
      }, TOAST_MS);
    })();
  }

  // Opening a notification's link marks it read (the centre's "Đã đọc" button does the same without script).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-notification-id]") : null;
    if (!link || !config.readApi) { return; }
    fetch(config.readApi, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {"Content-Type": "application/json", "X-CSRFToken": config.csrf || ""},
      body: JSON.stringify({ids: [Number(link.dataset.notificationId)]})
    }).catch(function () {});
  });

  // --- parts of the page drawn again by the server ------------------------------------------------------------
  function isBusy(part) {
    // Someone typing a comment, ticking rows for bulk approval or reading an opened "Trả lại" form keeps the part.
    if (part.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    if (part.querySelector("details[open]")) { return true; }
    var fields = part.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i += 1) {
      var field = fields[i];
      if (field.type === "hidden") { continue; }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { return true; }
      } else if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j += 1) {
          if (field.options[j].selected !== field.options[j].defaultSelected) { return true; }
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  var refreshTimer = null;
  var refreshing = false;
  var refreshAgain = false;

  function refreshSoon(delay) {
    if (!document.querySelector("[data-live-refresh][id]")) { return; }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, delay === undefined ? 150 : delay); // a burst costs one fetch
  }

  function refresh() {
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    var deferred = false;
    fetch(location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (answer) {
        if (!answer.ok || answer.redirected) { throw new Error(String(answer.status)); }
        return answer.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-refresh][id]").forEach(function (part) {
          var replacement = fresh.getElementById(part.id);
          if (!replacement) { return; }
          if (isBusy(part)) { deferred = true; return; }
          part.replaceWith(document.importNode(replacement, true));
        });
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (refreshAgain) { refreshAgain = false; refreshSoon(); } else if (deferred) { refreshSoon(3000); }
      });
  }

  // --- the socket ---------------------------------------------------------------------------------------------
  function receive(notification, caughtUpNow) {
    if (!notification || notification.id <= lastId) { return; } // shown already (a push raced the catch-up)
    // A replayed one is counted in hello's unread already, and shown when the replay is complete: should the
    // socket drop before, the next connection replays it again.
    if (caughtUpNow) { caughtUp.push(notification); return; }
    lastId = notification.id;
    setUnread(unread + 1);
    toast(notification.message, notification.url, notification.id);
    refreshSoon();
    document.dispatchEvent(new CustomEvent("live:notification", {detail: notification}));
  }

  function handle(message) {
    switch (message.type) {
      case "hello":
        failures = 0; // the server checked the session and answered: a later drop starts the back-off afresh
        setUnread(message.unread);
        helloLast = Number(message.last) || 0;
        caughtUp = [];
        break;
      case "notification":
        receive(message.notification, message.catch_up === true);
        break;
      case "caught_up":
        caughtUp.forEach(function (n) { lastId = Math.max(lastId, n.id); });
        if (message.more) { lastId = Math.max(lastId, helloLast); }
        if (caughtUp.length > SHOWN_ONE_BY_ONE || message.more) {
          toast(say(config.tMany, message.more ? unread : caughtUp.length), config.centre);
        } else {
          caughtUp.forEach(function (n) { toast(n.message, n.url, n.id); });
        }
        if (caughtUp.length || message.more) {
          refreshSoon();
          document.dispatchEvent(new CustomEvent("live:notification", {detail: null}));
        }
        caughtUp = [];
        break;
      case "unread":
        setUnread(message.unread);
        break;
      default:
        break;
    }
  }

  function address() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + config.socket + "?after=" + encodeURIComponent(String(lastId));
  }

  function connect() {
    retryTimer = null;
    if (stopped || leaving) { return; }
    opened = false;
    root.dataset.state = "connecting";
    try {
      socket = new WebSocket(address());
    } catch (error) {
      socket = null;
      retryLater();
      return;
    }
    socket.addEventListener("open", function () { opened = true; root.dataset.state = "open"; });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      handle(message);
    });
    socket.addEventListener("close", function (event) {
      var wasOpen = opened;
      socket = null;
      opened = false;
      root.dataset.state = "closed";
      if (leaving) { return; }
      if (event.code === SESSION_ENDED) { sessionEnded(); return; }
      if (wasOpen) { retryLater(); } else { checkSessionThenRetry(); }
    });
  }

  function retryLater() {
    if (stopped || leaving || retryTimer) { return; }
    // Exponential back-off, capped, with "equal jitter": tabs that lost the same server do not come back at once.
    var ceiling = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * Math.pow(2, failures));
    failures += 1;
    retryTimer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function checkSessionThenRetry() {
    fetch(config.api + "?page_size=1", {credentials: "same-origin", cache: "no-store"})
      .then(function (answer) {
        if (answer.status === 401 || answer.status === 403) { sessionEnded(); } else { retryLater(); }
      })
      .catch(retryLater); // the server is down: keep trying
  }

  function sessionEnded() {
    stopped = true;
    root.dataset.state = "ended";
    clearTimeout(retryTimer);
    if (!status || status.firstChild) { return; }
    var banner = document.createElement("div");
    banner.className = "live-ended";
    banner.setAttribute("role", "alert");
    banner.appendChild(document.createTextNode(config.tEnded + ". "));
    var again = document.createElement("a");
    again.href = config.login;
    again.textContent = config.tLogin;
    banner.appendChild(again);
    status.appendChild(banner);
  }

  function reconnectNow() {
    if (stopped || socket) { return; }
    clearTimeout(retryTimer);
    retryTimer = null;
    failures = 0;
    connect();
  }

  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { reconnectNow(); }
  });
  window.addEventListener("pagehide", function () {
    leaving = true;
    if (socket) { socket.close(1000); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { leaving = false; reconnectNow(); } // back from the browser's page cache
  });

  setUnread(unread);
  connect();
})();
