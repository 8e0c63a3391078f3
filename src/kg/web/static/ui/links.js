// IRIs in results: our IRIs link to this server's own pages, shown by their label when known.

const LABEL_LANGUAGES = ["en", "", "zh", "zh-hans", "zh-cn"]; // preferred first
const MAX_LABELLED = 400; // IRIs looked up per result

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class Links {
  constructor(config) {
    this.baseIri = config.baseIri;
    this.localBase = config.localBase;
    this.endpoint = config.endpoint;
    this.prefixes = config.prefixes;
    this.labels = new Map();
  }

  isOurs(iri) {
    return iri.startsWith(this.baseIri);
  }

  /** Where a link to `iri` goes: our IRIs resolve on this server (…/id/x -> /id/x). */
  href(iri) {
    return this.isOurs(iri) ? this.localBase + iri.slice(this.baseIri.length) : iri;
  }

  /** The IRI as a prefixed name when a prefix matches (the longest namespace wins). */
  compact(iri) {
    let best = null;
    for (const [prefix, namespace] of Object.entries(this.prefixes)) {
      if (iri.startsWith(namespace) && (!best || namespace.length > best[1].length)) {
        best = [prefix, namespace];
      }
    }
    return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
  }

  /** The text shown for `iri`: its label, else its prefixed name. */
  display(iri) {
    return this.labels.get(iri) || this.compact(iri);
  }

  /** An HTML link to `iri`; our IRIs open in place, others in a new tab. */
  anchor(iri) {
    const ours = this.isOurs(iri);
    const target = ours ? "" : ' target="_blank" rel="noopener noreferrer"';
    const label = this.labels.has(iri) ? " labelled" : "";
    return (
      `<a class="iri${ours ? " local" : ""}${label}" href="${escapeHtml(this.href(iri))}"` +
      ` title="${escapeHtml(iri)}" data-iri="${escapeHtml(iri)}"${target}>` +
      `${escapeHtml(this.display(iri))}</a>`
    );
  }

  /** Look up labels of our IRIs in SPARQL JSON `results` (one query to our endpoint). */
  async fetchLabels(results) {
    const wanted = [...new Set(ourIris(results, this))].filter((iri) => !this.labels.has(iri));
    if (!wanted.length) return;
    const values = wanted.slice(0, MAX_LABELLED).map((iri) => `<${iri}>`).join(" ");
    const query =
      `PREFIX rdfs: <${this.prefixes.rdfs}>\nPREFIX skos: <${this.prefixes.skos}>\n` +
      `SELECT ?iri ?label WHERE { VALUES ?iri { ${values} } ?iri rdfs:label|skos:prefLabel ?label }`;
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: { Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query }),
    });
    if (!response.ok) return;
    const rows = (await response.json()).results.bindings;
    for (const [iri, label] of bestLabels(rows)) this.labels.set(iri, label);
  }
}

function* ourIris(results, links) {
  for (const row of results?.results?.bindings || []) {
    for (const term of Object.values(row)) {
      if (term.type === "uri" && links.isOurs(term.value)) yield term.value;
    }
  }
}

function languageRank(term) {
  const rank = LABEL_LANGUAGES.indexOf((term["xml:lang"] || "").toLowerCase());
  return rank < 0 ? LABEL_LANGUAGES.length : rank;
}

/** The best label per IRI, by language preference. */
export function bestLabels(rows) {
  const best = new Map();
  for (const row of rows) {
    const current = best.get(row.iri.value);
    if (!current || languageRank(row.label) < languageRank(current)) {
      best.set(row.iri.value, row.label);
    }
  }
  return new Map([...best].map(([iri, term]) => [iri, term.value]));
}

/** The values of `variable` in the answer of the SELECT `query` sent to `endpoint`. */
export async function selectValues(endpoint, query, variable) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { Accept: "application/sparql-results+json" },
    body: new URLSearchParams({ query }),
  });
  if (!response.ok) throw new Error(await response.text());
  const rows = (await response.json()).results.bindings;
  return rows.filter((row) => row[variable]).map((row) => row[variable].value);
}
