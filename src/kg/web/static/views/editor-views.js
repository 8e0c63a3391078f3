// Result views of the query editor drawn on a map or a timeline (Yasr plugins), chosen by a
// `#defaultView:Map` / `#defaultView:Timeline` comment in the query, as in the Wikidata Query
// Service. Map: a ?lat and a ?long (or ?latitude/?longitude) numeric column, or a WKT
// "Point(long lat)" literal; circles sized by the first other numeric column. Timeline: the first
// column of xsd:date / xsd:dateTime values starts an item, a second one (?end, ?latest…) ends it.
import { drawMap, drawTimeline } from "../views/draw.js";
import { numericValue } from "../ui/chart.js";
import { escapeHtml } from "../ui/links.js";

const XSD = "http://www.w3.org/2001/XMLSchema#";
const DATE_TYPES = new Set([XSD + "date", XSD + "dateTime"]);
const WKT_POINT = /^\s*(?:<[^>]*>\s*)?point\s*\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)\s*$/i;
const LAT = /^(lat|latitude)$/i;
const LONG = /^(long|lon|lng|longitude)$/i;

/** The view a query asks for with `#defaultView:Name` (lower case), or null. */
export function defaultView(query) {
  const found = /^\s*#\s*defaultView\s*:\s*(\w+)/im.exec(query || "");
  return found ? found[1].toLowerCase() : null;
}

function label(row, variables, links, skip) {
  const v = variables.find((name) => !skip.includes(name) && row[name] && numericValue(row[name]) === null);
  if (!v) return "";
  return row[v].type === "uri" ? links.display(row[v].value) : row[v].value;
}

function href(row, variables, links) {
  const v = variables.find((name) => row[name]?.type === "uri");
  return v ? links.href(row[v].value) : null;
}

/** Map items ({lat, long, label, href, size}) of SPARQL JSON rows, or [] when there is no place. */
export function mapItems(variables, rows, links) {
  const lat = variables.find((v) => LAT.test(v));
  const long = variables.find((v) => LONG.test(v));
  const wkt = variables.find((v) => rows.some((row) => WKT_POINT.test(row[v]?.value || "")));
  const coordinates = [lat, long, wkt].filter(Boolean);
  const size = variables.find((v) => !coordinates.includes(v) && rows.some((row) => numericValue(row[v]) !== null));
  return rows.flatMap((row) => {
    let point = null;
    if (lat && long && row[lat] && row[long]) point = [Number(row[lat].value), Number(row[long].value)];
    else if (wkt && row[wkt]) {
      const m = WKT_POINT.exec(row[wkt].value);
      if (m) point = [Number(m[2]), Number(m[1])];
    }
    if (!point || !point.every(Number.isFinite)) return [];
    const text = label(row, variables, links, [...coordinates, size]);
    return [{ lat: point[0], long: point[1], label: text, href: href(row, variables, links),
              size: size && row[size] ? Number(row[size].value) : 1, sizeName: size || "" }];
  });
}

/** Timeline items of SPARQL JSON rows, or [] when no column holds dates. */
export function timelineItems(variables, rows, links) {
  const dated = variables.filter((v) => rows.some((row) => DATE_TYPES.has(row[v]?.datatype)));
  if (!dated.length) return [];
  const [start, end] = dated;
  return rows.flatMap((row, i) => {
    const first = row[start] || (end && row[end]);
    if (!first) return [];
    const last = end && row[start] && row[end] && row[end].value !== row[start].value ? row[end] : null;
    return [{ id: String(i), label: label(row, variables, links, dated) || first.value,
              href: href(row, variables, links), start: first.value.slice(0, 10),
              end: last ? last.value.slice(0, 10) : undefined, type: last ? "range" : "point" }];
  });
}

function resultPlugin(name, title, items, draw, icon) {
  return (links) =>
    class {
      constructor(yasr) {
        this.yasr = yasr;
        this.label = title;
        this.priority = 4;
        this.helpReference = undefined;
      }

      items() {
        const results = this.yasr.results;
        if (!results || !results.getVariables) return [];
        return items(results.getVariables(), results.getBindings() || [], links);
      }

      canHandleResults() {
        return this.items().length > 0;
      }

      getIcon() {
        const element = document.createElement("div");
        element.innerHTML = icon;
        return element;
      }

      draw() {
        const element = document.createElement("div");
        element.className = `view result-view result-${name}`;
        element.style.height = "30rem";
        element.setAttribute("role", "region");
        element.setAttribute("aria-label", `${title} of the results (the table view has the same data)`);
        this.yasr.resultsEl.append(element);
        const found = this.items();
        draw(element, found);
        element.dataset.drawn = String(found.length);
      }
    };
}

export const mapPlugin = resultPlugin(
  "map", "Map", mapItems,
  (element, items) => drawMap(element, items, {
    sizeKey: "size",
    describe: (item) =>
      (item.href ? `<a href="${escapeHtml(item.href)}">${escapeHtml(item.label)}</a>` : escapeHtml(item.label)) +
      (item.sizeName ? `<br>?${escapeHtml(item.sizeName)}: ${escapeHtml(item.size)}` : ""),
  }),
  '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle cx="8" cy="6" r="4"/><path d="M8 16 3 8h10z"/></svg>',
);

export const timelinePlugin = resultPlugin(
  "timeline", "Timeline", timelineItems, drawTimeline,
  '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><rect x="1" y="3" width="8" height="3"/><rect x="5" y="9" width="10" height="3"/></svg>',
);
