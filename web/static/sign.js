// The signing page drives the officer's local signing agent (motcua
// sign-agent, http://127.0.0.1:17870): it pairs once (the officer types
// the code the agent shows), sends the digest to sign, and puts the
// signature value and the token's certificate in the form. The PIN is
// asked by the agent, never here. Plain JavaScript, no build step.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form || form.dataset.method !== "agent") return;
  var agent = form.dataset.agent;
  var KEY = "motcua-sign-agent:" + agent;
  var status = document.getElementById("agent-status");
  var button = document.getElementById("agent-sign");
  var pairBox = document.getElementById("agent-pair");

  function say(text) { status.textContent = text; }

  function call(path, body, secret) {
    var headers = { "Content-Type": "application/json" };
    if (secret) headers.Authorization = "Bearer " + secret;
    return fetch(agent + path, { method: "POST", headers: headers, body: JSON.stringify(body || {}) })
      .catch(function () {
        throw new Error("Không kết nối được trình ký trên máy này. Hãy cắm USB token, chạy \"motcua sign-agent\" rồi thử lại.");
      })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) {
            var e = new Error(j.message || ("Trình ký trả lỗi " + r.status));
            e.code = j.error;
            throw e;
          }
          return j;
        });
      });
  }

  // pair asks the agent for a pairing, waits for the code the officer
  // reads on the agent's window, and keeps the secret it returns.
  function pair() {
    return call("/v1/pair", {}).then(function (p) {
      pairBox.hidden = false;
      say("Nhập mã ghép nối đang hiển thị trên cửa sổ trình ký.");
      var input = document.getElementById("agent-code");
      input.focus();
      return new Promise(function (resolve, reject) {
        document.getElementById("agent-pair-ok").onclick = function () {
          call("/v1/pair/confirm", { pairing_id: p.pairing_id, code: input.value }).then(function (s) {
            localStorage.setItem(KEY, s.secret);
            pairBox.hidden = true;
            resolve(s.secret);
          }, reject);
        };
      });
    });
  }

  function signWith(secret) {
    say("Nhập mã PIN trên cửa sổ trình ký để ký văn bản…");
    return call("/v1/sign", {
      digest: form.dataset.digest,
      document: { title: form.dataset.title, code: form.dataset.code, sha256: form.dataset.sha256 }
    }, secret);
  }

  button.addEventListener("click", function () {
    if (!document.getElementById("sign-confirm").checked) {
      say("Hãy đánh dấu xác nhận đã xem văn bản trước khi ký.");
      return;
    }
    button.disabled = true;
    var secret = localStorage.getItem(KEY);
    var start = secret ? Promise.resolve(secret) : pair();
    start.then(function (s) {
      return signWith(s).catch(function (e) {
        if (e.code !== "not_paired") throw e;
        localStorage.removeItem(KEY);
        return pair().then(signWith);
      });
    }).then(function (res) {
      document.getElementById("sign-signature").value = res.signature;
      document.getElementById("sign-certificate").value = res.certificates[0];
      say("Đã ký trên USB token; đang hoàn tất…");
      form.submit();
    }).catch(function (e) {
      say(e.message);
      button.disabled = false;
    });
  });
})();
