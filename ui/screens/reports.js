// The sales manager's reports: one view per report (each salesperson side by side, contacts,
// products, won and lost, stages, the cost of selling, the customer pyramid, market share),
// each over a period, with its chart, its table and an export to CSV or Excel. The figures, the
// chart's numbers and the table come from Rust; this screen only draws them.

import { api } from '../ipc.js';
import { fillFileKinds, formatDate, parseMinorUnits, formatMinorUnits, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { drawChart, drawTable } from '../report-view.js';
import { allUsers, manages } from '../users.js';
import { $ } from '../dom.js';

/** The reports of the list, in order, and which filters each takes. */
const REPORTS = [
  { kind: 'activity', money: true },
  { kind: 'contacts' },
  { kind: 'contact-roles' },
  { kind: 'products', money: true, owner: true },
  { kind: 'outcomes', money: true },
  { kind: 'reasons', money: true, owner: true },
  { kind: 'competitors', money: true, owner: true },
  { kind: 'stages', owner: true },
  { kind: 'cost' },
  { kind: 'pyramid' },
  { kind: 'market' },
];
let current = 'activity';
let currency = '';
let output = null;
let movers = null;
let seq = 0;
let openCustomer = () => {};
let currencies = [];
let wanted = null; // a segment another screen asked for

const key = (kind) => kind.replace('-', '_');

export function init(info, open) {
  openCustomer = open;
  currencies = info.choices.currencies;
  const nav = $('reports-nav');
  nav.replaceChildren(...REPORTS.map((r) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'reports-item';
    b.dataset.report = r.kind;
    b.setAttribute('role', 'tab');
    b.addEventListener('click', () => select(r.kind));
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? b.nextElementSibling : b.previousElementSibling;
      if (next) {
        next.focus();
        select(next.dataset.report);
      }
    });
    return b;
  }));
  for (const id of ['reports-from', 'reports-to', 'reports-owner']) $(id).addEventListener('change', refresh);
  // On the label: fillSegments replaces the select itself.
  $('reports-segment').closest('label').addEventListener('change', refresh);
  $('reports-currency').addEventListener('change', () => {
    currency = $('reports-currency').value;
    refresh();
  });
  $('reports-export').addEventListener('click', () => exportCsv(current));
  $('reports-movers-export').addEventListener('click', () => exportCsv('pyramid-movers'));
  $('reports-cost-form').addEventListener('submit', saveCost);
  $('reports-pyramid-form').addEventListener('submit', rank);
  $('reports-pyramid-form').addEventListener('input', pyramidRest);
  $('reports-pyramid-form').elements.variable.addEventListener('change', pyramidFields);
  relabel();
}

export function relabel() {
  for (const b of document.querySelectorAll('.reports-item')) b.textContent = t(`report.${key(b.dataset.report)}.title`);
  const f = $('reports-pyramid-form').elements;
  const keep = f.variable.value || 'fleet';
  f.variable.replaceChildren(...['fleet', 'purchases', 'turnover', 'pipeline'].map((v) => new Option(t(`report.pyramid.variable.${v}`), v)));
  f.variable.value = keep;
  fillFileKinds($('reports-export-kind'));
  fillOwners();
  const all = $('reports-segment').options[0];
  if (all) all.textContent = t('reports.all_customers');
  if (!$('screen-reports').hidden && output) draw();
}

export async function shown() {
  fillOwners();
  await fillSegments();
  select(current);
}

/** Only the sales manager sees the reports; others get the tab back when they become one. */
export function allowed() {
  return manages();
}

function fillOwners() {
  const select = $('reports-owner');
  const keep = select.value;
  const sellers = allUsers().filter((u) => u.active && u.role !== 'assistant');
  select.replaceChildren(new Option(t('reports.everyone'), ''), ...sellers.map((u) => new Option(u.name, String(u.id))));
  select.value = Array.from(select.options).some((o) => o.value === keep) ? keep : '';
}

/** The next time the reports show, keep them to segment `id` (the Segments screen's button). */
export function preselect(id) {
  wanted = String(id);
}

/** The office's saved segments; a report can count only one's customers. */
async function fillSegments() {
  const old = $('reports-segment');
  const keep = wanted ?? old.value;
  wanted = null;
  let segments = [];
  try {
    segments = await api.segments();
  } catch (err) {
    toast(err.message);
  }
  // A new select each time: WebKit compares a choice with the option selected when the select
  // last took focus or changed, so after code selected another (the Segments screen's button),
  // a choice that was not preceded by a new focus (WebDriver's, at least) fired no change.
  const select = document.createElement('select');
  select.id = old.id;
  select.append(new Option(t('reports.all_customers'), ''), ...segments.map((s) => new Option(s.name, String(s.id))));
  // A segment deleted meanwhile falls back to all customers rather than failing each report.
  select.value = Array.from(select.options).some((o) => o.value === keep) ? keep : '';
  old.replaceWith(select);
}

function select(kind) {
  current = kind;
  for (const b of document.querySelectorAll('.reports-item')) {
    b.classList.toggle('active', b.dataset.report === kind);
    b.setAttribute('aria-selected', String(b.dataset.report === kind));
  }
  const spec = REPORTS.find((r) => r.kind === kind);
  $('reports-owner').closest('label').hidden = !spec.owner;
  $('reports-cost-form').hidden = kind !== 'cost';
  $('reports-pyramid-form').hidden = kind !== 'pyramid';
  $('reports-movers').hidden = kind !== 'pyramid';
  $('reports-title').textContent = t(`report.${key(kind)}.title`);
  $('reports-hint').textContent = t(`reports.hint.${key(kind)}`);
  refresh();
}

function query() {
  const owner = $('reports-owner').value;
  return {
    from: $('reports-from').value || null,
    to: $('reports-to').value || null,
    currency: currency || null,
    owner_id: owner && !$('reports-owner').closest('label').hidden ? Number(owner) : null,
    segment_id: $('reports-segment').value ? Number($('reports-segment').value) : null,
  };
}

export async function refresh() {
  const mine = ++seq;
  const kind = current;
  try {
    const out = await api.report(kind, query());
    if (mine !== seq) return;
    output = out;
    movers = kind === 'pyramid' ? await api.report('pyramid-movers', query()) : null;
    if (mine !== seq) return;
    if (kind === 'cost') await loadCost();
    if (kind === 'pyramid') await loadPyramid();
    draw();
  } catch (err) {
    if (mine === seq) toast(err.message);
  }
}

function draw() {
  const out = output;
  // The period Rust used, shown so the person sees (and can change) it.
  $('reports-from').value = out.from;
  $('reports-to').value = out.to;
  const spec = REPORTS.find((r) => r.kind === out.kind);
  const select = $('reports-currency');
  const label = select.closest('label');
  label.hidden = !spec?.money || !out.currency;
  if (!label.hidden) {
    const list = out.currencies.includes(out.currency) ? out.currencies : [out.currency, ...out.currencies];
    select.replaceChildren(...list.map((c) => new Option(c, c)));
    select.value = out.currency;
  }
  $('reports-subtitle').textContent = out.table.subtitle;
  drawChart($('reports-chart'), $('reports-legend'), out.chart);
  drawTable($('reports-table'), out.table);
  if (movers) {
    const ids = movers.data.map((m) => m.customer_id);
    drawTable($('reports-movers-table'), movers.table, { onRow: (i) => openCustomer(ids[i]) });
    const p = out.data;
    $('reports-movers-count').textContent = t('reports.pyramid.moved', { up: p.moved_up, down: p.moved_down });
  }
}

async function exportCsv(kind) {
  try {
    const done = await api.reportExport(kind, query(), $('reports-export-kind').value);
    if (done) toast(t('reports.exported', { rows: done.rows, path: done.path }));
  } catch (err) {
    toast(err.message);
  }
}

// --- the hourly cost of selling ---

let cost = null;

async function loadCost() {
  cost = await api.costSettings();
  const f = $('reports-cost-form').elements;
  f.currency.replaceChildren(...currencies.map((c) => new Option(c, c)));
  f.currency.value = cost.currency;
  f.hourly_cost.value = cost.hourly_cost == null ? '' : formatMinorUnits(cost.hourly_cost);
  const manager = allowed();
  for (const el of $('reports-cost-form').elements) el.disabled = !manager;
  $('reports-cost-locked').hidden = manager;
  $('reports-cost-unset').hidden = cost.hourly_cost != null;
}

async function saveCost(e) {
  e.preventDefault();
  const form = $('reports-cost-form');
  clearErrors(form);
  const amount = parseMinorUnits(form.elements.hourly_cost.value);
  if (Number.isNaN(amount)) {
    showErrors(form, { code: 'validation', message: t('validation.amount'), fields: [{ field: 'hourly_cost', message: t('validation.amount') }] });
    return;
  }
  try {
    cost = await api.saveCostSettings({ version: cost.version, hourly_cost: amount, currency: form.elements.currency.value });
    toast(t('reports.cost.saved'));
    await refresh();
  } catch (err) {
    showErrors(form, err);
  }
}

// --- the pyramid's settings ---

let pyramidSettings = null;

async function loadPyramid() {
  pyramidSettings = await api.pyramidSettings();
  const s = pyramidSettings;
  const f = $('reports-pyramid-form').elements;
  f.variable.value = s.variable;
  f.years.value = String(s.years);
  f.currency.replaceChildren(new Option(t('reports.pyramid.currency_most'), ''), ...currencies.map((c) => new Option(c, c)));
  f.currency.value = s.currency ?? '';
  f.mode.value = s.mode;
  f.a.value = String(s.a);
  f.b.value = String(s.b);
  const manager = allowed();
  for (const el of $('reports-pyramid-form').elements) el.disabled = !manager;
  $('reports-pyramid-locked').hidden = manager;
  const r = output.data.ranking;
  $('reports-ranked').textContent = r ? t('reports.pyramid.ranked', { date: formatDate(r.ranked_on), variable: t(`report.pyramid.variable.${r.settings.variable}`) }) : t('reports.pyramid.never');
  pyramidFields();
}

function pyramidFields() {
  const f = $('reports-pyramid-form').elements;
  f.years.closest('label').hidden = f.variable.value !== 'purchases';
  f.currency.closest('label').hidden = f.variable.value === 'fleet';
  pyramidRest();
}

function pyramidRest() {
  const f = $('reports-pyramid-form').elements;
  const rest = 100 - (Number(f.a.value) || 0) - (Number(f.b.value) || 0);
  $('reports-pyramid-c').textContent = t('reports.pyramid.rest', { pct: rest });
}

async function rank(e) {
  e.preventDefault();
  const form = $('reports-pyramid-form');
  clearErrors(form);
  const f = form.elements;
  const settings = {
    version: pyramidSettings.version,
    variable: f.variable.value,
    years: Number(f.years.value) || 0,
    currency: f.currency.value || null,
    mode: f.mode.value,
    a: Number(f.a.value) || 0,
    b: Number(f.b.value) || 0,
  };
  try {
    await api.rankCustomers(settings);
    toast(t('reports.pyramid.done'));
    await refresh();
  } catch (err) {
    showErrors(form, err);
  }
}
