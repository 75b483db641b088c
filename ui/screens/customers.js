// The customer list with search as you type, and the customer card (view, create, edit,
// archive with undo). The list is driven from the keyboard: type, ↑/↓, Enter.

import { drawn } from '../marks.js';
import { api } from '../ipc.js';
import { formatDate, formatDateTime, formatMinorUnits, parseInteger, parseMinorUnits, t, translateStatic } from '../i18n.js';
import { confirmAction, toast } from '../notify.js';
import { resolveConflict } from '../conflict.js';
import { fillUserSelects, myId } from '../users.js';
import * as customFields from '../custom-fields.js';
import * as competitorsPanel from './competitors.js';
import * as fleetPanel from './fleet.js';
import * as dealsPanel from './deals.js';
import * as analysisPanel from './analysis.js';
import * as history from './history.js';
import * as materialsPanel from './materials.js';
import * as peoplePanel from './people.js';
import { showChanges } from './changes.js';
import { fillSourceSelect } from '../process.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

const PAGE = 100;
const search = $('search');
const results = $('results');
const form = $('card');
const view = $('card-view');
let panel = 'details';

let choices = null;
let rows = [];
let active = -1; // index of the highlighted row
let searchSeq = 0; // answers to older keystrokes are dropped
let searchTimer = 0;
let customer = null; // the customer on the card, null for a new one
let dirty = false;

export function init(info, openDeal) {
  choices = info.choices;
  loadOfficeCurrency();
  dealsPanel.init(info, openDeal);
  fillChoices();
  listen('process', () => fillSources());
  listen('user', userChanged);
  fillTiers();
  fillUserSelects(form);
  peoplePanel.init(info.decision_roles);
  history.init(info.contact_kinds);
  materialsPanel.init();
  listen('fields', () => {
    customFields.renderInputs($('custom-fields'));
    if (!view.hidden) customFields.fillInputs($('custom-fields'), customer?.custom);
  });
  customFields.loadFields().catch((err) => toast(err.message));
  competitorsPanel.init(info);
  fleetPanel.init();
  for (const tab of document.querySelectorAll('.card-tab')) {
    tab.addEventListener('click', () => showPanel(tab.dataset.panel));
  }
  $('log-contact').addEventListener('click', logContact);
  $('only-mine').addEventListener('change', runSearch);
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 60);
  });
  search.addEventListener('keydown', listKeys);
  results.addEventListener('keydown', listKeys);
  $('show-archived').addEventListener('change', runSearch);
  $('tier-filter').addEventListener('change', runSearch);
  analysisPanel.init();
  // Colleagues on other workstations change the shared database: coming back to the window
  // shows their changes.
  window.addEventListener('focus', () => {
    if (!$('screen-customers').hidden) runSearch();
  });
  $('new-customer').addEventListener('click', newCustomer);
  $('load-demo').addEventListener('click', loadDemo);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.addEventListener('input', () => {
    dirty = true;
  });
  $('cancel').addEventListener('click', cancel);
  $('archive').addEventListener('click', () => setArchived(true));
  $('card-changes').addEventListener('click', () => {
    if (customer) showChanges('customer', customer.id, customer.name);
  });
  $('restore').addEventListener('click', () => setArchived(false));
  runSearch();
}

/** A new customer's turnover is in the office's currency (Settings › Offers) until changed. */
let officeCurrency = 'EUR';

async function loadOfficeCurrency() {
  try {
    officeCurrency = (await api.offerSettings()).currency;
  } catch {
    // The form keeps its last known currency; the person can still choose one.
  }
}

export function shown() {
  loadOfficeCurrency();
}

export function focusSearch() {
  search.focus();
  search.select();
}

export function keydown(e) {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key === 'l' && customer && !view.hidden) {
    e.preventDefault();
    logContact();
  } else if (mod && e.key === 's' && !view.hidden && panel === 'details') {
    e.preventDefault();
    save();
  } else if (e.key === 'Escape' && !view.hidden && form.contains(document.activeElement)) {
    e.preventDefault();
    cancel();
  }
}

/** The tier filter of the list: every tier, or A, B or C of the customer pyramid. */
function fillTiers() {
  const select = $('tier-filter');
  const keep = select.value;
  select.replaceChildren(new Option(t('tier.all'), ''), ...['A', 'B', 'C'].map((x) => new Option(t('tier.name', { tier: x }), x)));
  select.value = keep;
}

export function relabel() {
  fillTiers();
  analysisPanel.relabel();
  fillChoices();
  fillUserSelects(form);
  renderList();
  peoplePanel.relabel();
  history.relabel();
  materialsPanel.relabel();
  fleetPanel.relabel();
  competitorsPanel.relabel();
  dealsPanel.relabel();
  if (!view.hidden) renderCardHeader();
}

function userChanged() {
  fillUserSelects(document);
  if ($('only-mine').checked) runSearch();
}

function showPanel(name) {
  panel = name;
  for (const tab of document.querySelectorAll('.card-tab')) {
    tab.classList.toggle('active', tab.dataset.panel === name);
    tab.setAttribute('aria-selected', String(tab.dataset.panel === name));
  }
  form.hidden = name !== 'details';
  $('panel-people').hidden = name !== 'people';
  $('panel-history').hidden = name !== 'history';
  $('panel-fleet').hidden = name !== 'fleet';
  $('panel-competitors').hidden = name !== 'competitors';
  $('panel-deals').hidden = name !== 'deals';
  $('panel-analysis').hidden = name !== 'analysis';
  // The analysis reads the customer's whole history: only when asked for.
  if (name === 'analysis' && customer) analysisPanel.load(customer.id);
}

/** The quick log: from anywhere on the card, straight to the note with sensible defaults. */
function logContact() {
  if (!customer) return;
  showPanel('history');
  history.logNew();
}

async function loadRelated(id) {
  const people = await peoplePanel.load(id);
  await Promise.all([
    history.load(id, people),
    materialsPanel.load(id),
    fleetPanel.load(id),
    competitorsPanel.load(id),
  ]);
  await Promise.all([history.load(id, people), materialsPanel.load(id), dealsPanel.load(customer)]);
}

// --- the list ---

async function runSearch() {
  const seq = ++searchSeq;
  const text = search.value;
  const includeArchived = $('show-archived').checked;
  try {
    const owner = $('only-mine').checked ? myId() : null;
    const found = await api.searchCustomers(text, includeArchived, PAGE, owner, $('tier-filter').value || null);
    if (seq !== searchSeq) return;
    rows = found;
    active = rows.length ? 0 : -1;
    renderList();
    drawn('customers');
  } catch (err) {
    if (seq === searchSeq) $('result-count').textContent = err.message;
  }
}

function renderList() {
  const text = search.value.trim();
  const empty = rows.length === 0 && text === '' && !$('show-archived').checked && !$('only-mine').checked && !$('tier-filter').value;
  $('empty-state').hidden = !empty;
  results.hidden = empty;
  const count = $('result-count');
  if (empty) count.textContent = '';
  else if (rows.length === 0) count.textContent = t('search.no_results', { query: text });
  else if (rows.length >= PAGE) count.textContent = t('search.results_more', { count: rows.length });
  else count.textContent = t('search.results', { count: rows.length });

  const items = rows.map((row, i) => {
    const li = document.createElement('li');
    li.role = 'option';
    li.id = `customer-${row.id}`;
    li.dataset.id = row.id;
    li.className = 'result';
    li.classList.toggle('active', i === active);
    li.classList.toggle('archived', row.archived);
    li.setAttribute('aria-selected', String(i === active));
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = row.name;
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = [row.city, row.country, row.vat_id, row.phone].filter(Boolean).join(' · ');
    li.append(name, meta);
    if (row.archived) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = t('customers.archived_badge');
      name.append(' ', badge);
    }
    li.addEventListener('click', () => {
      active = i;
      highlight();
      openCustomer(row.id);
    });
    return li;
  });
  results.replaceChildren(...items);
  if (active >= 0) results.setAttribute('aria-activedescendant', `customer-${rows[active].id}`);
}

function highlight() {
  results.querySelectorAll('.result').forEach((li, i) => {
    li.classList.toggle('active', i === active);
    li.setAttribute('aria-selected', String(i === active));
    if (i === active) li.scrollIntoView({ block: 'nearest' });
  });
  if (active >= 0) results.setAttribute('aria-activedescendant', `customer-${rows[active].id}`);
}

function listKeys(e) {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!rows.length) return;
    e.preventDefault();
    const step = e.key === 'ArrowDown' ? 1 : -1;
    active = Math.min(rows.length - 1, Math.max(0, active + step));
    highlight();
  } else if (e.key === 'Enter' && active >= 0) {
    e.preventDefault();
    openCustomer(rows[active].id, { focus: true });
  }
}

// --- the card ---

/** The office's lead sources, keeping the card's own (a retired one too). */
function fillSources(current = form.elements.lead_source.value) {
  fillSourceSelect(form.elements.lead_source, current, t('field.choose'));
}

function fillChoices() {
  fillSources();
  for (const select of form.querySelectorAll('select[data-choices]')) {
    const keep = select.value;
    const prefix = select.dataset.prefix;
    const options = choices[select.dataset.choices].map((v) => new Option(prefix ? t(prefix + v) : v, v));
    if (select.name !== 'turnover_currency') options.unshift(new Option(t('field.choose'), ''));
    if (prefix === 'country.') {
      options.sort((a, b) => (a.value === '' ? -1 : b.value === '' ? 1 : a.text.localeCompare(b.text)));
      for (const o of options) if (o.value) o.text = `${o.text} (${o.value})`;
    }
    select.replaceChildren(...options);
    select.value = keep;
  }
}

/** Returns true when it is fine to replace what is on the card. */
async function mayLeaveCard() {
  if (view.hidden || !dirty) return true;
  return confirmAction(t('card.unsaved_confirm'));
}

/** Opens a customer on one of the card's tabs (e.g. from the renewal radar). */
export async function openCustomerOn(id, tab) {
  await openCustomer(id);
  if (customer && customer.id === id) showPanel(tab);
}

export async function openCustomer(id, { focus = false } = {}) {
  if (customer && customer.id === id && !view.hidden) {
    if (focus) form.elements.name.focus();
    return;
  }
  if (!(await mayLeaveCard())) return;
  try {
    showCard(await api.getCustomer(id));
    drawn('card');
    if (focus) form.elements.name.focus();
  } catch (err) {
    toast(err.message);
  }
}

export async function newCustomer() {
  if (!(await mayLeaveCard())) return;
  showCard(null, officeCurrency);
  form.elements.name.focus();
}

function showCard(c, currency = 'EUR') {
  customer = c;
  dirty = false;
  clearErrors();
  const data = c ?? { turnover_currency: currency, owner_id: myId(), assistant_ids: [] };
  fillUserSelects(form);
  for (const el of form.elements) {
    if (!el.name || el.name.startsWith('custom.')) continue;
    const value = data[el.name];
    if (el.name === 'annual_turnover') el.value = value == null ? '' : formatMinorUnits(value);
    else if (el.name === 'assistant_ids') for (const o of el.options) o.selected = (value ?? []).includes(Number(o.value));
    else el.value = value ?? '';
  }
  fillSources(data.lead_source ?? '');
  customFields.fillInputs($('custom-fields'), data.custom);
  view.hidden = false;
  $('card-placeholder').hidden = true;
  // A new customer has no people or history yet: only its details.
  for (const tab of document.querySelectorAll('.card-tab')) tab.disabled = !c && tab.dataset.panel !== 'details';
  $('log-contact').hidden = !c;
  if (!c || panel === 'details') showPanel('details');
  if (c) loadRelated(c.id).catch((err) => toast(err.message));
  else {
    $('people-count').textContent = '';
    $('fleet-count').textContent = '';
    $('deals-count').textContent = '';
  }
  if (c && panel === 'analysis') analysisPanel.load(c.id);
  showTier(c);
  renderCardHeader();
}

/** The customer's tier of the pyramid beside its name, when it has been ranked. */
async function showTier(c) {
  const badge = $('card-tier');
  badge.hidden = true;
  if (!c) return;
  try {
    const tier = await api.customerTier(c.id);
    if (!tier || customer?.id !== c.id) return;
    badge.textContent = t('tier.name', { tier: tier.tier });
    badge.title = t('tier.since', { date: formatDate(tier.since) });
    badge.className = `badge card-tier tier-${tier.tier}`;
    badge.hidden = false;
  } catch (err) {
    toast(err.message);
  }
}

function renderCardHeader() {
  const c = customer;
  $('card-title').textContent = c ? c.name : t('card.new_title');
  $('card-archived').hidden = !c?.archived_at;
  $('card-archived-notice').hidden = !c?.archived_at;
  $('archive').hidden = !c || Boolean(c.archived_at);
  $('restore').hidden = !c?.archived_at;
  $('card-changes').hidden = !c;
  $('card-stamps').textContent = c
    ? `${t('card.created_at', { date: formatDateTime(c.created_at) })} · ${t('card.updated_at', { date: formatDateTime(c.updated_at) })}`
    : '';
}

/** The form as CustomerData; numbers that cannot be read are reported as field errors. */
function readForm() {
  const data = {};
  const problems = [];
  for (const el of form.elements) {
    if (el.name && !el.name.startsWith('custom.')) data[el.name] = el.value;
  }
  const custom = customFields.readInputs($('custom-fields'));
  data.custom = custom.values;
  problems.push(...custom.problems);
  data.owner_id = data.owner_id ? Number(data.owner_id) : null;
  data.assistant_ids = Array.from(form.elements.assistant_ids.selectedOptions, (o) => Number(o.value));
  data.employees = parseInteger(data.employees);
  if (Number.isNaN(data.employees)) problems.push({ field: 'employees', message: t('validation.employees') });
  data.annual_turnover = parseMinorUnits(data.annual_turnover);
  if (Number.isNaN(data.annual_turnover)) problems.push({ field: 'annual_turnover', message: t('validation.turnover') });
  return { data, problems };
}

async function save() {
  const { data, problems } = readForm();
  if (problems.length) {
    showErrors({ code: 'validation', message: t('card.errors_title'), fields: problems });
    return;
  }
  $('save').disabled = true;
  try {
    const saved = customer
      ? await api.updateCustomer(customer.id, customer.version, data)
      : await api.createCustomer(data);
    const created = !customer;
    showCard(saved);
    toast(t(created ? 'card.created' : 'card.saved'));
    await refreshListShowing(saved.id);
  } catch (err) {
    if (err.code === 'conflict' && customer) await resolveCardConflict(data);
    else showErrors(err);
  } finally {
    $('save').disabled = false;
  }
}

/** Someone else saved the card since it was opened: keep theirs or mine per field. */
async function resolveCardConflict(data) {
  const opened = customer;
  try {
    const saved = await resolveConflict({
      entity: 'customer', id: opened.id, base: opened, mine: data,
      save: (version, merged) => api.updateCustomer(opened.id, version, merged),
    });
    if (!saved) return;
    showCard(saved);
    toast(t('card.saved'));
    await refreshListShowing(saved.id);
  } catch (err) {
    showErrors(err);
  }
}

async function refreshListShowing(id) {
  await runSearch();
  const i = rows.findIndex((r) => r.id === id);
  if (i >= 0) {
    active = i;
    highlight();
  }
}

async function cancel() {
  if (dirty && !(await confirmAction(t('card.unsaved_confirm')))) return;
  if (customer) {
    showCard(customer);
  } else {
    view.hidden = true;
    dirty = false;
    $('card-placeholder').hidden = false;
    search.focus();
  }
}

async function setArchived(archived) {
  if (!customer) return;
  if (dirty && !(await confirmAction(t('card.unsaved_confirm')))) return;
  try {
    const c = archived ? await api.archiveCustomer(customer.id) : await api.restoreCustomer(customer.id);
    showCard(c);
    await runSearch();
    if (archived) {
      toast(t('card.archived', { name: c.name }), {
        label: t('card.undo'),
        run: async () => {
          try {
            const back = await api.restoreCustomer(c.id);
            if (customer && customer.id === back.id) showCard(back);
            await runSearch();
          } catch (err) {
            toast(err.message);
          }
        },
      });
    } else {
      toast(t('card.restored', { name: c.name }));
    }
  } catch (err) {
    toast(err.message);
  }
}

function clearErrors() {
  $('card-errors').hidden = true;
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
}

function showErrors(err) {
  clearErrors();
  $('card-errors').hidden = false;
  $('card-errors-text').textContent = err.code === 'validation' ? t('card.errors_title') : err.message;
  const action = $('card-errors-action');
  action.hidden = true;
  action.onclick = null;
  if (err.code === 'duplicate_vat' && err.existing) {
    action.hidden = false;
    action.textContent = t('card.open_existing', { name: err.existing.name });
    action.onclick = async () => {
      dirty = false;
      await openCustomer(err.existing.id, { focus: true });
    };
    markField('vat_id', err.message);
  } else if (err.code === 'conflict') {
    action.hidden = false;
    action.textContent = t('card.reload');
    action.onclick = async () => {
      const id = customer.id;
      dirty = false;
      customer = null;
      await openCustomer(id, { focus: true });
    };
  }
  let first = null;
  for (const f of err.fields ?? []) {
    const el = markField(f.field, f.message);
    first ??= el;
  }
  (first ?? $('card-errors')).focus?.();
}

function markField(name, message) {
  const el = form.elements[name];
  if (!el) return null;
  el.setAttribute('aria-invalid', 'true');
  el.closest('label').querySelector('.field-error').textContent = message;
  return el;
}

/** One demo load per page: asking again after an error goes on and adds nothing twice. */
const demoKey = window.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;

async function loadDemo() {
  const button = $('load-demo');
  button.disabled = true;
  button.textContent = t('customers.loading_demo');
  try {
    const count = await api.loadDemo(200, demoKey);
    toast(t('customers.demo_loaded', { count }));
    await runSearch();
  } catch (err) {
    toast(err.message);
  } finally {
    button.disabled = false;
    translateStatic($('empty-state'));
  }
}
