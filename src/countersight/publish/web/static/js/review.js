// Review: the decision form on a deployment page and the queue page. Uses window.countersight.api.
(function () {
  "use strict";

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function bindForm() {
    var form = document.getElementById("review-form");
    if (!form) { return; }
    var action = document.getElementById("review-action");
    function toggle() {
      form.querySelector(".edit-only").hidden = action.value !== "edit";
      form.querySelector(".dispute-only").hidden = action.value !== "dispute";
    }
    action.addEventListener("change", toggle);
    toggle();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("review-status");
      var data = new FormData(form);
      var body = { action: data.get("action"), reason: String(data.get("reason") || "").trim() };
      if (body.action === "edit") {
        body.fields = {};
        body.fields[data.get("field")] = String(data.get("value") || "").trim() || null;
      }
      if (body.action === "dispute") { body.by = data.get("by"); body.source = data.get("source"); }
      status.textContent = "Recording…";
      var target = form.getAttribute("data-target");
      window.countersight.api("/api/review/" + encodeURIComponent(target), {
        method: "POST", body: JSON.stringify(body)
      }).then(function (result) {
        if (!result.ok) { status.textContent = "Not recorded: " + window.countersight.errorText(result); return; }
        var ev = result.body.event;
        var decision = result.body.state.decision;
        var badge = document.querySelector("#review-badge .badge");
        badge.textContent = decision;
        badge.className = "badge badge-" + decision;
        var none = document.getElementById("no-history");
        if (none) { none.remove(); }
        var item = el("li");
        item.appendChild(el("strong", ev.action));
        item.appendChild(document.createTextNode(" by " + ev.actor + ": " + ev.reason));
        document.getElementById("history").appendChild(item);
        status.textContent = "Recorded: " + ev.action + " by " + ev.actor + ".";
        form.reset();
        toggle();
      });
    });
  }

  // The server renders the anonymous view: reviewers' names come from the API with the token.
  function fillHistoryNames() {
    var form = document.getElementById("review-form");
    var list = document.getElementById("history");
    if (!form || !list || !window.countersight.token()) { return; }
    var target = form.getAttribute("data-target");
    window.countersight.api("/api/deployments/" + encodeURIComponent(target)).then(function (result) {
      if (!result.ok || !result.body.history || !result.body.history.length) { return; }
      while (list.firstChild) { list.removeChild(list.firstChild); }
      result.body.history.forEach(function (ev) {
        var item = el("li");
        item.appendChild(el("strong", ev.action));
        var when = ev.created_at ? " (" + ev.created_at.slice(0, 19) + ")" : "";
        item.appendChild(document.createTextNode((ev.actor ? " by " + ev.actor : "") + when + ": " + ev.reason));
        list.appendChild(item);
      });
    });
  }

  function loadQueue() {
    var table = document.getElementById("queue");
    if (!table || !window.countersight.token()) { return; }
    var status = document.getElementById("queue-status");
    window.countersight.api("/api/review/queue?limit=200").then(function (result) {
      if (!result.ok) { status.textContent = window.countersight.errorText(result); return; }
      var tbody = table.querySelector("tbody");
      result.body.items.forEach(function (item) {
        var row = el("tr");
        row.appendChild(el("td", item.priority.toFixed(2)));
        var what = el("td");
        var href = item.target_kind === "deployment" ? "/deployment/" : "/vendor/";
        what.appendChild(el("a", item.summary, { href: href + encodeURIComponent(item.target_id) }));
        row.appendChild(what);
        row.appendChild(el("td", item.reasons.join("; ")));
        tbody.appendChild(row);
      });
      var total = result.body.total;
      status.textContent = total + " item" + (total === 1 ? "" : "s") + " await review" +
        (total > result.body.items.length ? " (the first " + result.body.items.length + " shown)" : "") +
        " (signed in as " + result.body.reviewer + ").";
      table.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { bindForm(); fillHistoryNames(); loadQueue(); });
})();
