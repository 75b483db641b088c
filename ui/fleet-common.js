// What the fleet screens share: the office's fleet settings (brands, categories, renewal rules),
// the labels of categories, weight classes and ownership, and the brand-mix bar chart drawn
// with SVG elements (text goes in with textContent, colours come from CSS classes).

import { api } from './ipc.js';
import { formatInteger, formatPercent, t, tOr } from './i18n.js';
import { $, svg } from './dom.js';
import { announce } from './signals.js';

let settings = null;
let choices = { ownerships: [], weight_classes: [] };

export function init(info) {
  choices = { ownerships: info.ownerships, weight_classes: info.weight_classes };
}

export function fleetChoices() {
  return choices;
}

/** The office's fleet settings, read once and kept until they are saved again. */
export async function fleetSettings({ reload = false } = {}) {
  if (!settings || reload) {
    settings = await api.fleetSettings();
    fillBrandList();
  }
  return settings;
}

/** Saves the settings and tells every screen that shows fleets. */
export async function saveFleetSettings(next) {
  settings = await api.saveFleetSettings(next);
  fillBrandList();
  announce('fleet-settings');
  return settings;
}

function fillBrandList() {
  const list = $('brand-list');
  list.replaceChildren(...settings.brands.map((b) => new Option(b.name, b.name)));
}

export function categoryLabel(key) {
  return tOr(`fleet.category.${key}`, key);
}

export function weightLabel(key) {
  return key ? t(`fleet.weight.${key}`) : t('fleet.weight_unknown');
}

export function ownershipLabel(key) {
  return key ? t(`fleet.ownership.${key}`) : '';
}

/**
 * A horizontal bar per brand (largest first, at most `max`; the rest as "others"), ours in the
 * brand colour. `brands` is [{brand, ours, vehicles, pct}].
 */
export function brandChart(brands, { max = 8 } = {}) {
  let rows = brands.slice(0, max);
  const rest = brands.slice(max);
  if (rest.length) {
    const vehicles = rest.reduce((n, b) => n + b.vehicles, 0);
    const total = brands.reduce((n, b) => n + b.vehicles, 0);
    rows = [...rows, { brand: t('fleet.other_brands'), ours: false, vehicles, pct: total ? Math.round(vehicles * 1000 / total) / 10 : null, others: true }];
  }
  const rowHeight = 22;
  const width = 340;
  const labelWidth = 110;
  const barMax = 140;
  const top = Math.max(1, ...rows.map((r) => r.vehicles));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(1, rows.length) * rowHeight}`, class: 'brand-chart', role: 'img' });
  chart.setAttribute('aria-label', rows.map((r) => `${r.brand} ${formatInteger(r.vehicles)}`).join(', '));
  rows.forEach((r, i) => {
    const y = i * rowHeight;
    const g = svg('g', { class: r.ours ? 'ours' : (r.others ? 'others' : 'theirs') });
    const title = svg('title', {}, `${r.brand}: ${formatInteger(r.vehicles)} (${formatPercent(r.pct)})${r.ours ? ` · ${t('fleet.ours')}` : ''}`);
    const label = svg('text', { x: 0, y: y + 15, class: 'label' }, r.brand);
    const w = Math.max(2, Math.round((r.vehicles / top) * barMax));
    const bar = svg('rect', { x: labelWidth, y: y + 4, width: w, height: rowHeight - 8, rx: 3, class: 'bar' });
    const value = svg('text', { x: labelWidth + w + 6, y: y + 15, class: 'value' }, `${formatInteger(r.vehicles)} · ${formatPercent(r.pct)}`);
    g.append(title, label, bar, value);
    chart.append(g);
  });
  return chart;
}
