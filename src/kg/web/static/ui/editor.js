// The query editor page: Yasqe (editor) + Yasr (results), examples, permalinks and downloads.
// Talks only to this server: no prefix.cc, no LOV, no URL shortener, no CORS proxy.

import { chartPlugin, numericValue } from "./chart.js";
import { escapeHtml, Links, selectValues } from "./links.js";
import { defaultView, mapPlugin, timelinePlugin } from "../views/editor-views.js";

const config = JSON.parse(document.getElementById("editor-config").textContent);
const links = new Links(config);
const examples = new Map(config.examples.map((example) => [example.name, example]));

// query type -> downloads offered: [button, Accept header, file extension]
const DOWNLOADS = {
  select: { csv: ["text/csv", "csv"], json: ["application/sparql-results+json", "json"] },
  graph: { csv: ["text/turtle", "ttl"], json: ["application/ld+json", "jsonld"] },
};
const DOWNLOAD_LABELS = { select: { csv: "CSV", json: "JSON" }, graph: { csv: "Turtle", json: "JSON-LD" } };

const XSD_STRING = config.prefixes.xsd + "string";

const DEFAULT_QUERY = `${prefixLines(["okg", "rdfs"])}
SELECT ?class (COUNT(?thing) AS ?count) WHERE {
  ?thing a ?class .
}
GROUP BY ?class
ORDER BY DESC(?count)
LIMIT 20
`;

function prefixLines(names) {
  return names.map((name) => `PREFIX ${name}: <${config.prefixes[name]}>`).join("\n");
}

/** The URL that reopens and runs `query`. */
export function permalink(query) {
  const url = new URL(config.editor, window.location.href);
  url.searchParams.set("query", query);
  return url.toString();
}

function setStatus(text, kind = "info") {
  const status = document.getElementById("status");
  status.textContent = text;
  status.dataset.kind = kind;
}

// Completions of classes and properties come from our own graph, not from LOV.
const VOCABULARY_QUERIES = {
  okgProperties: `SELECT DISTINCT ?term WHERE {
  { ?term a ?type VALUES ?type { owl:ObjectProperty owl:DatatypeProperty rdf:Property } }
  UNION { [] ?term [] } }`,
  okgClasses: `SELECT DISTINCT ?term WHERE { { ?term a owl:Class } UNION { [] a ?term } FILTER isIRI(?term) }`,
};
const COMPLETERS = { okgPrefixes: "prefixes", okgProperties: "property", okgClasses: "class" };

function vocabularyTerms(name) {
  const query = `${prefixLines(["rdf", "owl"])}\n${VOCABULARY_QUERIES[name]}`;
  return selectValues(config.endpoint, query, "term").catch(() => []);
}

function configureYasqe() {
  // Prefix completion from our own prefix map (never prefix.cc); typing `okg:` adds its PREFIX line.
  const ours = Object.entries(config.prefixes).map(([prefix, iri]) => `${prefix}: <${iri}>`).sort();
  const getters = { okgPrefixes: () => ours, okgProperties: () => vocabularyTerms("okgProperties"),
                    okgClasses: () => vocabularyTerms("okgClasses") };
  for (const [name, base] of Object.entries(COMPLETERS)) {
    Yasqe.forkAutocompleter(base, { name, persistenceId: null, bulk: true, get: getters[name] }, false);
  }
  // Only ours: the built-in "prefixes", "property" and "class" would call prefix.cc and LOV.
  Yasqe.defaults.autocompleters = [...Object.keys(COMPLETERS), "variables"];
  return new Yasqe(document.getElementById("editor"), {
    value: DEFAULT_QUERY,
    requestConfig: { endpoint: new URL(config.endpoint, window.location.href).toString(), method: "POST" },
    prefixCcApi: null,
    createShortLink: undefined,
    createShareableLink: (yasqe) => permalink(yasqe.getValue()),
    consumeShareLink: null, // the page reads ?query= itself, and runs it
    persistenceId: "okg-editor-query",
    editorHeight: "300px",
    resizeable: true,
  });
}

function configureYasr() {
  const Table = Yasr.plugins.table;
  class LinkedTable extends Table {
    getUriLinkFromBinding(binding) {
      return links.anchor(binding.value);
    }

    formatLiteral(literal) {
      const value = escapeHtml(literal.value);
      const tag = (text) => `<span class="term-tag">${escapeHtml(text)}</span>`;
      if (numericValue(literal) !== null) return `<span class="number">${value}</span>`;
      if (literal["xml:lang"]) return `${value} ${tag("@" + literal["xml:lang"])}`;
      if (literal.datatype && literal.datatype !== XSD_STRING) return `${value} ${tag(links.compact(literal.datatype))}`;
      return value;
    }
  }
  Yasr.registerPlugin("table", LinkedTable);
  Yasr.registerPlugin("chart", chartPlugin(links));
  Yasr.registerPlugin("map", mapPlugin(links));
  Yasr.registerPlugin("timeline", timelinePlugin(links));
  return new Yasr(document.getElementById("results"), {
    prefixes: config.prefixes,
    pluginOrder: ["table", "chart", "map", "timeline", "response"],
    defaultPlugin: "table",
    persistenceId: null,
  });
}

async function showResponse(yasr, response, duration, query) {
  if (response instanceof Error) {
    setStatus("The query failed: see the message below.", "error");
  } else {
    const rows = await labelResults(response);
    setStatus(rows === null ? `Done in ${duration} ms.` : `${rows} row${rows === 1 ? "" : "s"} in ${duration} ms.`, "ok");
  }
  yasr.setResponse(response, duration);
  const view = defaultView(query);
  if (view && yasr.plugins[view]?.canHandleResults()) yasr.selectPlugin(view); // #defaultView:Map
}

/** Fetch the labels of our IRIs in a JSON result; the row count, or null for other results. */
async function labelResults(response) {
  const type = response.headers?.get("Content-Type") || "";
  if (!type.includes("json")) return null;
  try {
    const results = JSON.parse(response.content);
    if (!results.results) return null;
    await links.fetchLabels(results).catch(() => undefined);
    return results.results.bindings.length;
  } catch {
    return null;
  }
}

function run(yasqe) {
  yasqe.query().catch(() => undefined); // failures are shown by Yasr
}

function loadQuery(yasqe, query, { runIt = true } = {}) {
  yasqe.setValue(query);
  yasqe.refresh();
  if (runIt) run(yasqe);
}

function wireExamples(yasqe) {
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      const example = examples.get(button.dataset.example);
      document.querySelectorAll("button.example.current").forEach((b) => b.classList.remove("current"));
      button.classList.add("current");
      loadQuery(yasqe, example.query);
    });
  }
}

function wirePermalink(yasqe) {
  document.getElementById("permalink").addEventListener("click", async () => {
    const link = permalink(yasqe.getValue());
    window.history.replaceState(null, "", link);
    try {
      await navigator.clipboard.writeText(link);
      setStatus("Permalink copied to the clipboard (also in the address bar).", "ok");
    } catch {
      setStatus("Permalink is in the address bar.", "ok");
    }
  });
}

function wireDownloads(yasqe) {
  const buttons = document.querySelectorAll("#downloads button");
  const kind = () => (["CONSTRUCT", "DESCRIBE"].includes(yasqe.getQueryType()) ? "graph" : "select");
  const relabel = () => buttons.forEach((b) => (b.textContent = DOWNLOAD_LABELS[kind()][b.dataset.download]));
  yasqe.on("change", relabel);
  relabel();
  buttons.forEach((button) =>
    button.addEventListener("click", () => download(yasqe.getValue(), ...DOWNLOADS[kind()][button.dataset.download])),
  );
}

/** Ask the endpoint for `query` in the `accept` format and save the answer as a file. */
async function download(query, accept, extension) {
  const response = await fetch(config.endpoint, {
    method: "POST",
    headers: { Accept: accept },
    body: new URLSearchParams({ query }),
  });
  if (!response.ok) {
    setStatus(`Download failed: ${await response.text()}`, "error");
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const anchor = Object.assign(document.createElement("a"), { href: url, download: `query-results.${extension}` });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function openFromUrl(yasqe) {
  const params = new URLSearchParams(window.location.search);
  const example = examples.get(params.get("example"));
  const query = params.get("query") || example?.query;
  if (query) loadQuery(yasqe, query);
}

/** Give the editor's text area and any unnamed control the results view draws a name. */
function nameControls(yasqe) {
  yasqe.getInputField().setAttribute("aria-label", "SPARQL query");
  const results = document.getElementById("results");
  const label = () => {
    for (const select of results.querySelectorAll("select.tableSizer:not([aria-label])")) {
      select.setAttribute("aria-label", "Page size (rows per page)");
    }
  };
  new MutationObserver(label).observe(results, { childList: true, subtree: true });
}

function main() {
  const yasqe = configureYasqe();
  const yasr = configureYasr();
  nameControls(yasqe);
  yasqe.on("query", () => setStatus("Running…", "busy"));
  yasqe.on("queryResponse", (_yasqe, response, duration) => {
    if (!(response instanceof Error)) window.history.replaceState(null, "", permalink(yasqe.getValue()));
    showResponse(yasr, response, duration, yasqe.getValue());
  });
  wireExamples(yasqe);
  wirePermalink(yasqe);
  wireDownloads(yasqe);
  openFromUrl(yasqe);
  window.okgEditor = { yasqe, yasr, links, permalink }; // for scripts and tests
  document.body.dataset.ready = "true";
}

main();
