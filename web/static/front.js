// Public front (issue 7): kiosk printing, counter display (SSE + chime),
// and the counter caller. No inline scripts (CSP script-src 'self').
(function () {
  "use strict";

  // Kiosk: print the ticket, then go back to the service list.
  var printBtn = document.querySelector("[data-print]");
  if (printBtn) printBtn.addEventListener("click", function () { window.print(); });
  var ticket = document.querySelector(".ticket[data-return]");
  if (ticket) setTimeout(function () { location.href = ticket.getAttribute("data-return"); }, 20000);

  // Chime: two tones with WebAudio (browsers allow sound after a tap).
  var audio = null;
  function chime() {
    if (!audio) return;
    var t = audio.currentTime;
    [[784, 0], [523, 0.35]].forEach(function (n) {
      var o = audio.createOscillator(), g = audio.createGain();
      o.type = "sine"; o.frequency.value = n[0];
      g.gain.setValueAtTime(0.0001, t + n[1]);
      g.gain.exponentialRampToValueAtTime(0.4, t + n[1] + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + n[1] + 0.6);
      o.connect(g); g.connect(audio.destination);
      o.start(t + n[1]); o.stop(t + n[1] + 0.65);
    });
  }
  function speak(text) {
    if (!audio || !window.speechSynthesis) return;
    var u = new SpeechSynthesisUtterance(text); u.lang = "vi-VN"; u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  // TV display: live calls over server-sent events.
  var board = document.querySelector(".board[data-center]");
  if (board) {
    var center = board.getAttribute("data-center");
    var sound = document.getElementById("sound");
    sound.addEventListener("click", function () {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (AC && !audio) audio = new AC();
      sound.textContent = "Âm thanh đã bật"; chime();
    });
    var recent = document.getElementById("recent");
    var conn = document.getElementById("conn");
    var counterLabel = function (c) { return c.counter_name || ("Quầy " + c.counter_code); };
    var es = new EventSource("/api/v1/queue/events?center=" + encodeURIComponent(center));
    es.addEventListener("open", function () { conn.textContent = ""; });
    es.addEventListener("error", function () { conn.textContent = "Mất kết nối, đang kết nối lại…"; });
    es.addEventListener("call", function (ev) {
      var c = JSON.parse(ev.data);
      // The number called until now goes down to the list (the big
      // panel and the list's first row never show the same call); a
      // recalled number leaves its old row.
      var prevNum = document.getElementById("now-num").textContent.trim();
      Array.prototype.slice.call(recent.children).forEach(function (row) {
        if (row.firstChild && row.firstChild.textContent === String(c.number)) recent.removeChild(row);
      });
      if (prevNum && prevNum !== String(c.number)) {
        var prev = document.createElement("tr");
        [prevNum, document.getElementById("now-ctr").textContent.replace(/^đến /, ""), document.getElementById("now-svc").textContent].forEach(function (s) {
          var td = document.createElement("td"); td.textContent = s; prev.appendChild(td);
        });
        recent.insertBefore(prev, recent.firstChild);
      }
      document.getElementById("now-num").textContent = c.number;
      document.getElementById("now-ctr").textContent = "đến " + counterLabel(c);
      document.getElementById("now-svc").textContent = c.service_name || "";
      var now = board.querySelector(".now");
      now.classList.remove("flash"); void now.offsetWidth; now.classList.add("flash");
      while (recent.children.length > 8) recent.removeChild(recent.lastChild);
      var w = document.getElementById("waiting");
      if (!c.recall && +w.textContent > 0) w.textContent = +w.textContent - 1;
      chime();
      setTimeout(function () { speak("Mời số " + c.number + " đến " + counterLabel(c)); }, 900);
    });
  }

  // Counter caller (reception): call next, recall, skip, finish.
  var caller = document.getElementById("caller");
  if (caller) {
    var out = document.getElementById("caller-out");
    caller.addEventListener("click", function (ev) {
      var op = ev.target.getAttribute && ev.target.getAttribute("data-op");
      if (!op) return;
      var body = { center_code: caller.center_code.value, counter_code: caller.counter_code.value };
      fetch("/api/v1/queue/" + op, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      }).then(function (res) {
        if (res.status === 204) { out.textContent = "Không còn người chờ."; return; }
        return res.json().then(function (j) {
          if (!res.ok) { out.textContent = j.detail || j.title; return; }
          var verb = { "call-next": "Đang phục vụ số", recall: "Đã gọi lại số", skip: "Đã bỏ qua số", finish: "Đã xong số" }[op];
          out.textContent = verb + " " + j.number + (j.service_name ? " — " + j.service_name : "");
        });
      }).catch(function () { out.textContent = "Lỗi kết nối."; });
    });
  }
})();
