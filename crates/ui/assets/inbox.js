// Manzil's inbox, live: the Socket.IO stream of the `/inbox` namespace (authenticated by the
// session cookie), replies sent through the JSON API, the WhatsApp window's countdown. Every
// change is rendered by the server: the script only fetches HTML fragments and swaps them in.
// The page works without it (the composer posts a form, links reload).
//
// Loaded by the inbox page only; htmx's boosted navigation may run it again, so it installs
// itself once and re-reads the page (`scan`) after every swap.
(function () {
  "use strict";
  if (window.ManzilInbox) {
    window.ManzilInbox.scan();
    return;
  }

  var socket = null;
  var lastSeq = -1; // the newest event handled (the stream replays what came after it)
  var root = null; // the [data-inbox] element of the page shown
  var readFor = null; // the conversation last marked read
  var windowTimer = null;
  var labelTimer = null;
  var listTimer = null;
  var retryTimer = null;
  var retryDelay = 2000;
  var ioWaits = 0;
  // Bubbles being fetched: a status that arrives meanwhile makes the answer stale.
  var pending = {};
  // Statuses only move forward: an answer that arrives late never moves a bubble back.
  var RANK = { QUEUED: 1, SENT: 2, DELIVERED: 3, READ: 4, FAILED: 5 };

  function rank(el) {
    return RANK[el.getAttribute("data-status")] || 0;
  }

  // Puts a fetched bubble in place of the shown one, unless the shown one is further along.
  function replaceBubble(old, el) {
    if (rank(el) >= rank(old)) old.replaceWith(el);
  }

  function csrf() {
    return document.body.getAttribute("data-csrf") || "";
  }

  function openId() {
    return (root && root.getAttribute("data-conversation-id")) || "";
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function bubble(messageId) {
    return document.querySelector('[data-testid="message"][data-message-id="' + CSS.escape(messageId) + '"]');
  }

  // A fragment of a signed-in page. With `HX-Request` an ended session answers `HX-Redirect`
  // (to the sign-in page) instead of the page itself.
  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (r) {
      var to = r.headers.get("HX-Redirect");
      if (to) {
        window.location.href = to;
        throw new Error("signed out");
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }

  function element(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  // --- the live banner -----------------------------------------------------------------------

  function banner(state) {
    var b = root && root.querySelector('[data-testid="live-banner"]');
    if (!b) return;
    if (!state) {
      b.classList.remove("shown");
      b.textContent = "";
      return;
    }
    b.textContent = b.getAttribute(state === "lost" ? "data-lost" : "data-catching-up") || "";
    b.classList.add("shown");
  }

  // --- the stream ----------------------------------------------------------------------------

  function seen(payload) {
    if (payload && typeof payload.seq === "number" && payload.seq > lastSeq) lastSeq = payload.seq;
  }

  var live = false;

  function connect() {
    if (socket) return;
    if (typeof window.io !== "function") {
      // Scripts swapped in by htmx load in any order: wait for the client.
      if (ioWaits++ < 100) setTimeout(connect, 50);
      return;
    }
    ioWaits = 0;
    var s = window.io("/inbox", {
      // Asked again on every reconnection: the stream replays what came after it.
      auth: function (cb) {
        cb(lastSeq >= 0 ? { lastSeq: lastSeq } : {});
      },
    });
    socket = s;
    s.on("connect", function () {
      retryDelay = 2000;
      if (root && root.querySelector('[data-testid="live-banner"].shown')) banner("catching-up");
    });
    s.on("ready", function (p) {
      seen(p);
      live = true;
      banner(null);
    });
    s.on("disconnect", function (reason) {
      if (socket !== s) return;
      live = false;
      banner("lost");
      // The client reconnects by itself, except when the server closed the socket.
      if (reason === "io server disconnect") retry(s);
    });
    s.on("connect_error", function () {
      if (socket !== s) return;
      banner("lost");
      // A refused handshake is not retried by the client: renew the session, then try again.
      if (!s.active) retry(s);
    });
    s.on("new_message", function (p) {
      seen(p);
      onNewMessage(p);
    });
    s.on("message_status", function (p) {
      seen(p);
      if (p.conversationId !== openId()) return;
      if (pending[p.messageId]) pending[p.messageId] = "stale";
      var b = bubble(p.messageId || "");
      if (b && b.getAttribute("data-status") !== p.status) refreshBubble(p.conversationId, p.messageId);
    });
    s.on("message_updated", function (p) {
      seen(p);
      if (p.conversationId === openId() && p.message && bubble(p.message.id)) refreshBubble(p.conversationId, p.message.id);
    });
    ["conversation_assigned", "conversation_read", "conversation_status"].forEach(function (name) {
      s.on(name, function (p) {
        seen(p);
        refreshList();
      });
    });
    s.on("resync", function (p) {
      seen(p);
      reloadPage();
    });
  }

  // Renews the session cookie (any signed-in fragment does; an ended session goes to sign-in),
  // then connects again, waiting longer each time.
  function retry(s) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      if (socket !== s) return;
      var list = byId("conv-list");
      fetchHtml((list && list.getAttribute("data-list-url")) || "/inbox/list")
        .then(function () {
          if (socket === s && !s.connected) s.connect();
        })
        .catch(function () {
          if (socket === s) retry(s);
        });
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function disconnect() {
    clearTimeout(retryTimer);
    if (socket) {
      var s = socket;
      socket = null;
      s.disconnect();
    }
  }

  function onNewMessage(p) {
    var message = p.message || {};
    if (p.conversationId === openId() && message.id) {
      addBubble(p.conversationId, message.id);
      if (message.direction === "IN") {
        markRead();
        refreshComposer();
      }
    }
    refreshList();
  }

  // --- fragments -----------------------------------------------------------------------------

  function nearBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function toBottom() {
    var box = byId("messages");
    if (box) box.scrollTop = box.scrollHeight;
  }

  // Appends a message of the open conversation once (a live copy and the sender's own answer
  // may both ask for it), or refreshes it when it is already shown.
  function addBubble(conversationId, messageId) {
    if (bubble(messageId)) {
      refreshBubble(conversationId, messageId);
      return;
    }
    pending[messageId] = true;
    fetchHtml("/inbox/" + encodeURIComponent(conversationId) + "/messages/" + encodeURIComponent(messageId))
      .then(function (html) {
        var stale = pending[messageId] === "stale";
        delete pending[messageId];
        var box = byId("messages");
        if (!box || conversationId !== openId()) return;
        var el = element(html);
        if (!el) return;
        var old = bubble(messageId);
        if (old) {
          replaceBubble(old, el);
        } else {
          var stick = nearBottom(box);
          var empty = box.querySelector(".thread-none");
          if (empty) empty.remove();
          box.appendChild(el);
          if (stick || el.getAttribute("data-direction") === "OUT") toBottom();
        }
        if (stale) refreshBubble(conversationId, messageId);
      })
      .catch(function () {
        delete pending[messageId];
      });
  }

  function refreshBubble(conversationId, messageId) {
    fetchHtml("/inbox/" + encodeURIComponent(conversationId) + "/messages/" + encodeURIComponent(messageId))
      .then(function (html) {
        var old = bubble(messageId);
        var el = element(html);
        if (old && el) replaceBubble(old, el);
      })
      .catch(function () {});
  }

  // The list again, from the server (previews, unread counts, order, new conversations); bursts
  // of events are folded into one fetch.
  function refreshList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(function () {
      var list = byId("conv-list");
      if (!list) return;
      fetchHtml(list.getAttribute("data-list-url"))
        .then(function (html) {
          var current = byId("conv-list");
          var el = element(html);
          if (current && el) {
            var scroll = current.scrollTop;
            current.replaceWith(el);
            el.scrollTop = scroll;
            if (window.htmx) window.htmx.process(el);
          }
        })
        .catch(function () {});
    }, 120);
  }

  // The composer as the server sees it now. The same mode: only the window's label moves (typed
  // text stays); another mode (the window closed, or a customer's message opened it again):
  // the whole composer is replaced.
  function refreshComposer() {
    var current = byId("composer");
    var id = openId();
    if (!current || !id) return;
    fetchHtml("/inbox/" + encodeURIComponent(id) + "/composer")
      .then(function (html) {
        var now = byId("composer");
        var fresh = element(html);
        if (!now || !fresh || id !== openId()) return;
        if (fresh.getAttribute("data-mode") !== now.getAttribute("data-mode")) {
          now.replaceWith(fresh);
        } else {
          var label = now.querySelector('[data-testid="window-left"]');
          var newLabel = fresh.querySelector('[data-testid="window-left"]');
          if (label && newLabel) label.replaceWith(newLabel);
          var ms = fresh.getAttribute("data-window-ms");
          if (ms !== null) now.setAttribute("data-window-ms", ms);
        }
        armWindow();
      })
      .catch(function () {});
  }

  // WhatsApp: switch to the templates the moment the window closes, and keep its label current.
  function armWindow() {
    clearTimeout(windowTimer);
    clearInterval(labelTimer);
    var c = byId("composer");
    if (!c || c.getAttribute("data-window-ms") === null) return;
    var ms = parseInt(c.getAttribute("data-window-ms"), 10);
    if (c.getAttribute("data-mode") === "text" && ms >= 0) {
      windowTimer = setTimeout(refreshComposer, Math.min(ms + 300, 2147483000));
    }
    labelTimer = setInterval(refreshComposer, 60000);
  }

  function markRead() {
    var id = openId();
    if (!id || document.visibilityState === "hidden") return;
    readFor = id;
    fetch("/api/v1/conversations/" + encodeURIComponent(id) + "/read", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf() },
    })
      .then(function (r) {
        if (!r.ok) return;
        var item = document.querySelector('[data-testid="conversation"][data-conversation-id="' + CSS.escape(id) + '"]');
        var badge = item && item.querySelector('[data-testid="unread"]');
        if (badge) badge.remove();
        if (item) item.setAttribute("data-unread", "0");
      })
      .catch(function () {});
  }

  function reloadPage() {
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "body", swap: "innerHTML" });
    } else {
      window.location.reload();
    }
  }

  // --- sending -------------------------------------------------------------------------------

  function showError(form, text) {
    var box = form.closest("#composer");
    var p = box && box.querySelector('[data-testid="composer-error"]');
    if (!p) return;
    p.textContent = text;
    p.hidden = !text;
  }

  // --- replying to a message ---------------------------------------------------------------

  // Sets (or, with no link, clears) the message the composer replies to.
  function setReply(link) {
    var slot = document.querySelector("#composer [data-reply-slot]");
    if (!slot) return false;
    var input = slot.querySelector('input[name="reply_to"]');
    var quote = slot.querySelector('[data-testid="composer-quote"]');
    if (input) input.value = link ? link.getAttribute("data-reply-to") || "" : "";
    if (quote) quote.textContent = link ? link.getAttribute("data-quote") || "" : "";
    slot.hidden = !link;
    var area = document.getElementById("composer-text");
    if (area) area.focus();
    return true;
  }

  // The bubbles' reply links and the composer's cancel link work without script (they reload
  // the thread with or without `reply_to`); here they only change the composer.
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var link = e.target.closest && e.target.closest("a[data-reply-to], a[data-reply-cancel]");
    if (!link) return;
    var reply = link.hasAttribute("data-reply-to") ? link : null;
    if (setReply(reply)) e.preventDefault();
  });

  // Sends a form with its file (multipart, through the page's own form handler): the answer is
  // the new bubble, or 422 and the reason.
  function sendWithFile(form, id) {
    return fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRF-Token": csrf() },
      body: new FormData(form),
    }).then(function (r) {
      var to = r.headers.get("HX-Redirect");
      if (to) {
        window.location.href = to;
        throw new Error("signed out");
      }
      return r.text().then(function (text) {
        if (!r.ok) return { error: text.trim() || null };
        var el = element(text);
        return { id: el && el.getAttribute("data-message-id") };
      });
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("form[data-composer]");
    if (!form || !window.fetch) return;
    e.preventDefault();
    var mode = form.getAttribute("data-composer");
    var id = form.getAttribute("data-conversation-id");
    var box = form.closest("#composer");
    var area = form.querySelector("textarea");
    var text = area ? area.value.trim() : "";
    var noteBox = form.querySelector('input[name="note"][type="checkbox"]');
    var note = mode === "note" || (noteBox && noteBox.checked);
    var fileInput = form.querySelector('input[type="file"]');
    var file = fileInput && fileInput.files && fileInput.files[0];
    var subject = form.querySelector('input[name="subject"]');
    var replyTo = form.querySelector('input[name="reply_to"]');
    var url = "/api/v1/conversations/" + encodeURIComponent(id) + (note ? "/notes" : "/messages");
    var body;
    if (mode === "template") {
      var parts = (form.querySelector("select").value || "").split("|");
      body = { template: { name: parts[0], language: parts[1] || null } };
    } else if (file) {
      var max = parseInt(fileInput.getAttribute("data-max-bytes"), 10);
      if (max > 0 && file.size > max) {
        showError(form, fileInput.getAttribute("data-too-large") || "");
        return;
      }
    } else if (!text) {
      showError(form, (box && box.getAttribute("data-required")) || "");
      return;
    } else if (note) {
      body = { body: text };
    } else {
      body = { text: text };
      if (subject) body.subject = subject.value;
      if (replyTo && replyTo.value) body.replyToMessageId = replyTo.value;
    }
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    showError(form, "");
    // After a send was accepted: the composer is emptied and the bubble shown.
    function sent(messageId) {
      if (area) area.value = "";
      if (noteBox) noteBox.checked = false;
      if (fileInput) fileInput.value = "";
      if (!note) setReply(null);
      if (messageId) addBubble(id, messageId);
    }
    if (file) {
      sendWithFile(form, id)
        .then(function (answer) {
          if (answer.error !== undefined) {
            showError(form, answer.error || (box && box.getAttribute("data-failed")) || "");
            return;
          }
          sent(answer.id);
        })
        .catch(function () {
          showError(form, (box && box.getAttribute("data-offline")) || "");
        })
        .then(function () {
          if (button) button.disabled = false;
        });
      return;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body),
    })
      .then(function (r) {
        return r
          .json()
          .catch(function () {
            return {};
          })
          .then(function (json) {
            if (!r.ok) {
              var err = json && json.error;
              showError(form, (err && err.message) || (box && box.getAttribute("data-failed")) || "");
              // Refused as outside the window: the composer turns to the templates.
              if (err && err.code === "whatsapp.window_closed") refreshComposer();
              return;
            }
            sent(json && json.id);
          });
      })
      .catch(function () {
        showError(form, (box && box.getAttribute("data-offline")) || "");
      })
      .then(function () {
        if (button) button.disabled = false;
      });
  });

  // Enter sends, Shift+Enter starts a new line.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    var area = e.target.closest && e.target.closest('form[data-composer="text"] textarea');
    if (!area) return;
    e.preventDefault();
    area.form.requestSubmit();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible" || !openId()) return;
    var item = document.querySelector('[data-testid="conversation"][aria-current="true"]');
    if (item && item.getAttribute("data-unread") !== "0") markRead();
  });

  // --- the page ------------------------------------------------------------------------------

  // Takes in the page shown: leaves the stream when it is not the inbox, else (re)connects,
  // catching up from the page's own `data-seq` when it is older than the stream.
  function scan() {
    var found = document.querySelector("[data-inbox]");
    if (found === root) return;
    root = found;
    clearTimeout(windowTimer);
    clearInterval(labelTimer);
    if (!root) {
      disconnect();
      lastSeq = -1;
      readFor = null;
      return;
    }
    var pageSeq = parseInt(root.getAttribute("data-seq"), 10);
    if (isNaN(pageSeq)) pageSeq = 0;
    if (!socket) {
      lastSeq = pageSeq;
      connect();
    } else if (pageSeq < lastSeq) {
      // Events after this page was read went to the page before it: have them delivered again
      // (now, or by the reconnection's replay).
      if (socket.connected) socket.emit("replay", { after: pageSeq });
      else lastSeq = pageSeq;
    }
    toBottom();
    armWindow();
    if (openId() && openId() !== readFor) markRead();
  }

  // `isLive()`: the socket is connected and the server said it is ready (tests wait for it).
  window.ManzilInbox = { scan: scan, isLive: function () { return live && !!socket && socket.connected; } };
  document.addEventListener("htmx:afterSettle", scan);
  document.addEventListener("htmx:historyRestore", scan);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
