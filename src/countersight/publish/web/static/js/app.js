// Session for reviewers: the API token lives in this tab's sessionStorage and goes only to this
// server, in the Authorization header. All text is set with textContent, never as HTML.
(function () {
  "use strict";
  var KEY = "countersight-token";
  var NAME = "countersight-name";

  function token() { return sessionStorage.getItem(KEY); }

  function api(path, options) {
    var opts = options || {};
    var headers = opts.headers || {};
    if (token()) { headers.Authorization = "Bearer " + token(); }
    if (opts.body && !headers["Content-Type"]) { headers["Content-Type"] = "application/json"; }
    opts.headers = headers;
    return fetch(path, opts).then(function (response) {
      // An expired or revoked token: forget it here too (the next page shows "Sign in").
      if (response.status === 401 && token()) {
        sessionStorage.removeItem(KEY);
        sessionStorage.removeItem(NAME);
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  function errorText(result) {
    var err = result.body && result.body.error;
    return err ? err.message : "request failed (" + result.status + ")";
  }

  function showSession() {
    var name = sessionStorage.getItem(NAME);
    var signedIn = document.getElementById("signed-in");
    var login = document.getElementById("login-link");
    var logout = document.getElementById("logout");
    if (name && token()) {
      signedIn.textContent = "Signed in as " + name;
      signedIn.hidden = false;
      login.hidden = true;
      logout.hidden = false;
      document.querySelectorAll(".reviewer-only").forEach(function (el) { el.hidden = false; });
    }
  }

  function signOut() {
    // Revoke the token on the server too: a copy left in a shared browser stops working.
    var done = function () {
      sessionStorage.removeItem(KEY);
      sessionStorage.removeItem(NAME);
      window.location.reload();
    };
    if (!token()) { done(); return; }
    api("/api/logout", { method: "POST" }).then(done, done);
  }

  // Signed-in users see what anonymous pages withhold: a document's full text, and the text of
  // the archived copy follow kept of it.
  var PRIVATE_TEXTS = [
    { id: "document-text", suffix: "" },
    { id: "archive-text", suffix: "/archive" }
  ];

  function fillPrivate() {
    if (!token()) { return; }
    PRIVATE_TEXTS.forEach(function (item) {
      var text = document.getElementById(item.id);
      if (!text || !text.hasAttribute("data-document")) { return; }
      var path = "/api/documents/" + encodeURIComponent(text.getAttribute("data-document")) + item.suffix;
      api(path).then(function (result) {
        if (!result.ok || typeof result.body.text !== "string") { return; }
        text.textContent = result.body.text;
        text.hidden = false;
        var note = document.getElementById(item.id + "-withheld");
        if (note) { note.hidden = true; }
      });
    });
  }

  function bindLogin() {
    var form = document.getElementById("login-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("login-status");
      var value = document.getElementById("token").value.trim();
      fetch("/api/me", { headers: { Authorization: "Bearer " + value } })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b, status: r.status }; }); })
        .then(function (result) {
          if (!result.ok) { status.textContent = "Not signed in: " + errorText(result); return; }
          sessionStorage.setItem(KEY, value);
          sessionStorage.setItem(NAME, result.body.name);
          status.textContent = "Signed in as " + result.body.name + " (" + result.body.role + ").";
          showSession();
        });
    });
  }

  window.countersight = { api: api, token: token, errorText: errorText };
  document.addEventListener("DOMContentLoaded", function () {
    var logout = document.getElementById("logout");
    if (logout) { logout.addEventListener("click", signOut); }
    showSession();
    fillPrivate();
    bindLogin();
  });
})();
