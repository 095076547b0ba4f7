// The live console: polls the station's state, draws the map, the timeline and the
// trainee's view, and sends the range master's commands.
const $ = id => document.getElementById(id);
let scenarios = {}, timelineCount = 0, runKey = null, shownTick = null, viewBusy = false;

function showError(error) { $("error").textContent = error ? String(error.message || error) : ""; }

async function act(path, body) {
  try { showError(null); const result = await api(path, body); poll(); return result; }
  catch (error) { showError(error); }
}

function describe(name) {
  const s = scenarios[name]; if (!s) return;
  $("scenario-description").textContent = s.description || s.title;
  $("scenario-policy").textContent = s.policy;
  $("scenario-weapons").textContent = s.weapons.join(", ");
  $("scenario-duration").textContent = s.duration_s + " s";
}

function branchButtons(branches, live) {
  const box = $("branches");
  if (!branches.length) { box.textContent = "This scenario has no branches."; return; }
  if (box.dataset.keys !== branches.map(b => b.key).join()) {
    box.replaceChildren(...branches.map(b => {
      const button = document.createElement("button");
      button.dataset.key = b.key; button.textContent = `${b.key}: ${b.effect}`;
      button.addEventListener("click", () => act("/api/console/branch", { key: b.key, screen_tick: shownTick }));
      return button;
    }));
    box.dataset.keys = branches.map(b => b.key).join();
  }
  for (const button of box.querySelectorAll("button")) button.disabled = !live;
}

function kv(pairs) {
  return pairs.flatMap(([k, v]) => {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v; return [dt, dd];
  });
}

function commandButton(replica, label, command, value) {
  const button = document.createElement("button");
  button.textContent = label; button.dataset.command = command;
  button.addEventListener("click", () => act("/api/console/replica", { replica: replica.url, command, value }));
  return button;
}

function rig(run) {
  const box = $("rig"); const parts = [];
  const frames = run && run.frames && run.frames.shown !== undefined ? run.frames : null;
  const status = run && run.rig && run.rig.kind ? run.rig : { kind: "none yet" };
  const head = document.createElement("dl"); head.className = "kv";
  head.append(...kv([["Input", status.kind === "mouse" ? "mouse and keys (no rig)" : status.kind + " rig"],
    ...(frames ? [["Projector", `${frames.shown} frames, ${frames.dropped} dropped, worst ${frames.worst_interval_ms} ms`]] : []),
    ...(status.camera && status.camera.fps ? [["Camera", `${status.camera.fps} fps, ${status.camera.dropped} frames dropped`]] : []),
    ...(status.alignment ? [["Alignment", status.alignment]] : [])]));
  const replicas = JSON.stringify(status.replicas || []);
  if (box.dataset.replicas === replicas && box.firstChild) {  // keep the buttons under the finger
    box.replaceChild(head, box.firstChild); return;
  }
  box.dataset.replicas = replicas;
  parts.push(head);
  for (const r of status.replicas || []) {
    const block = document.createElement("div"); block.className = "replica"; block.dataset.url = r.url;
    const title = document.createElement("div"); title.className = r.link === "connected" ? "" : "warn";
    title.textContent = `${r.id} · ${r.model} ${r.firmware} · lane ${r.lane} · ${r.laser} laser · link ${r.link}`;
    const dl = document.createElement("dl"); dl.className = "kv";
    const errors = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    const carts = Object.entries(r.cartridges).map(([b, v]) => `bay ${b}: ${v}`).join("; ");
    dl.append(...kv([["Battery", r.battery], ["Cartridges", carts || "not reported"], ["Magazine", r.magazine],
      ["Errors", errors], ...(r.last_command ? [["Last command", r.last_command]] : [])]));
    const buttons = document.createElement("div");
    if (r.commands.includes("lock")) buttons.append(commandButton(r, "Lock", "lock", ""), commandButton(r, "Unlock", "unlock", ""));
    if (r.commands.includes("malfunction")) for (const kind of ["jam", "misfire", "dud", "none"]) buttons.append(commandButton(r, kind === "none" ? "Clear malfunction" : "Malfunction: " + kind, "malfunction", kind));
    if (r.commands.includes("recoil")) buttons.append(commandButton(r, "Recoil 40 ms", "recoil", "40"));
    block.append(title, dl, buttons); parts.push(block);
  }
  box.replaceChildren(...parts);
}

let viewAt = 0;
function refreshView() {
  // Twice a second at most: the live loop shares the station's process with this page.
  if (viewBusy || performance.now() - viewAt < 500) return;
  viewBusy = true; viewAt = performance.now();
  const img = $("view"); img.onload = img.onerror = () => { viewBusy = false; };
  img.src = "/api/console/view.png?width=640&t=" + Date.now();
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try { await update(); } finally { polling = false; }
}

async function update() {
  let state;
  const since = timelineCount;
  try { state = await api("/api/console/state?since=" + since); } catch (e) { return; }
  $("status").textContent = state.status; $("status").className = "status " + state.status;
  if (state.error) $("error").textContent = state.error;
  const live = state.status === "running" || state.status === "paused";
  const busy = live || state.status === "starting";
  $("start").disabled = busy; $("again").disabled = busy; $("reset").disabled = busy;
  $("pause").disabled = state.status !== "running"; $("resume").disabled = state.status !== "paused";
  $("stop").disabled = !live; $("scenario").disabled = busy; $("save-trainee").disabled = busy;
  if (document.activeElement !== $("scenario")) $("scenario").value = state.selected;
  describe($("scenario").value);
  for (const [id, value] of [["trainee-name", state.trainee.name], ["trainee-badge", state.trainee.badge]]) {
    if (!$(id).value && document.activeElement !== $(id)) $(id).value = value;
  }
  $("trainee-saved").textContent = state.trainee.name ? `${state.trainee.name} (${state.trainee.badge || "no badge"})` : "not entered";
  const run = state.run;
  const key = run ? run.scenario + ":" + run.seed : null;
  if (key !== runKey) { runKey = key; timelineCount = 0; $("timeline").replaceChildren(); if (run) return update(); }
  if (!run) { drawMap($("map"), null); branchButtons([], false); rig(null); return; }
  const info = `${run.scenario}, seed ${run.seed}|${state.status === "ended" ? run.log : ""}`;
  if ($("run-info").dataset.shown !== info) {  // rebuilt only when it changes: links stay clickable
    $("run-info").dataset.shown = info;
    $("run-info").replaceChildren(`${run.scenario}, seed ${run.seed}`);
    if (run.log && state.status === "ended") {
      const a = document.createElement("a"); a.id = "review-link";
      a.href = "/review#" + encodeURIComponent(run.log.replace(/\.jsonl$/, "")); a.textContent = "review " + run.log;
      $("run-info").append(" · ", a);
    }
  }
  if (since === timelineCount) {
    for (const entry of run.timeline) $("timeline").append(timelineItem(entry));
    timelineCount = run.timeline_count;
  }
  $("timeline").scrollTop = $("timeline").scrollHeight;
  if (run.map) {
    drawMap($("map"), run.map); shownTick = run.map.tick;
    $("clock").textContent = `t = ${run.map.time_s.toFixed(2)} s (tick ${run.map.tick})`;
    $("actors").replaceChildren(...run.map.actors.map(a => {
      const li = document.createElement("li"); li.dataset.actor = a.id; li.dataset.state = a.state;
      li.textContent = `${a.id} (${a.role}): ${a.state}, ${a.threat.replace("_", " ")}, ${a.distance_m.toFixed(1)} m`;
      return li;
    }));
    if (live || state.status === "ended") refreshView();
  }
  reactionRows($("reactions"), run.reactions);
  branchButtons(run.branches, live);
  rig(run);
}

async function init() {
  const who = await api("/api/whoami"); $("who").textContent = `${who.name} (${who.role})`;
  const list = await api("/api/console/scenarios");
  for (const s of list) {
    scenarios[s.name] = s;
    const option = document.createElement("option"); option.value = s.name; option.textContent = s.title;
    $("scenario").append(option);
  }
  $("scenario").addEventListener("change", () => act("/api/console/select", { name: $("scenario").value }));
  $("save-trainee").addEventListener("click", () => act("/api/console/trainee", { name: $("trainee-name").value, badge: $("trainee-badge").value }));
  $("start").addEventListener("click", () => act("/api/console/start", $("seed").value === "" ? {} : { seed: Number($("seed").value) }));
  for (const id of ["pause", "resume", "stop", "reset", "again"]) $(id).addEventListener("click", () => act("/api/console/" + id, {}));
  await poll();
  setInterval(poll, 250);
}
init();
