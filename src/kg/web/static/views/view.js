// A view page (/view/{kind}, /embed/{kind}): draw the data embedded in the page.
import { drawMap, drawNetwork, drawTimeline } from "./draw.js";

function main() {
  const { kind, items } = JSON.parse(document.getElementById("view-data").textContent);
  const element = document.getElementById("view");
  if (kind === "timeline") drawTimeline(element, items);
  else if (kind === "map") drawMap(element, items);
  else drawNetwork(element, items[0]);
  element.dataset.drawn = String(kind === "network" ? items[0].nodes.length : items.length);
  document.body.dataset.viewReady = "true";
}

main();
