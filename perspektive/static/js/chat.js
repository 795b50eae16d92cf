/* Live chat: the visitor's conversation page and the counsellor's console.
 *
 * The pages work without this script (forms post, a reload shows the history). With it,
 * a WebSocket brings new messages as they arrive. Every message gets an id made here; it
 * stays in an outbox (also in sessionStorage, so a reload keeps it) until the server
 * acknowledges it, and is sent again with the same id after a reconnect: the server stores
 * one row per id, so nothing is lost and nothing is shown twice.
 * Message text is always set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var MAX_LENGTH = 2000;
  var BEAT_MS = 20000;
  var strings = (document.getElementById("chat-strings") || { dataset: {} }).dataset;
  var lang = document.documentElement.lang || undefined;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function timeText(iso) {
    var date = new Date(iso);
    if (isNaN(date)) return "";
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function localiseTimes(root) {
    root.querySelectorAll(".msg time[datetime]").forEach(function (el) {
      var text = timeText(el.getAttribute("datetime"));
      if (text) el.textContent = text;
    });
  }

  /* One message as a list item (the same markup as chat/_message.html). */
  function messageItem(message, ownSide, visitorName) {
    var li = document.createElement("li");
    li.className = "msg msg-" + message.kind;
    li.id = "m-" + message.cid;
    li.dataset.cid = message.cid;
    li.dataset.kind = message.kind;
    if (message.id) li.dataset.id = message.id;
    if (message.kind !== "system") {
      var meta = document.createElement("span");
      meta.className = "msg-meta";
      var who = document.createElement("bdi");
      if (message.kind === "counsellor") who.textContent = message.author || strings.counsellor || "";
      else if (ownSide === "visitor") who.textContent = strings.you || "";
      else who.textContent = message.author || visitorName || strings.visitor || "";
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(" · "));
      var time = document.createElement("time");
      if (message.at) {
        time.setAttribute("datetime", message.at);
        time.textContent = timeText(message.at);
      } else {
        time.textContent = strings.sending || "";
      }
      meta.appendChild(time);
      li.appendChild(meta);
    }
    var text = document.createElement("p");
    text.className = "msg-text";
    text.setAttribute("dir", "auto");
    text.textContent = message.text;
    li.appendChild(text);
    return li;
  }

  /* Put a message into a log: replace the item with the same client id, else add it, and
     keep stored messages in the order of their ids, unsent ones at the end. */
  function upsert(log, message, ownSide) {
    var existing = log.querySelector('[data-cid="' + CSS.escape(message.cid) + '"]');
    var item = messageItem(message, ownSide, log.dataset.visitorName);
    if (existing) {
      existing.replaceWith(item);
    } else {
      var before = null;
      if (message.id) {
        var items = log.querySelectorAll("li.msg");
        for (var i = 0; i < items.length; i++) {
          var id = Number(items[i].dataset.id || Infinity);
          if (id > message.id) { before = items[i]; break; }
        }
      }
      log.insertBefore(item, before);
    }
    if (!message.id) item.classList.add("pending");
    return item;
  }

  function scrollToEnd(log) {
    log.scrollTop = log.scrollHeight;
  }

  function showConnection(text, bad) {
    var el = document.getElementById("chat-connection");
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.classList.toggle("bad", !!bad);
  }

  /* A socket that reconnects (1 s, 2 s, 4 s ... at most 15 s) and resends the outbox. */
  function Connection(path, onFrame, onOpen) {
    var self = this;
    var delay = 1000;
    self.ws = null;
    self.open = false;
    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var ws = new WebSocket(scheme + location.host + path);
      self.ws = ws;
      ws.addEventListener("open", function () {
        self.open = true;
        delay = 1000;
        showConnection(strings.live, false);
        onOpen();
      });
      ws.addEventListener("message", function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        onFrame(frame);
      });
      ws.addEventListener("close", function (event) {
        self.open = false;
        if (event.code === 4403) return; // refused: no access, do not retry
        showConnection(strings.offline, true);
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      });
    }
    self.send = function (frame) {
      if (self.open && self.ws.readyState === WebSocket.OPEN) {
        self.ws.send(JSON.stringify(frame));
        return true;
      }
      return false;
    };
    showConnection(strings.connecting, false);
    connect();
  }

  function Outbox(key) {
    var items = [];
    try { items = JSON.parse(sessionStorage.getItem(key) || "[]"); } catch (e) { items = []; }
    function save() {
      try { sessionStorage.setItem(key, JSON.stringify(items)); } catch (e) { /* full or off */ }
    }
    return {
      items: function () { return items.slice(); },
      add: function (frame) { items.push(frame); save(); },
      done: function (id) { items = items.filter(function (f) { return f.id !== id; }); save(); },
    };
  }

  function markFailed(log, id, error) {
    var item = log && log.querySelector('[data-cid="' + CSS.escape(id) + '"]');
    if (!item) return;
    item.classList.remove("pending");
    item.classList.add("failed");
    var note = document.createElement("small");
    note.className = "msg-error";
    note.setAttribute("role", "alert");
    note.textContent = (strings.failed || "") + " " + (error || "");
    item.appendChild(note);
  }

  /* A reply form: send over the socket when it is open, else keep the message queued. */
  function bindForm(form, conversation, connection, outbox, logFor, ownSide, extra) {
    var textarea = form.querySelector("textarea");
    var canned = form.querySelector("select[data-canned]");
    if (canned) {
      canned.addEventListener("change", function () {
        if (!canned.value) return;
        var start = textarea.selectionStart || textarea.value.length;
        textarea.value = textarea.value.slice(0, start) + canned.value + textarea.value.slice(textarea.selectionEnd || start);
        canned.value = "";
        textarea.focus();
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) return;
      if (text.length > MAX_LENGTH) {
        textarea.setCustomValidity(String(MAX_LENGTH));
        textarea.reportValidity();
        textarea.setCustomValidity("");
        return;
      }
      var frame = Object.assign({ type: "send", id: newId(), text: text }, extra || {});
      outbox.add(Object.assign({ conversation: conversation }, frame));
      var log = logFor(conversation);
      upsert(log, { cid: frame.id, kind: ownSide === "visitor" ? (log.dataset.kind || "visitor") : "counsellor", text: text }, ownSide);
      scrollToEnd(log);
      textarea.value = "";
      connection.send(frame);
    });
  }

  function handleCommon(frame, logFor, ownSide, outbox) {
    var log;
    if (frame.type === "history") {
      log = logFor(frame.conversation);
      if (!log) return;
      frame.messages.forEach(function (m) { upsert(log, m, ownSide); outbox.done(m.cid); });
      scrollToEnd(log);
    } else if (frame.type === "message" || frame.type === "ack") {
      log = logFor(frame.conversation);
      if (frame.type === "ack") outbox.done(frame.id);
      if (!log) return;
      upsert(log, frame.message, ownSide);
      scrollToEnd(log);
    } else if (frame.type === "error" && frame.id) {
      outbox.done(frame.id);
      var logs = document.querySelectorAll(".chat-log");
      logs.forEach(function (l) { markFailed(l, frame.id, frame.error); });
    }
  }

  /* The visitor's conversation page. */
  function visitor(root) {
    var conversation = Number(root.dataset.conversation);
    var log = document.getElementById("chat-log");
    var form = document.getElementById("message-form");
    var status = document.getElementById("chat-status");
    var outbox = Outbox("chat-outbox-" + conversation);
    var own = root.dataset.ownKind || "visitor";
    log.dataset.kind = own;
    function logFor() { return log; }
    var connection = new Connection(root.dataset.socket, function (frame) {
      handleCommon(frame, logFor, "visitor", outbox);
      if (frame.type === "history" || frame.type === "status") setStatus(frame.status);
    }, function () {
      outbox.items().forEach(function (frame) {
        connection.send({ type: "send", id: frame.id, text: frame.text });
      });
    });
    function setStatus(value) {
      if (!value || value === root.dataset.status) return;
      root.dataset.status = value;
      var text = strings["status" + value.charAt(0).toUpperCase() + value.slice(1)];
      if (text && status) status.textContent = text;
      if (value === "closed" && form) form.hidden = true;
      var leave = document.getElementById("leave-message");
      if (leave && value !== "waiting") leave.hidden = true;
    }
    outbox.items().forEach(function (frame) {
      upsert(log, { cid: frame.id, kind: own, text: frame.text }, "visitor");
    });
    if (form) bindForm(form, conversation, connection, outbox, logFor, "visitor");
    scrollToEnd(log);
  }

  /* The counsellor's console: queue and several conversations at once. */
  function console_(root) {
    var outbox = Outbox("chat-outbox-console");
    var panels = document.getElementById("panels");
    var queue = document.getElementById("queue");
    function logFor(id) { return document.querySelector('.chat-log[data-log="' + Number(id) + '"]'); }
    var connection = new Connection(root.dataset.socket, onFrame, function () {
      outbox.items().forEach(function (frame) {
        connection.send({ type: "send", conversation: frame.conversation, id: frame.id, text: frame.text });
      });
    });
    setInterval(function () { connection.send({ type: "beat" }); }, BEAT_MS);

    function bindPanel(panel) {
      var form = panel.querySelector("form.chat-form");
      var id = Number(panel.dataset.conversation);
      if (form) bindForm(form, id, connection, outbox, logFor, "staff", { conversation: id });
      localiseTimes(panel);
      var log = logFor(id);
      if (log) scrollToEnd(log);
    }

    function fetchHtml(url) {
      return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); });
    }

    function refreshQueue() {
      fetchHtml(queue.dataset.url).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        queue.replaceChildren.apply(queue, Array.prototype.slice.call(doc.body.childNodes));
      }).catch(function () { /* the next event tries again */ });
    }

    function refreshPanel(id) {
      var url = root.dataset.panelUrl.replace("/0/", "/" + Number(id) + "/");
      fetchHtml(url).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("conversation-" + Number(id));
        if (!fresh) return;
        var old = document.getElementById("conversation-" + Number(id));
        if (old) old.replaceWith(fresh); else panels.appendChild(fresh);
        document.getElementById("no-panels").hidden = true;
        bindPanel(fresh);
      }).catch(function () { /* stays as it is */ });
    }

    function onFrame(frame) {
      handleCommon(frame, logFor, "staff", outbox);
      if (frame.type === "queue") {
        refreshQueue();
        var panel = document.getElementById("conversation-" + Number(frame.conversation));
        if (frame.mine || panel) refreshPanel(frame.conversation);
      }
    }

    panels.querySelectorAll("article.panel").forEach(bindPanel);
  }

  function start(form) {
    var centre = form.querySelector("select[name=centre]");
    var language = form.querySelector("select[name=language]");
    if (!centre || !language) return;
    function filter() {
      var option = centre.options[centre.selectedIndex];
      var allowed = ((option && option.dataset.languages) || "").split(" ");
      var firstAllowed = null;
      Array.prototype.forEach.call(language.options, function (o) {
        var ok = allowed.indexOf(o.value) !== -1;
        o.hidden = !ok;
        o.disabled = !ok;
        if (ok && !firstAllowed) firstAllowed = o;
      });
      var current = language.options[language.selectedIndex];
      if ((!current || current.disabled) && firstAllowed) firstAllowed.selected = true;
    }
    centre.addEventListener("change", filter);
    filter();
  }

  document.addEventListener("DOMContentLoaded", function () {
    localiseTimes(document);
    var chat = document.getElementById("chat");
    if (chat && chat.dataset.role === "visitor") visitor(chat);
    var consoleRoot = document.getElementById("console");
    if (consoleRoot) console_(consoleRoot);
    var startForm = document.getElementById("chat-start");
    if (startForm) start(startForm);
  });
})();
