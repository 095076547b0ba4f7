// The after-action review: scrub, play at 0.25x to 2x, step a frame, jump to any event.
// The view and the map of each moment come from the station, which replays the log.
const $ = id => document.getElementById(id);
const WENT = { subject: "hit a subject", bystander: "hit a BYSTANDER", cover: "stopped by cover",
  ground: "missed (the ground)", nothing: "missed (out of the scene)", off_screen: "fired off the screen",
  in_flight: "still in flight at the end" };
function went(r) {
  if (r.force === "taser" && (r.fate === "subject" || r.fate === "bystander")) {
    return `probes in ${r.fate === "bystander" ? "a BYSTANDER" : "the subject"} (TASER: ${(r.taser_result || "pending").replace("_", " ")})`;
  }
  return WENT[r.fate];
}
let info = null, tick = 0, playing = false, playFrom = null, busy = false, wanted = null;

function base() { return "/api/review/" + encodeURIComponent(info.name); }

function show(target) {
  tick = Math.max(0, Math.min(info.end_tick, Math.round(target)));
  $("scrub").value = tick;
  $("time").textContent = `${(tick * info.step_s).toFixed(3)} s / ${info.duration_s.toFixed(2)} s`;
  $("export-frame").href = base() + "/view.png?width=1920&tick=" + tick;
  for (const li of $("timeline").children) li.classList.toggle("current", Number(li.dataset.tick) <= tick && Number(li.nextSibling?.dataset.tick ?? Infinity) > tick);
  wanted = tick; fetchMoment();
}

async function fetchMoment() {
  if (busy || wanted === null) return;
  busy = true; const at = wanted; wanted = null;
  const img = $("view");
  const loaded = new Promise(resolve => { img.onload = img.onerror = resolve; });
  img.src = base() + "/view.png?width=960&tick=" + at;
  try { const map = await api(base() + "/map?tick=" + at); drawMap($("map"), map); } catch (e) { $("error").textContent = e.message; }
  await loaded; img.dataset.tick = String(at); busy = false;
  if (wanted !== null) fetchMoment();
}

function frame(now) {
  if (!playing) return;
  const rate = Number($("speed").value);
  const target = playFrom.tick + (now - playFrom.wall) / 1000 * rate / info.step_s;
  if (target >= info.end_tick) { show(info.end_tick); stop(); return; }
  if (!busy) show(target);
  requestAnimationFrame(frame);
}

function play() {
  if (tick >= info.end_tick) show(0);
  playing = true; playFrom = { tick, wall: performance.now() }; $("play").disabled = true; $("pause").disabled = false;
  requestAnimationFrame(frame);
}
function stop() { playing = false; $("play").disabled = false; $("pause").disabled = true; }

function table(tbody, rows) {
  tbody.replaceChildren(...rows.map(row => {
    const tr = document.createElement("tr");
    for (const v of row) { const td = document.createElement("td"); td.textContent = v; tr.append(td); }
    return tr;
  }));
}

async function open(name) {
  stop(); $("error").textContent = "";
  try { info = await api("/api/review/" + encodeURIComponent(name) + "/info"); }
  catch (e) { $("error").textContent = e.message; return; }
  $("title").textContent = `${info.title} · seed ${info.seed}`;
  const meta = [["Scenario", info.scenario], ["Trainee", info.trainee ? `${info.trainee.name} (${info.trainee.badge || "no badge"})` : "not entered"],
    ["Length", info.duration_s.toFixed(2) + " s"], ["Log version", info.log_version],
    ["Replay", info.differs_at === null ? "matches the log" : `differs from the log at event ${info.differs_at}`]];
  $("meta").replaceChildren(...meta.flatMap(([k, v]) => { const dt = document.createElement("dt"); dt.textContent = k; const dd = document.createElement("dd"); dd.textContent = v; if (k === "Replay" && info.differs_at !== null) dd.className = "bad"; return [dt, dd]; }));
  $("export-pdf").href = base() + "/debrief.pdf"; $("export-plot").href = base() + "/plot.png";
  $("export-video").href = base() + "/video.mp4";
  $("scrub").max = info.end_tick;
  $("timeline").replaceChildren(...info.timeline.map(e => timelineItem(e, entry => { stop(); show(entry.tick); })));
  reactionRows($("reactions"), info.reactions);
  table($("rounds"), info.rounds.map(r => [r.shot, r.weapon, (r.tick * info.step_s).toFixed(2), went(r), r.landings.map(l => l.what).join("; ") || "-"]));
  show(0);
}

async function init() {
  const who = await api("/api/whoami"); $("who").textContent = `${who.name} (${who.role})`;
  if (!who.console) $("console-link").remove();
  const names = await api("/api/reviews");
  $("session").replaceChildren(...names.map(n => { const o = document.createElement("option"); o.value = n; o.textContent = n; return o; }));
  const wantedName = decodeURIComponent(location.hash.slice(1));
  if (names.includes(wantedName)) $("session").value = wantedName;
  $("session").addEventListener("change", () => { location.hash = $("session").value; open($("session").value); });
  $("scrub").addEventListener("input", () => { stop(); show(Number($("scrub").value)); });
  $("play").addEventListener("click", play); $("pause").addEventListener("click", stop);
  $("step-back").addEventListener("click", () => { stop(); show(tick - info.frame_ticks); });
  $("step-forward").addEventListener("click", () => { stop(); show(tick + info.frame_ticks); });
  $("speed").addEventListener("change", () => { if (playing) playFrom = { tick, wall: performance.now() }; });
  $("pause").disabled = true;
  if (names.length) await open($("session").value); else $("error").textContent = "No sessions to review yet.";
}
init();
