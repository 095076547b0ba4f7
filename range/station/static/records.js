"use strict";
const $ = id => document.getElementById(id);
let me = null;

function cell(row, text, cls) {
  const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td;
}
function head(table, names) {
  table.replaceChildren(); const row = table.createTHead().insertRow();
  for (const n of names) { const th = document.createElement("th"); th.textContent = n; row.appendChild(th); }
  return table.createTBody();
}
function verdict(a) { return `${a.points}/${a.max_points} ${a.passed ? "PASS" : "FAIL"}`; }
async function get(path) {
  const response = await fetch(path);
  if (response.status === 401) { location.href = "/login?next=/records"; throw new Error("login"); }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

async function officers() {
  const body = head($("officers"), ["badge", "name", "attempts"]);
  for (const o of await get("/api/records/officers")) {
    const row = body.insertRow(); row.className = "pick"; row.dataset.badge = o.badge;
    cell(row, o.badge); cell(row, o.name); cell(row, o.attempts);
    row.onclick = () => { location.hash = `officer/${encodeURIComponent(o.badge)}`; };
  }
}

async function officer(badge) {
  const o = await get(`/api/records/officers/${encodeURIComponent(badge)}`);
  for (const row of $("officers").rows) row.classList.toggle("on", row.dataset.badge === badge);
  $("officer-box").hidden = false;
  $("officer-title").textContent = `Officer ${o.badge} ${o.name}: ${o.attempts.length} attempts`;
  const trends = head($("trends"), ["course", "attempts", "passed", "last", "best", "mean", "trend"]);
  for (const t of o.trends) {
    const row = trends.insertRow();
    for (const v of [t.course, t.attempts, t.passed, `${t.last.toFixed(0)}%`, `${t.best.toFixed(0)}%`,
                     `${t.mean.toFixed(0)}%`, `${t.slope >= 0 ? "+" : ""}${t.slope.toFixed(1)}/attempt (${t.words})`]) cell(row, v);
  }
  $("rule").textContent = o.rule;
  const attempts = head($("attempts"), ["attempt", "shot", "course", "score", "notes"]);
  for (const a of o.attempts.slice().reverse()) {
    const row = attempts.insertRow(); row.className = "pick";
    cell(row, a.id); cell(row, a.shot_at.slice(0, 16).replace("T", " ")); cell(row, a.course);
    cell(row, verdict(a), a.passed ? "pass" : "fail");
    cell(row, [a.corrects ? `corrects ${a.corrects}` : "", a.signoffs ? "signed off" : ""].filter(Boolean).join(", "));
    row.onclick = () => { location.hash = `attempt/${a.id}`; };
  }
  $("officer-csv").href = `/api/records/export.csv?officer=${encodeURIComponent(badge)}`;
  $("history-plot").src = `/api/records/officers/${encodeURIComponent(badge)}/history.png`;
}

function showAttempt(a) {
  $("attempt-box").hidden = false;
  $("attempt-title").textContent = `Attempt ${a.id}: ${a.title}`;
  const meta = $("attempt-meta"); meta.replaceChildren();
  const signed = a.signoffs.map(s => `${s.user} at ${s.at.slice(0, 16).replace("T", " ")}`).join("; ");
  for (const [k, v] of [["officer", `${a.badge} ${a.officer}`], ["shot", a.shot_at.slice(0, 19).replace("T", " ")],
                        ["fired by", `${a.source} (seed ${a.seed})`], ["course", `${a.course}, sha256 ${a.course_sha256.slice(0, 16)}…`],
                        ["result", `${verdict(a)} (pass mark ${a.pass_points})`],
                        ["corrections", a.corrects ? `corrects ${a.corrects}` : a.corrected_by.length ? `corrected by ${a.corrected_by.join(", ")}` : "none"],
                        ["signed off", signed || "not signed off"], ["unconfirmed", a.unconfirmed.join("; ") || "none"]]) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v; meta.append(dt, dd);
  }
  $("attempt-rule").textContent = a.simulator_rule;
  const stages = head($("stages"), ["string", "par", "delay", "hits", "points", "shots: time (split) zone"]);
  for (const s of a.stages) {
    const row = stages.insertRow();
    cell(row, `${s.stage}. ${s.label}`); cell(row, `${s.par_s}${s.par_confirmed ? "" : "*"}`);
    cell(row, s.delay_s.toFixed(2)); cell(row, `${s.hits}/${s.rounds}`); cell(row, `${s.points}/${s.max_points}`);
    cell(row, s.shots.map(t => `${t.t_s.toFixed(2)}${t.split_s == null ? "" : ` (${t.split_s.toFixed(2)})`} ${t.zone || "-"}${t.note ? ` [${t.note}]` : ""}`).join(", "), "shots");
  }
  $("certificate").href = `/api/records/attempts/${a.id}/certificate.pdf`;
  $("certificate").hidden = !(a.passed && a.signoffs.length && a.current);
  const mine = a.signoffs.some(s => me && s.user === me.name);
  $("sign").hidden = !(me && me.role === "certifier" && a.current && !mine);
  $("signer").textContent = me ? me.name : "";
  $("groups").src = `/api/records/attempts/${a.id}/groups.png`;
  $("sign").onsubmit = async event => {
    event.preventDefault();
    const response = await fetch(`/api/records/attempts/${a.id}/sign`, { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ password: $("password").value }) });
    const body = await response.json(); $("password").value = "";
    if (!response.ok) { $("error").textContent = body.error; return; }
    $("error").textContent = ""; showAttempt(body); officer(body.badge); chain();
  };
}

async function attempt(id) {
  const a = await get(`/api/records/attempts/${id}`);
  await officer(a.badge); showAttempt(a);
}

async function chain() {
  const v = await get("/api/records/verify");
  $("chain").textContent = v.intact ? `audit chain intact: ${v.entries} entries, head ${v.head.slice(0, 12)}…`
    : `AUDIT CHAIN BROKEN: ${v.problems.length} problems (${v.problems[0]})`;
  $("chain").className = v.intact ? "desc" : "error";
}

async function route() {
  $("error").textContent = "";
  const [kind, key] = location.hash.slice(1).split("/");
  try {
    if (kind === "officer") { $("attempt-box").hidden = true; await officer(decodeURIComponent(key)); }
    else if (kind === "attempt") await attempt(key);
  } catch (e) { $("error").textContent = e.message; }
}

$("logout").onclick = async () => { await fetch("/api/logout", { method: "POST" }); location.href = "/login?next=/records"; };
window.addEventListener("hashchange", route);
(async () => {
  me = await get("/api/records/whoami");
  $("who").textContent = `${me.name} (${me.role.replace("_", " ")})`;
  await officers(); await chain(); await route();
})();
