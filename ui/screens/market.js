// The office's market share (QM) among its customers' fleets: by segment (category and weight
// class) and year of first registration, the brands that hold the most vehicles, and the
// competitor records.

import { api } from '../ipc.js';
import { formatInteger, formatPercent, t } from '../i18n.js';
import { toast } from '../notify.js';
import { brandChart, categoryLabel, weightLabel } from '../fleet-common.js';
import * as competitors from './competitors.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

/** Years shown one by one; older ones are summed in one column. */
const YEARS = 8;
let market = null;

export function init() {
  listen('fleet-settings', () => {
    if (!$('screen-market').hidden) refresh();
  });
}

export function relabel() {
  if (market) render();
  competitors.relabel();
}

export async function shown() {
  await refresh();
}

async function refresh() {
  try {
    [market] = await Promise.all([api.marketShare(), competitors.loadRecords()]);
    render();
  } catch (err) {
    toast(err.message);
  }
}

function shareText(s) {
  return s.vehicles ? formatPercent(s.vehicle_pct) : '';
}

function shareTitle(s) {
  return t('fleet.ours_of', { ours: formatInteger(s.ours), vehicles: formatInteger(s.vehicles) });
}

/** Sums year shares into one (for the "older" column). */
function sum(shares) {
  const s = { vehicles: 0, ours: 0 };
  for (const x of shares) {
    s.vehicles += x.vehicles;
    s.ours += x.ours;
  }
  s.vehicle_pct = s.vehicles ? Math.round(s.ours * 1000 / s.vehicles) / 10 : null;
  return s;
}

function render() {
  const total = market.total;
  $('market-total').textContent = total.vehicles
    ? t('market.total', { pct: formatPercent(total.vehicle_pct), ours: formatInteger(total.ours), vehicles: formatInteger(total.vehicles) })
    : t('market.empty');
  $('market-tonnage').textContent = total.tonnage_pct == null ? '' : t('market.tonnage', { pct: formatPercent(total.tonnage_pct) });

  const known = market.years.filter((y) => y.year != null).map((y) => y.year);
  const shown = known.slice(0, YEARS);
  const older = known.slice(YEARS);
  const columns = [...shown.map((y) => ({ label: String(y), years: [y] }))];
  if (older.length) columns.push({ label: t('market.older', { year: older[0] }), years: older });
  if (market.years.some((y) => y.year == null)) columns.push({ label: t('market.year_unknown'), years: [null] });

  const head = document.createElement('tr');
  for (const text of [t('fleet.category'), t('fleet.weight_class'), t('market.all_years'), ...columns.map((c) => c.label)]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const cellFor = (yearShares, years) => {
    const td = document.createElement('td');
    td.className = 'num';
    const picked = yearShares.filter((y) => years.includes(y.year)).map((y) => y.share);
    const s = sum(picked);
    td.textContent = shareText(s);
    if (s.vehicles) td.title = shareTitle(s);
    if (s.vehicle_pct != null) td.classList.add(s.vehicle_pct >= 25 ? 'strong' : s.vehicle_pct >= 10 ? 'fair' : 'weak');
    return td;
  };
  const rows = market.segments.map((seg) => {
    const tr = document.createElement('tr');
    const cat = document.createElement('th');
    cat.scope = 'row';
    cat.textContent = categoryLabel(seg.category);
    const cls = document.createElement('td');
    cls.textContent = weightLabel(seg.weight_class);
    const all = document.createElement('td');
    all.className = 'num total';
    all.textContent = shareText(seg.total);
    all.title = shareTitle(seg.total);
    tr.append(cat, cls, all, ...columns.map((c) => cellFor(seg.years, c.years)));
    return tr;
  });
  const foot = document.createElement('tr');
  foot.className = 'office';
  const label = document.createElement('th');
  label.scope = 'row';
  label.colSpan = 2;
  label.textContent = t('market.office');
  const all = document.createElement('td');
  all.className = 'num total';
  all.textContent = shareText(total);
  all.title = shareTitle(total);
  foot.append(label, all, ...columns.map((c) => cellFor(market.years, c.years)));
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  const tfoot = document.createElement('tfoot');
  tfoot.append(foot);
  $('market-table').replaceChildren(thead, tbody, tfoot);
  $('market-chart').replaceChildren(...(market.brands.length ? [brandChart(market.brands, { max: 12 })] : []));
}
