// The top-down map of one moment, drawn from the station's map data (world metres: the
// officer starts at the origin facing +y, and may have moved). Shared by the console and
// the review.
const THREAT_COLOURS = { compliant: "#4cb26a", passive_resistance: "#d9c23a",
  active_aggression: "#e8862d", deadly_force: "#e03c3c" };
const FATE_COLOURS = { subject: "#ff4d4d", bystander: "#ff4dff", cover: "#ff9a1f",
  ground: "#ffffff", nothing: "#ffffff", in_flight: "#aaaaaa", off_screen: "#777777" };

function drawMap(canvas, map) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.fillStyle = "#0f1216"; ctx.fillRect(0, 0, w, h);
  if (!map) { canvas.dataset.drawn = "[]"; return; }
  let xs = [-6, 6], ys = [-1, 12];
  const places = [map.officer, ...map.screen.ends, ...map.shots.map(s => s.from)];
  for (const p of places.filter(Boolean)) { xs.push(p[0]); ys.push(p[1]); }
  for (const a of map.actors) { xs.push(a.position[0]); ys.push(a.position[1]); }
  for (const c of map.cover) for (const p of c.corners) { xs.push(p[0]); ys.push(p[1]); }
  const minX = Math.min(...xs) - 1.5, maxX = Math.max(...xs) + 1.5;
  const minY = Math.min(...ys) - 1, maxY = Math.max(...ys) + 1.5;
  const scale = Math.min(w / (maxX - minX), h / (maxY - minY));
  const cx = w / 2 - ((minX + maxX) / 2) * scale, cy = h / 2 + ((minY + maxY) / 2) * scale;
  const px = (x, y) => [cx + x * scale, cy - y * scale];
  // a metre grid, and the screen the trainee faces
  ctx.strokeStyle = "#1c222b"; ctx.lineWidth = 1;
  for (let gx = Math.ceil(minX); gx <= maxX; gx++) { ctx.beginPath(); ctx.moveTo(...px(gx, minY)); ctx.lineTo(...px(gx, maxY)); ctx.stroke(); }
  for (let gy = Math.ceil(minY); gy <= maxY; gy++) { ctx.beginPath(); ctx.moveTo(...px(minX, gy)); ctx.lineTo(...px(maxX, gy)); ctx.stroke(); }
  const [left, right] = map.screen.ends;  // the screen moves and turns with him
  ctx.strokeStyle = "#4f8fe8"; ctx.lineWidth = 2; ctx.beginPath();
  ctx.moveTo(...px(...left)); ctx.lineTo(...px(...right)); ctx.stroke();
  for (const c of map.cover) {
    ctx.fillStyle = c.kind === "vehicle" ? "#56606e" : "#6b6358"; ctx.beginPath();
    c.corners.forEach((p, i) => i ? ctx.lineTo(...px(...p)) : ctx.moveTo(...px(...p)));
    ctx.closePath(); ctx.fill();
    ctx.fillStyle = "#cfd5dd"; ctx.font = "11px sans-serif";
    ctx.fillText(c.id, ...px(c.corners[0][0], c.corners[0][1]));
  }
  for (const s of map.shots) {
    if (!s.end) continue;
    ctx.strokeStyle = s.force === "taser" ? "#ffe27a" : FATE_COLOURS[s.fate] || "#ff4d4d";
    ctx.globalAlpha = s.recent ? 1.0 : 0.45; ctx.lineWidth = s.recent ? 2 : 1;
    ctx.setLineDash(s.fate === "in_flight" ? [4, 4] : []);
    ctx.beginPath(); ctx.moveTo(...px(...(s.from || [0, 0]))); ctx.lineTo(...px(...s.end)); ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
  }
  // the officer
  const me = px(...(map.officer || [0, 0]));  // where he stands (he may have stepped)
  ctx.fillStyle = "#4f8fe8"; ctx.beginPath(); ctx.arc(...me, 7, 0, 2 * Math.PI); ctx.fill();
  ctx.fillStyle = "#cfd5dd"; ctx.font = "11px sans-serif"; ctx.fillText("officer", me[0] + 9, me[1] + 4);
  const drawn = [];
  for (const a of map.actors) {
    const [x, y] = px(...a.position);
    const r = Math.max(5, 0.3 * scale);
    ctx.fillStyle = THREAT_COLOURS[a.threat] || "#999";
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
    if (a.role === "bystander") { ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 2; ctx.stroke(); }
    if (a.incapacitated) { ctx.strokeStyle = "#ffe27a"; ctx.lineWidth = 3; ctx.beginPath(); ctx.arc(x, y, r + 4, 0, 2 * Math.PI); ctx.stroke(); }
    ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x, y);
    ctx.lineTo(x + Math.cos(a.facing) * r * 2, y - Math.sin(a.facing) * r * 2); ctx.stroke();
    ctx.fillStyle = "#e8ebf0"; ctx.font = "12px sans-serif";
    const held = a.held && a.held !== "none" ? ", " + a.held : "";
    ctx.fillText(`${a.id}: ${a.state}${held}`, x + r + 4, y - 2);
    ctx.fillStyle = "#9aa3b2"; ctx.font = "11px sans-serif";
    ctx.fillText(`${a.threat.replace("_", " ")} · ${a.distance_m.toFixed(1)} m`, x + r + 4, y + 11);
    drawn.push({ id: a.id, state: a.state, threat: a.threat });
  }
  canvas.dataset.drawn = JSON.stringify(drawn);
  canvas.dataset.tick = String(map.tick);
}

function fmt(seconds) { return seconds == null ? "" : seconds.toFixed(2) + " s"; }

function timelineItem(entry, onClick) {
  const li = document.createElement("li");
  li.className = entry.kind; li.dataset.tick = entry.tick;
  const t = document.createElement("span"); t.className = "t"; t.textContent = entry.time_s.toFixed(2);
  li.append(t, document.createTextNode(entry.text));
  if (onClick) li.addEventListener("click", () => onClick(entry));
  return li;
}

function reactionRows(tbody, reactions) {
  tbody.replaceChildren(...reactions.map(r => {
    const tr = document.createElement("tr");
    for (const v of [r.actor, r.cue_s.toFixed(2), r.threat.replace("_", " "), r.response || "none", fmt(r.reaction_s), r.indicator]) {
      const td = document.createElement("td"); td.textContent = v; tr.append(td);
    }
    return tr;
  }));
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  if (response.status === 401) { location.href = "/login"; throw new Error("login required"); }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || (data.detail && JSON.stringify(data.detail)) || response.statusText);
  return data;
}
