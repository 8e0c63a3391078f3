// Drawing the views (timeline, map, network) with the vendored libraries: vis-timeline, Leaflet
// (no tile server: circles on a plain background with a graticule), vis-network. Shared by the
// view pages (view.js) and the query editor's result views (editor-views.js).

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** Points (exact days) and bars (ranges) on a vis-timeline; a click opens the item's page. */
export function drawTimeline(element, items) {
  const data = items.map((item) => ({
    id: item.id,
    content: escapeHtml(item.label),
    title: escapeHtml(item.end ? `${item.label}: ${item.start} – ${item.end}` : `${item.label}: ${item.start}`),
    start: item.start,
    end: item.type === "range" ? endOfDay(item.end) : undefined,
    type: item.type,
    className: item.type,
  }));
  const timeline = new vis.Timeline(element, new vis.DataSet(data), {
    stack: true, zoomable: true, orientation: "top", margin: { item: 6 }, height: "100%",
  });
  const hrefs = new Map(items.map((item) => [item.id, item.href]));
  timeline.on("select", ({ items: chosen }) => {
    if (chosen.length && hrefs.get(chosen[0])) window.location.assign(hrefs.get(chosen[0]));
  });
  return timeline;
}

/** The day after `day` (a bar covers its last day whole). */
function endOfDay(day) {
  const date = new Date(day + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Circles sized by `sizeKey` at each item's lat/long on a Leaflet map without tiles. */
export function drawMap(element, items, { sizeKey = "broadcasts", describe = defaultDescription } = {}) {
  const map = L.map(element, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Coordinates: cpca 0.5.5 (MIT) · officials-kg (CC BY 4.0)");
  graticule().addTo(map);
  const largest = Math.max(1, ...items.map((item) => Number(item[sizeKey]) || 0));
  const ordered = [...items].sort((a, b) => (Number(b[sizeKey]) || 0) - (Number(a[sizeKey]) || 0));
  const markers = ordered.map((item) => {
    const size = Number(item[sizeKey]) || 0;
    const marker = L.circleMarker([item.lat, item.long], {
      radius: 5 + 25 * Math.sqrt(size / largest), color: "#9b1c1c", weight: 1.5,
      fillColor: "#d9534f", fillOpacity: 0.35,
    });
    marker.bindPopup(describe(item));
    const province = /^\d{2}0000$/.test(item.code || ""); // GB/T 2260: a province-level code
    marker.bindTooltip(escapeHtml(item.label), { direction: "right", className: "region-label", permanent: province });
    return marker.addTo(map);
  });
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 8 });
  } else {
    map.setView([35, 105], 4); // China
  }
  return map;
}

function defaultDescription(item) {
  const sales = Number(item.sales || 0).toLocaleString("en");
  const link = item.href ? `<a href="${escapeHtml(item.href)}">${escapeHtml(item.label)}</a>` : escapeHtml(item.label);
  const code = item.code ? ` (${escapeHtml(item.code)})` : "";
  return `${link}${code}<br>${item.broadcasts} broadcast(s)` + (item.sales ? `<br>sales ${sales} yuan` : "");
}

/** Lines of latitude and longitude every 5 degrees over China: a plain, offline background. */
function graticule() {
  const lines = [];
  for (let lat = 15; lat <= 55; lat += 5) lines.push([[lat, 70], [lat, 140]]);
  for (let long = 70; long <= 140; long += 5) lines.push([[15, long], [55, long]]);
  return L.polyline(lines, { color: "#c9d3dd", weight: 1, interactive: false });
}

const GROUPS = {
  official: { color: { background: "#f2c14e", border: "#9a7010" }, shape: "dot" },
  broadcast: { color: { background: "#d9534f", border: "#9b1c1c" }, shape: "dot" },
  product: { color: { background: "#5b9bd5", border: "#2f6fab" }, shape: "dot" },
  industry: { color: { background: "#7fbf7f", border: "#3d7a3d" }, shape: "diamond" },
};

/** Nodes and edges on a vis-network; a double click opens the node's page. */
export function drawNetwork(element, { nodes, edges }) {
  const network = new vis.Network(
    element,
    {
      nodes: new vis.DataSet(nodes.map((n) => ({ id: n.id, label: n.label, group: n.group, title: `${n.group}: ${n.label}` }))),
      edges: new vis.DataSet(edges.map((e, i) => ({ id: i, from: e.from, to: e.to }))),
    },
    {
      groups: GROUPS,
      nodes: { size: 12, font: { size: 13, face: "system-ui, sans-serif" } },
      edges: { arrows: "to", color: "#9aa5b1", smooth: false },
      physics: { stabilization: { iterations: 200 }, barnesHut: { springLength: 120 } },
      interaction: { hover: true, keyboard: true },
    },
  );
  const hrefs = new Map(nodes.map((n) => [n.id, n.href]));
  network.on("doubleClick", ({ nodes: chosen }) => {
    if (chosen.length && hrefs.get(chosen[0])) window.location.assign(hrefs.get(chosen[0]));
  });
  return network;
}
