// Segments: saved filters over the customers. The table ranks the office's segments by how
// attractive they are; the form below edits one, its count and figures following every
// keystroke, with the first customers it keeps (a row opens the card).

import { api } from '../ipc.js';
import { fillFileKinds, formatInteger, formatPercent, parseInteger, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { allUsers, manages, userName } from '../users.js';
import { fleetSettings } from '../fleet-common.js';
import { fillInputs, loadFields, readInputs, renderInputs } from '../custom-fields.js';
import { moneyShort } from '../process.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

const form = $('segment-form');
const SHOWN = 100;
const NUMBERS = ['fleet_min', 'fleet_max', 'competitor_share_min', 'silent_days', 'renewal_months'];
let choices = null;
let ranking = [];
let sortKey = null;
let current = null; // the saved segment being edited, or null for a new one
let openCustomer = () => {};
let openReports = () => {};
let seq = 0;
let timer = null;

export function init(info, open, reports) {
  choices = info.choices;
  openCustomer = open;
  openReports = reports;
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save(false);
  });
  $('segment-save-as').addEventListener('click', () => save(true));
  $('segment-clear').addEventListener('click', () => edit(null));
  $('segment-new').addEventListener('click', () => {
    edit(null);
    form.elements.name.focus();
  });
  $('segment-delete').addEventListener('click', remove);
  $('segment-export').addEventListener('click', exportList);
  $('segment-report').addEventListener('click', () => {
    if (current) openReports(current.id);
  });
  for (const th of document.querySelectorAll('#segment-table th[data-sort]')) {
    th.tabIndex = 0;
    const sort = () => {
      sortKey = th.dataset.sort;
      renderRanking();
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') sort();
    });
  }
  listen('fields', () => renderCustom());
  relabel();
}

/** A saved segment opens the manager's reports kept to its customers (reports are theirs). */
function reportButton() {
  $('segment-report').hidden = !current || !manages();
}

export function relabel() {
  if (!choices) return;
  fillFileKinds($('segment-export-kind'));
  fill(form.elements.countries, choices.countries.map((c) => [c, `${t(`country.${c}`)} (${c})`]), true);
  fill(form.elements.business_types, choices.business_types.map((b) => [b, t(`business_type.${b}`)]));
  const open = form.elements.open_deals;
  const keep = open.value;
  open.replaceChildren(
    new Option(t('segments.deals_any'), ''),
    new Option(t('segments.deals_open'), 'true'),
    new Option(t('segments.deals_none'), 'false'),
  );
  open.value = keep;
  $('segment-form-title').textContent = current ? t('segments.edit_title', { name: current.name }) : t('segments.new_title');
  renderRanking();
}

/** Replaces a multiple select's options, keeping what was selected. */
function fill(select, pairs, sortByText = false) {
  const selected = new Set([...select.selectedOptions].map((o) => o.value));
  const options = pairs.map(([value, text]) => {
    const o = new Option(text, value);
    o.selected = selected.has(value);
    return o;
  });
  if (sortByText) options.sort((a, b) => a.text.localeCompare(b.text));
  select.replaceChildren(...options);
}

export async function shown() {
  fill(form.elements.owner_ids, [['0', t('segments.no_owner')], ...allUsers().map((u) => [String(u.id), u.name])]);
  try {
    const fleet = await fleetSettings();
    fill(form.elements.brands, fleet.brands.map((b) => [b.name, b.name]));
    await loadFields();
  } catch (err) {
    toast(err.message);
  }
  renderCustom();
  reportButton();
  await Promise.all([refreshRanking(), preview()]);
}

export function keydown(e) {
  if ((e.ctrlKey || e.metaKey) && e.key === 's') {
    e.preventDefault();
    save(false);
  }
}

function renderCustom() {
  const box = $('segment-custom');
  const values = readInputs(box).values;
  renderInputs(box);
  fillInputs(box, values);
}

async function refreshRanking() {
  try {
    ranking = await api.segmentsRanking();
  } catch (err) {
    toast(err.message);
    return;
  }
  renderRanking();
}

function wonValue(figures) {
  return figures.won.length ? figures.won[0][1] : 0;
}

function renderRanking() {
  const rows = [...ranking];
  const value = {
    name: (r) => r.segment.name,
    customers: (r) => r.figures.customers,
    fleet: (r) => r.figures.fleet,
    competitors_due: (r) => r.figures.competitors_due,
    our_share: (r) => r.figures.our_share ?? -1,
    won: (r) => wonValue(r.figures),
  }[sortKey];
  if (value) {
    rows.sort((a, b) => (sortKey === 'name' ? value(a).localeCompare(value(b)) : value(b) - value(a)));
  }
  for (const th of document.querySelectorAll('#segment-table th[data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === sortKey ? (sortKey === 'name' ? 'ascending' : 'descending') : 'none');
  }
  $('segment-none').hidden = rows.length > 0;
  $('segment-rows').replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    tr.className = 'segment-row';
    tr.tabIndex = 0;
    tr.dataset.id = r.segment.id;
    tr.classList.toggle('selected', current?.id === r.segment.id);
    const f = r.figures;
    const won = f.won.map(([cur, v]) => moneyShort(v, cur)).join(' + ');
    const cells = [
      [r.segment.name, ''],
      [formatInteger(f.customers), 'num'],
      [formatInteger(f.fleet), 'num'],
      [formatInteger(f.competitors_due), 'num'],
      [formatPercent(f.our_share), 'num'],
      [won, 'num'],
    ];
    tr.append(...cells.map(([text, cls]) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      return td;
    }));
    tr.addEventListener('click', () => edit(r.segment));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') edit(r.segment);
    });
    return tr;
  }));
}

/** Puts a saved segment (or an empty filter) into the form. */
function edit(segment) {
  current = segment;
  clearErrors(form);
  const f = segment?.filter ?? {};
  form.elements.name.value = segment?.name ?? '';
  for (const name of ['countries', 'business_types', 'brands']) {
    for (const o of form.elements[name].options) o.selected = (f[name] ?? []).includes(o.value);
  }
  for (const o of form.elements.owner_ids.options) o.selected = (f.owner_ids ?? []).includes(Number(o.value));
  for (const box of form.querySelectorAll('[name=tiers]')) box.checked = (f.tiers ?? []).includes(box.value);
  form.elements.region.value = f.region ?? '';
  form.elements.sector.value = f.sector ?? '';
  form.elements.open_deals.value = f.open_deals == null ? '' : String(f.open_deals);
  for (const name of NUMBERS) form.elements[name].value = f[name] == null ? '' : formatInteger(f[name]);
  form.elements.renewal_competitors.checked = !!f.renewal_competitors;
  fillInputs($('segment-custom'), f.custom ?? {});
  $('segment-delete').hidden = !segment;
  reportButton();
  relabel();
  preview();
}

/** The filter the form describes, or the fields that cannot be read. */
function readFilter() {
  const e = form.elements;
  const problems = [];
  const selected = (name) => [...e[name].selectedOptions].map((o) => o.value);
  const filter = {
    countries: selected('countries'),
    business_types: selected('business_types'),
    brands: selected('brands'),
    owner_ids: selected('owner_ids').map(Number),
    tiers: [...form.querySelectorAll('[name=tiers]:checked')].map((b) => b.value),
    region: e.region.value,
    sector: e.sector.value,
    open_deals: e.open_deals.value === '' ? null : e.open_deals.value === 'true',
    renewal_competitors: e.renewal_competitors.checked,
  };
  for (const name of NUMBERS) {
    const n = parseInteger(e[name].value);
    if (Number.isNaN(n)) problems.push({ field: name, message: t('validation.number') });
    filter[name] = Number.isNaN(n) ? null : n;
  }
  const custom = readInputs($('segment-custom'));
  problems.push(...custom.problems);
  filter.custom = custom.values;
  return { filter, problems };
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(preview, 150);
}

/** Counts what the filter keeps; `keepErrors` leaves the messages a failed save just showed. */
async function preview({ keepErrors = false } = {}) {
  const mine = ++seq;
  const { filter, problems } = readFilter();
  if (problems.length) {
    if (!keepErrors) showErrors(form, { code: 'validation', message: t('error.validation'), fields: problems });
    return;
  }
  let page;
  try {
    page = await api.segmentPreview(filter, SHOWN);
  } catch (err) {
    if (mine === seq && !keepErrors) showErrors(form, err);
    return;
  }
  if (mine !== seq) return;
  if (!keepErrors) clearErrors(form);
  const f = page.figures;
  $('segment-count').textContent = t('segments.count', { count: formatInteger(page.total) });
  const parts = [
    t('segments.figure.fleet', { vehicles: formatInteger(f.fleet) }),
    t('segments.figure.competitors_due', { vehicles: formatInteger(f.competitors_due) }),
  ];
  if (f.our_share != null) parts.push(t('segments.figure.our_share', { pct: formatPercent(f.our_share) }));
  if (f.won.length) parts.push(t('segments.figure.won', { value: f.won.map(([c, v]) => moneyShort(v, c)).join(' + ') }));
  $('segment-figures').textContent = parts.join(' · ');
  $('segment-customers').replaceChildren(...page.customers.map((c) => {
    const tr = document.createElement('tr');
    tr.className = 'segment-customer';
    tr.tabIndex = 0;
    for (const text of [c.name, c.city, c.country, c.owner_id ? userName(c.owner_id) : '']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    tr.addEventListener('click', () => openCustomer(c.id));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') openCustomer(c.id);
    });
    return tr;
  }));
  const more = $('segment-more');
  more.hidden = page.total <= page.customers.length;
  more.textContent = t('segments.more', { shown: formatInteger(page.customers.length), count: formatInteger(page.total) });
}

async function save(asNew) {
  // A count still to come would clear what this save shows: it is redone after, keeping it.
  clearTimeout(timer);
  seq++;
  const { filter, problems } = readFilter();
  if (problems.length) {
    showErrors(form, { code: 'validation', message: t('error.validation'), fields: problems });
    return;
  }
  const data = { name: form.elements.name.value, filter };
  try {
    const saved = current && !asNew
      ? await api.updateSegment(current.id, current.version, data)
      : await api.createSegment(data);
    current = saved;
    toast(t('segments.saved', { name: saved.name }));
  } catch (err) {
    showErrors(form, err, t('segments.fix'));
    preview({ keepErrors: true });
    return;
  }
  $('segment-delete').hidden = false;
  reportButton();
  relabel();
  await Promise.all([refreshRanking(), preview()]);
}

async function remove() {
  if (!current) return;
  if (!(await confirmAction(t('segments.delete_confirm', { name: current.name }), t('segments.delete')))) return;
  let gone;
  try {
    gone = await api.deleteSegment(current.id, current.version);
  } catch (err) {
    showErrors(form, err);
    return;
  }
  edit(null);
  await refreshRanking();
  // Undo saves it again under its name (a new id: nothing refers to a segment yet).
  toast(t('segments.deleted', { name: gone.name }), {
    label: t('card.undo'),
    run: async () => {
      try {
        edit(await api.createSegment({ name: gone.name, filter: gone.filter }));
        await refreshRanking();
      } catch (err) {
        toast(err.message);
      }
    },
  });
}

/** The customers the filter keeps, as CSV or an Excel workbook (the same columns as a campaign's list). */
async function exportList() {
  const { filter, problems } = readFilter();
  if (problems.length) {
    showErrors(form, { code: 'validation', message: t('error.validation'), fields: problems });
    return;
  }
  try {
    const done = await api.exportSegment(filter, $('segment-export-kind').value);
    if (done) toast(t('campaigns.exported', { count: formatInteger(done.rows), path: done.path }));
  } catch (err) {
    showErrors(form, err);
  }
}
