// Draws what a report computed in Rust: its table (cells formatted by column kind with the
// locale's rules) and its chart (SVG elements built in code: rows of bars, lines over years, the
// customer pyramid). Text goes in with textContent only.

import { formatDate, formatInteger, formatMinorUnits, formatPercent, language, t } from './i18n.js';
import { moneyShort } from './process.js';
import { el, svg } from './dom.js';

/** Series colours (CSS classes reports-s0…reports-s7). */
const COLOURS = 8;

function decimal(x) {
  const [whole, frac = '0'] = Number(x).toFixed(1).split('.');
  return `${formatInteger(Number(whole))}${language().format.decimal}${frac}`;
}

/** A cell as the column's kind writes it. */
export function formatCell(cell, column) {
  if (cell == null || cell === '') return '';
  switch (column.kind) {
    case 'integer': return typeof cell === 'number' ? formatInteger(cell) : String(cell);
    case 'decimal': return decimal(cell);
    case 'money': return formatMinorUnits(cell);
    case 'percent': return formatPercent(cell);
    case 'date': return formatDate(cell);
    default: return String(cell);
  }
}

/** A value drawn on a chart, in its unit. */
function formatValue(value, unit, currency) {
  if (value == null) return '';
  if (unit === 'money') return moneyShort(value, currency);
  if (unit === 'percent') return formatPercent(value);
  if (unit === 'decimal') return decimal(value);
  return formatInteger(value);
}

/**
 * Fills `table` with a report table: a heading row, the rows, the totals in a footer. `onRow`
 * (row index) makes rows clickable and reachable with Enter.
 */
export function drawTable(table, report, { onRow } = {}) {
  const head = el('thead');
  const tr = el('tr');
  for (const c of report.columns) {
    const th = el('th', c.kind === 'text' || c.kind === 'date' ? null : 'num', c.label);
    th.scope = 'col';
    tr.append(th);
  }
  head.append(tr);
  const row = (cells, cls) => {
    const r = el('tr', cls);
    cells.forEach((cell, i) => {
      const c = report.columns[i];
      const numeric = c && c.kind !== 'text' && c.kind !== 'date';
      r.append(el(i === 0 ? 'th' : 'td', numeric ? 'num' : null, formatCell(cell, c ?? { kind: 'text' })));
    });
    return r;
  };
  const body = el('tbody');
  report.rows.forEach((cells, i) => {
    const r = row(cells);
    if (onRow) {
      r.tabIndex = 0;
      r.classList.add('reports-link');
      r.addEventListener('click', () => onRow(i));
      r.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') onRow(i);
        if (e.key === 'ArrowDown') r.nextElementSibling?.focus();
        if (e.key === 'ArrowUp') r.previousElementSibling?.focus();
      });
    }
    body.append(r);
  });
  const parts = [head, body];
  if (report.total) {
    const foot = el('tfoot');
    foot.append(row(report.total, 'total'));
    parts.push(foot);
  }
  table.replaceChildren(...parts);
  if (!report.rows.length) {
    const empty = el('tr');
    const td = el('td', 'muted', t('reports.empty'));
    td.colSpan = report.columns.length;
    empty.append(td);
    body.append(empty);
  }
}

function legend(box, series) {
  box.replaceChildren(...series.map((s, i) => {
    const item = el('span', 'reports-key');
    item.append(el('span', `reports-swatch reports-s${i % COLOURS}`), el('span', null, s.label));
    return item;
  }));
}

/** Rows of horizontal bars, one row per label: series side by side or stacked. */
function bars(chart, c) {
  const rows = chart.labels.length;
  const perRow = chart.stacked ? 1 : Math.max(1, chart.series.length);
  const bar = chart.stacked ? 18 : Math.max(8, Math.min(16, 36 / perRow));
  const rowHeight = perRow * bar + 14;
  const width = 760;
  const left = 190;
  const right = 110;
  const totals = chart.labels.map((_, i) => chart.series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0));
  const singles = chart.series.flatMap((s) => s.values.map((v) => Math.max(0, v ?? 0)));
  const max = Math.max(1e-9, ...(chart.stacked ? totals : singles));
  const scale = (width - left - right) / max;
  const height = Math.max(40, rows * rowHeight + 8);
  c.setAttribute('viewBox', `0 0 ${width} ${height}`);
  c.setAttribute('height', String(height));
  const nodes = [];
  chart.labels.forEach((label, i) => {
    const y = 4 + i * rowHeight;
    const name = label.length > 28 ? `${label.slice(0, 27)}…` : label;
    const text = svg('text', { x: left - 8, y: y + (perRow * bar) / 2 + 5, 'text-anchor': 'end', class: 'reports-label' }, name);
    text.append(svg('title', {}, label));
    nodes.push(text);
    let x = left;
    chart.series.forEach((s, k) => {
      const v = s.values[i];
      if (v == null) return;
      const w = Math.max(v > 0 ? 2 : 0, v * scale);
      const top = chart.stacked ? y : y + k * bar;
      const rect = svg('rect', { x: chart.stacked ? x : left, y: top, width: w, height: bar - 2, class: `reports-s${k % COLOURS}` });
      rect.append(svg('title', {}, `${s.label}: ${formatValue(v, chart.unit, chart.currency)}`));
      nodes.push(rect);
      if (chart.stacked) x += w;
      else nodes.push(svg('text', { x: left + w + 6, y: top + bar - 4, class: 'reports-figure' }, formatValue(v, chart.unit, chart.currency)));
    });
    if (chart.stacked) nodes.push(svg('text', { x: x + 6, y: y + bar - 4, class: 'reports-figure' }, formatValue(totals[i], chart.unit, chart.currency)));
  });
  c.replaceChildren(...nodes);
}

/** A line per series over the labels (years), with its points. */
function lines(chart, c) {
  const width = 760;
  const height = 260;
  const [left, right, top, bottom] = [50, 20, 12, 30];
  const values = chart.series.flatMap((s) => s.values.filter((v) => v != null));
  const max = chart.unit === 'percent' ? 100 : Math.max(1e-9, ...values);
  const n = chart.labels.length;
  const xOf = (i) => left + (n <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (n - 1));
  const yOf = (v) => top + (height - top - bottom) * (1 - v / max);
  c.setAttribute('viewBox', `0 0 ${width} ${height}`);
  c.setAttribute('height', String(height));
  const nodes = [];
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const y = yOf(max * f);
    nodes.push(svg('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'reports-grid' }));
    nodes.push(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'reports-axis' }, formatValue(max * f, chart.unit)));
  }
  chart.labels.forEach((label, i) => nodes.push(svg('text', { x: xOf(i), y: height - 8, 'text-anchor': 'middle', class: 'reports-axis' }, label)));
  chart.series.forEach((s, k) => {
    const points = s.values.map((v, i) => (v == null ? null : [xOf(i), yOf(v)])).filter(Boolean);
    if (points.length > 1) nodes.push(svg('polyline', { points: points.map((p) => p.join(',')).join(' '), class: `reports-line reports-l${k % COLOURS}` }));
    s.values.forEach((v, i) => {
      if (v == null) return;
      const dot = svg('circle', { cx: xOf(i), cy: yOf(v), r: k === 0 ? 4 : 3, class: `reports-s${k % COLOURS}` });
      dot.append(svg('title', {}, `${s.label} ${chart.labels[i]}: ${formatValue(v, chart.unit)}`));
      nodes.push(dot);
    });
  });
  c.replaceChildren(...nodes);
}

/** The pyramid: A on top, narrowest; each layer with its customers and value. */
function pyramid(chart, c) {
  const width = 760;
  const layer = 70;
  const height = chart.tiers.length * layer + 10;
  c.setAttribute('viewBox', `0 0 ${width} ${height}`);
  c.setAttribute('height', String(height));
  const mid = 210;
  const half = 190;
  const nodes = [];
  const n = chart.tiers.length;
  chart.tiers.forEach((tier, i) => {
    const y = 5 + i * layer;
    const topHalf = (half * i) / n + 20;
    const bottomHalf = (half * (i + 1)) / n + 20;
    const points = [[mid - topHalf, y], [mid + topHalf, y], [mid + bottomHalf, y + layer - 4], [mid - bottomHalf, y + layer - 4]];
    const shape = svg('polygon', { points: points.map((p) => p.join(',')).join(' '), class: `reports-tier reports-tier-${tier.tier}` });
    nodes.push(shape);
    nodes.push(svg('text', { x: mid, y: y + layer / 2 + 6, 'text-anchor': 'middle', class: 'reports-tier-name' }, tier.tier));
    const customers = t('reports.pyramid.customers', { count: formatInteger(tier.customers), pct: formatPercent(tier.customers_pct) });
    const value = t('reports.pyramid.value', { value: formatValue(tier.value, chart.unit, chart.currency), pct: formatPercent(tier.value_pct) });
    nodes.push(svg('text', { x: mid + half + 40, y: y + layer / 2 - 4, class: 'reports-figure' }, customers));
    nodes.push(svg('text', { x: mid + half + 40, y: y + layer / 2 + 14, class: 'reports-axis' }, value));
  });
  c.replaceChildren(...nodes);
}

/** Draws `chart` into the <svg> `c`, its legend into `key`; hides both when there is nothing to draw. */
export function drawChart(c, key, chart) {
  const empty = !chart || chart.type === 'none'
    || (chart.type === 'pyramid' ? !chart.tiers.length : !chart.labels.length || !chart.series.length);
  c.closest('figure').hidden = empty;
  if (empty) return;
  if (chart.type === 'bars') bars(chart, c);
  else if (chart.type === 'lines') lines(chart, c);
  else pyramid(chart, c);
  legend(key, chart.type === 'pyramid' ? [] : chart.series);
}
