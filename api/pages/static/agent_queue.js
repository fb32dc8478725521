// The agent console's queue: how long each call has waited and how long until the order's ident
// deadline, ticking every second; the list itself is fetched again every few seconds (a short poll).
"use strict";

(function () {
  const table = document.getElementById("queue");
  const body = table.querySelector("tbody");
  const empty = document.getElementById("queue-empty");
  const stale = document.getElementById("queue-stale");
  const labels = JSON.parse(document.getElementById("page-data").textContent);
  const pollMs = Number(table.dataset.pollSeconds || 5) * 1000;
  let clockOffset = 0; // server time minus this browser's time

  function duration(seconds) {
    const sign = seconds < 0 ? "-" : "";
    const s = Math.abs(Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    return sign + (h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`);
  }

  function tick() {
    const now = Date.now() + clockOffset;
    body.querySelectorAll("tr").forEach((row) => {
      row.querySelector(".waited").textContent = duration((now - Date.parse(row.dataset.requested)) / 1000);
      const cell = row.querySelector(".deadline");
      if (!row.dataset.deadline) { cell.textContent = "–"; return; }
      const left = (Date.parse(row.dataset.deadline) - now) / 1000;
      cell.textContent = duration(left);
      cell.classList.toggle("urgent", left < 300);
    });
  }

  function cell(text, className, label) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (label) td.dataset.label = label;
    if (text) td.textContent = text;
    return td;
  }

  function row(entry) {
    const tr = document.createElement("tr");
    tr.dataset.session = entry.session_id;
    tr.dataset.requested = entry.requested_at;
    tr.dataset.deadline = entry.ident_deadline || "";
    tr.append(
      cell(entry.order_id, "", labels.order),
      cell(entry.session_id.slice(0, 8), "mono", labels.session),
      cell("", "waited", labels.waited),
      cell("", "deadline", labels.deadline),
    );
    const form = document.createElement("form");
    form.method = "post";
    form.action = `/agent/sessions/${encodeURIComponent(entry.session_id)}/claim`;
    form.className = "action";
    const csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf";
    csrf.value = table.dataset.csrf;
    const button = document.createElement("button");
    button.className = "claim";
    button.textContent = labels.claim;
    form.append(csrf, button);
    const last = cell("");
    last.append(form);
    tr.append(last);
    return tr;
  }

  async function poll() {
    try {
      const response = await fetch("/agent/queue", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status === 401) { window.location.reload(); return; }
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      clockOffset = Date.parse(data.now) - Date.now();
      body.replaceChildren(...data.sessions.map(row));
      table.hidden = data.sessions.length === 0;
      empty.hidden = data.sessions.length > 0;
      stale.hidden = true;
      tick();
    } catch (error) {
      stale.hidden = false;
    }
  }

  tick();
  setInterval(tick, 1000);
  setInterval(poll, pollMs);
})();
