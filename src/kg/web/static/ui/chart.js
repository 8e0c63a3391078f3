// A bar chart of aggregate results, drawn as SVG by our own code (no library, works offline).

import { escapeHtml } from "./links.js";

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC_TYPES = new Set(
  [
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
  ].map((name) => XSD + name),
);
const MAX_BARS = 60;
const LAYOUT = { bar: 22, gap: 8, top: 28, bottom: 12, valueRoom: 110, labelMax: 300, charWidth: 7.2 };

/** The number a SPARQL JSON term holds, or null when it is not a numeric literal. */
export function numericValue(term) {
  if (!term || term.type === "uri" || !NUMERIC_TYPES.has(term.datatype)) return null;
  const value = Number(term.value);
  return Number.isFinite(value) ? value : null;
}

/** Variables bound to a number in at least one row and to nothing else in any row. */
export function numericVariables(variables, rows) {
  return variables.filter(
    (v) =>
      rows.some((row) => numericValue(row[v]) !== null) &&
      rows.every((row) => !row[v] || numericValue(row[v]) !== null),
  );
}

/** A round step for about `count` grid lines over `span`. */
export function tickStep(span, count = 5) {
  if (span <= 0) return 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) * magnitude;
  return step;
}

function formatNumber(value) {
  return value.toLocaleString("en", { maximumFractionDigits: 2 });
}

/** SVG markup of a horizontal bar chart of `bars` ([{label, value, title}]) `width` wide. */
export function barChartSvg(bars, { width, valueName }) {
  const longest = Math.max(...bars.map((b) => b.label.length), 4);
  const labelWidth = Math.min(LAYOUT.labelMax, longest * LAYOUT.charWidth + 16);
  const plotWidth = Math.max(120, width - labelWidth - LAYOUT.valueRoom);
  const low = Math.min(0, ...bars.map((b) => b.value));
  const high = Math.max(0, ...bars.map((b) => b.value));
  const whole = bars.every((b) => Number.isInteger(b.value));
  const step = whole ? Math.max(1, tickStep(high - low)) : tickStep(high - low); // counts: whole ticks
  const [axisLow, axisHigh] = [Math.floor(low / step) * step, Math.ceil(high / step) * step || step];
  const x = (v) => labelWidth + ((v - axisLow) / (axisHigh - axisLow)) * plotWidth;
  const height = LAYOUT.top + bars.length * (LAYOUT.bar + LAYOUT.gap) + LAYOUT.bottom;
  const parts = [];
  for (let tick = axisLow; tick <= axisHigh + step / 2; tick += step) {
    parts.push(
      `<line class="grid" x1="${x(tick)}" x2="${x(tick)}" y1="${LAYOUT.top - 6}" y2="${height - LAYOUT.bottom}"/>`,
      `<text class="tick" x="${x(tick)}" y="${LAYOUT.top - 10}">${escapeHtml(formatNumber(tick))}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const y = LAYOUT.top + i * (LAYOUT.gap + LAYOUT.bar) + LAYOUT.gap / 2;
    const [from, to] = [x(Math.min(0, bar.value)), x(Math.max(0, bar.value))];
    const label = bar.label.length > 42 ? bar.label.slice(0, 40) + "…" : bar.label;
    parts.push(
      `<g class="bar" data-label="${escapeHtml(bar.label)}" data-value="${bar.value}">`,
      `<title>${escapeHtml(bar.title)}: ${escapeHtml(formatNumber(bar.value))}</title>`,
      `<text class="label" x="${labelWidth - 8}" y="${y + LAYOUT.bar / 2}">${escapeHtml(label)}</text>`,
      `<rect x="${from}" y="${y}" width="${Math.max(1, to - from)}" height="${LAYOUT.bar}" rx="3"/>`,
      `<text class="value" x="${to + 6}" y="${y + LAYOUT.bar / 2}">${escapeHtml(formatNumber(bar.value))}</text>`,
      "</g>",
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" width="${width}"` +
    ` height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${escapeHtml(valueName)} per row">` +
    `<style>${SVG_STYLE}</style>${parts.join("")}</svg>`
  );
}

const SVG_STYLE =
  "text{font:12px system-ui,sans-serif;fill:#1f2933;dominant-baseline:middle}" +
  ".label{text-anchor:end}.tick{text-anchor:middle;fill:#616e7c;font-size:11px}" +
  ".grid{stroke:#e4e7eb}rect{fill:#2f6fab}.bar:hover rect{fill:#1d4f80}.value{fill:#3e4c59}";

/** The Yasr plugin class, showing IRIs through `links` (labels, prefixed names). */
export function chartPlugin(links) {
  return class Chart {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Chart";
      this.priority = 5;
      this.helpReference = undefined;
      this.choice = {};
    }

    variables() {
      return this.yasr.results?.getVariables() || [];
    }

    rows() {
      return this.yasr.results?.getBindings() || [];
    }

    canHandleResults() {
      return this.rows().length > 0 && numericVariables(this.variables(), this.rows()).length > 0;
    }

    getIcon() {
      const icon = document.createElement("div");
      icon.innerHTML =
        '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">' +
        '<rect x="1" y="9" width="3" height="6"/><rect x="6" y="4" width="3" height="11"/>' +
        '<rect x="11" y="1" width="3" height="14"/></svg>';
      return icon;
    }

    /** The bars for the chosen label and value variables. */
    bars(labelVar, valueVar) {
      const text = (term) => (term ? (term.type === "uri" ? links.display(term.value) : term.value) : "");
      return this.rows()
        .filter((row) => numericValue(row[valueVar]) !== null)
        .slice(0, MAX_BARS)
        .map((row, i) => {
          const label = labelVar ? text(row[labelVar]) : `#${i + 1}`;
          return { label, title: labelVar && row[labelVar] ? row[labelVar].value : label,
                   value: numericValue(row[valueVar]) };
        });
    }

    draw() {
      const numeric = numericVariables(this.variables(), this.rows());
      const others = this.variables().filter((v) => !numeric.includes(v));
      const valueVar = numeric.includes(this.choice.value) ? this.choice.value : numeric[0];
      const labelVar = others.includes(this.choice.label) ? this.choice.label : others[0];
      const root = document.createElement("div");
      root.className = "chart-view";
      root.append(this.controls(others, numeric, labelVar, valueVar));
      const figure = document.createElement("figure");
      const width = Math.max(480, (this.yasr.resultsEl.clientWidth || 900) - 24);
      figure.innerHTML = barChartSvg(this.bars(labelVar, valueVar), { width, valueName: valueVar });
      const total = this.rows().length;
      if (total > MAX_BARS) {
        figure.insertAdjacentHTML("beforeend",
          `<figcaption>First ${MAX_BARS} of ${total} rows.</figcaption>`);
      }
      root.append(figure);
      this.svg = figure.querySelector("svg");
      this.yasr.resultsEl.append(root);
    }

    controls(others, numeric, labelVar, valueVar) {
      const form = document.createElement("form");
      form.className = "chart-controls";
      const select = (name, title, options, chosen) =>
        `<label>${title} <select name="${name}">` +
        options.map((v) => `<option value="${escapeHtml(v)}"${v === chosen ? " selected" : ""}>` +
          `?${escapeHtml(v)}</option>`).join("") +
        "</select></label>";
      form.innerHTML = (others.length ? select("label", "Bars", others, labelVar) : "") +
        select("value", "Length", numeric, valueVar);
      form.addEventListener("change", () => {
        this.choice = Object.fromEntries(new FormData(form));
        this.yasr.draw();
      });
      return form;
    }

    download() {
      if (!this.svg) return undefined;
      return {
        contentType: "image/svg+xml",
        getData: () => this.svg.outerHTML,
        filename: "chart.svg",
        title: "Download the chart (SVG)",
      };
    }
  };
}
