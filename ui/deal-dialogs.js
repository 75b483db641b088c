// The deal form (new deal from the card or a lead, edit on the deal page) and the move
// dialog: leaving a stage shows the checklists of the stages left behind; lost and postponed
// ask for a reason, the winner and their price, or the day to come back.

import { api } from './ipc.js';
import { formatMinorUnits, isoDay, parseMinorUnits, t } from './i18n.js';
import { clearErrors, showErrors } from './forms.js';
import { ladder, named, reasonSettings, stage } from './process.js';
import { fillUserSelects, myId } from './users.js';
import { resolveConflict } from './conflict.js';
import { $, button } from './dom.js';

let categories = [];
let currencies = [];

export function init(info) {
  categories = info.vehicle_categories;
  currencies = info.choices.currencies;
  const form = $('deal-form');
  form.querySelector('.cancel').addEventListener('click', () => $('deal-dialog').close());
  $('deal-add-vehicle').addEventListener('click', () => addVehicle({ category: 'tractor', count: 1, model: '' }, true));
  $('deal-add-competitor').addEventListener('click', () => addCompetitor({ name: '', price: null }, true));
  $('move-form').querySelector('.cancel').addEventListener('click', () => $('move-dialog').close());
  $('disqualify-form').querySelector('.cancel').addEventListener('click', () => $('disqualify-dialog').close());
}

function removeButton(row) {
  const b = button('icon', '×');
  b.title = t('deal.remove_line');
  b.setAttribute('aria-label', t('deal.remove_line'));
  b.addEventListener('click', () => row.remove());
  return b;
}

function addVehicle(v, focus = false) {
  const row = document.createElement('div');
  row.className = 'line vehicle';
  row.dataset.source = v.source ?? '';
  row.dataset.vehicleId = v.vehicle_id ?? '';
  const category = document.createElement('select');
  category.name = 'v_category';
  category.setAttribute('aria-label', t('deal.vehicle_category'));
  category.append(...categories.map((c) => new Option(t(`vehicle.${c}`), c)));
  category.value = v.category || 'tractor';
  const count = Object.assign(document.createElement('input'), { name: 'v_count', type: 'number', min: 1, max: 9999, value: v.count ?? 1 });
  count.setAttribute('aria-label', t('deal.vehicle_count'));
  const model = Object.assign(document.createElement('input'), { name: 'v_model', maxLength: 200, value: v.model ?? '', placeholder: t('deal.vehicle_model') });
  model.setAttribute('aria-label', t('deal.vehicle_model'));
  row.append(count, category, model, removeButton(row));
  $('deal-vehicles').append(row);
  if (focus) count.focus();
}

function addCompetitor(c, focus = false) {
  const row = document.createElement('div');
  row.className = 'line competitor';
  const name = Object.assign(document.createElement('input'), { name: 'c_name', maxLength: 200, value: c.name ?? '', placeholder: t('deal.competitor_name') });
  name.setAttribute('list', 'competitor-names');
  name.setAttribute('aria-label', t('deal.competitor_name'));
  const price = Object.assign(document.createElement('input'), {
    name: 'c_price', inputMode: 'decimal', maxLength: 24, value: c.price == null ? '' : formatMinorUnits(c.price), placeholder: t('deal.competitor_price'),
  });
  price.setAttribute('aria-label', t('deal.competitor_price'));
  row.append(name, price, removeButton(row));
  $('deal-competitors').append(row);
  if (focus) name.focus();
}

/**
 * Opens the deal form. `deal` is null for a new deal of `customer` ({id, name, currency,
 * owner_id}); `lead` (optional) is qualified into the new deal. Resolves with the saved deal,
 * or null when cancelled.
 */
export async function editDeal({ customer, deal = null, lead = null, people = null }) {
  const dialog = $('deal-dialog');
  const form = $('deal-form');
  clearErrors(form);
  form.reset();
  const people_ = people ?? (await api.people(customer.id));
  $('deal-form-title').textContent = t(deal ? 'deal.edit_title' : lead ? 'lead.qualify_title' : 'deal.new_title');
  $('deal-form-customer').textContent = customer.name;
  const currency = form.elements.currency;
  currency.replaceChildren(...currencies.map((c) => new Option(c, c)));
  fillUserSelects(form);
  const d = deal ?? {
    title: '', value: 0, currency: customer.currency || 'EUR', expected_close: isoDay(90),
    owner_id: customer.owner_id ?? myId(), commit: false, vehicles: [], person_ids: [], competitors: [], notes: '',
  };
  form.elements.title.value = d.title;
  form.elements.value.value = deal ? formatMinorUnits(d.value) : '';
  currency.value = d.currency;
  form.elements.expected_close.value = d.expected_close ?? '';
  form.elements.owner_id.value = d.owner_id ?? '';
  form.elements.commit.checked = d.commit;
  form.elements.notes.value = d.notes ?? '';
  $('deal-vehicles').replaceChildren();
  // A new deal starts with one line to fill in; a saved deal without vehicles stays without
  // (a line added here would be saved as a change nobody made).
  const lines = d.vehicles.length || deal ? d.vehicles : [{ category: 'tractor', count: 1, model: '' }];
  lines.forEach((v) => addVehicle(v));
  $('deal-competitors').replaceChildren();
  d.competitors.forEach((c) => addCompetitor(c));
  fillCompetitorNames();
  $('deal-people').replaceChildren(...people_.filter((p) => p.active || d.person_ids.includes(p.id)).map((p) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: String(p.id), checked: d.person_ids.includes(p.id) });
    const role = p.decision_role ? ` (${t(`decision_role.${p.decision_role}`)})` : '';
    label.append(box, ` ${p.name}${role}`);
    return label;
  }));
  return new Promise((resolve) => {
    let saved = null;
    form.onsubmit = async (e) => {
      e.preventDefault();
      const { data, problems } = read(form);
      if (problems.length) {
        showErrors(form, { code: 'validation', message: t('card.errors_title'), fields: problems }, t('card.errors_title'));
        return;
      }
      try {
        if (deal) saved = await updateDeal(deal, data, people_);
        else if (lead) saved = await api.qualifyLead(lead.id, lead.version, data);
        else saved = await api.createDeal(customer.id, data);
        if (saved) dialog.close();
      } catch (err) {
        showErrors(form, err, t('card.errors_title'));
      }
    };
    dialog.addEventListener('close', () => resolve(saved), { once: true });
    dialog.showModal();
    form.elements.title.focus();
  });
}

/**
 * Saves a deal's data; when someone else saved the deal (or moved it) since the form was
 * opened, asks theirs or mine per field. Null when the person went back to the form.
 */
async function updateDeal(deal, data, people) {
  try {
    return await api.updateDeal(deal.id, deal.version, data);
  } catch (err) {
    if (err.code !== 'conflict') throw err;
    return resolveConflict({
      entity: 'deal', id: deal.id, base: deal, mine: data, names: new Map(people.map((p) => [p.id, p.name])),
      save: (version, merged) => api.updateDeal(deal.id, version, merged),
    });
  }
}

function read(form) {
  const f = form.elements;
  const problems = [];
  const value = parseMinorUnits(f.value.value);
  if (Number.isNaN(value)) problems.push({ field: 'value', message: t('validation.amount') });
  const competitors = [...$('deal-competitors').querySelectorAll('.line')].map((row) => {
    const price = parseMinorUnits(row.querySelector('[name=c_price]').value);
    if (Number.isNaN(price)) problems.push({ field: 'competitors', message: t('validation.competitors') });
    return { name: row.querySelector('[name=c_name]').value, price: Number.isNaN(price) ? null : price, currency: f.currency.value, note: '' };
  });
  const data = {
    title: f.title.value,
    value: value ?? 0,
    currency: f.currency.value,
    expected_close: f.expected_close.value || null,
    owner_id: f.owner_id.value ? Number(f.owner_id.value) : null,
    commit: f.commit.checked,
    notes: f.notes.value,
    vehicles: [...$('deal-vehicles').querySelectorAll('.line')].map((row) => ({
      category: row.querySelector('[name=v_category]').value,
      count: Number(row.querySelector('[name=v_count]').value) || 0,
      model: row.querySelector('[name=v_model]').value,
      source: row.dataset.source,
      vehicle_id: row.dataset.vehicleId ? Number(row.dataset.vehicleId) : null,
    })),
    person_ids: [...$('deal-people').querySelectorAll('input:checked')].map((b) => Number(b.value)),
    competitors,
  };
  return { data, problems };
}

/** The stages whose checklists a move from `fromId` to `toId` leaves behind, in order. */
export function stagesLeft(fromId, toId) {
  const steps = ladder();
  const from = steps.findIndex((s) => s.id === fromId);
  const to = steps.findIndex((s) => s.id === toId);
  if (from < 0 || to < 0 || to <= from) return [];
  return steps.slice(from, to).filter((s) => s.checklist.length);
}

/**
 * Asks what a move needs and makes it: the checklists of the stages left, the reason (lost,
 * postponed), the winner and their price (lost), the day to come back (postponed). Resolves
 * with the moved deal, or null when cancelled.
 */
export async function moveDeal(deal, toId) {
  const dialog = $('move-dialog');
  const form = $('move-form');
  const target = stage(toId);
  clearErrors(form);
  form.reset();
  $('move-title').textContent = t('move.title', { stage: named(target.names) });
  const lists = stagesLeft(deal.stage_id, toId).map((s) => {
    const box = document.createElement('fieldset');
    box.className = 'checklist';
    box.dataset.stage = s.id;
    const legend = document.createElement('legend');
    legend.textContent = t('move.checklist', { stage: named(s.names) });
    box.append(legend);
    const answered = deal.answers?.[s.id] ?? [];
    for (const q of s.checklist) {
      const label = document.createElement('label');
      label.className = 'check';
      const input = Object.assign(document.createElement('input'), { type: 'checkbox', value: String(q.id), checked: answered.includes(q.id) });
      label.append(input, ` ${named(q.text)}`);
      box.append(label);
    }
    const hint = document.createElement('small');
    hint.className = 'muted';
    hint.textContent = t('move.gaps_hint');
    box.append(hint);
    return box;
  });
  $('move-checklists').replaceChildren(...lists);
  const kind = target.kind;
  form.querySelector('[data-closing]').hidden = kind !== 'lost' && kind !== 'postponed';
  for (const el of form.querySelectorAll('[data-lost]')) el.hidden = kind !== 'lost';
  for (const el of form.querySelectorAll('[data-postponed]')) el.hidden = kind !== 'postponed';
  const list = kind === 'lost' ? reasonSettings().lost : reasonSettings().postponed;
  form.elements.reason.replaceChildren(new Option(t('field.choose'), ''), ...list.filter((r) => !r.retired).map((r) => new Option(named(r.names), r.code)));
  // The deal's competitors first, then the office's competitor records.
  const known = (deal.competitors ?? []).map((c) => c.name);
  for (const name of await recordNames()) if (!known.includes(name)) known.push(name);
  $('move-competitors').replaceChildren(...known.map((n) => new Option(n)));
  if (kind === 'postponed') form.elements.revisit_on.value = isoDay(30);
  return new Promise((resolve) => {
    let moved = null;
    form.onsubmit = async (e) => {
      e.preventDefault();
      const f = form.elements;
      const answers = {};
      for (const box of $('move-checklists').querySelectorAll('fieldset')) {
        answers[box.dataset.stage] = [...box.querySelectorAll('input:checked')].map((i) => Number(i.value));
      }
      const price = parseMinorUnits(f.lost_price.value);
      if (kind === 'lost' && Number.isNaN(price)) {
        showErrors(form, { code: 'validation', message: t('validation.amount'), fields: [{ field: 'lost_price', message: t('validation.amount') }] });
        return;
      }
      const request = {
        to_stage_id: toId,
        answers,
        reason: kind === 'lost' || kind === 'postponed' ? f.reason.value : '',
        note: f.note.value,
        lost_to: kind === 'lost' ? f.lost_to.value : '',
        lost_price: kind === 'lost' ? price : null,
        lost_currency: deal.currency,
        revisit_on: kind === 'postponed' ? f.revisit_on.value || null : null,
      };
      try {
        moved = await api.moveDeal(deal.id, deal.version, request);
        dialog.close();
      } catch (err) {
        showErrors(form, err, t('card.errors_title'));
      }
    };
    dialog.addEventListener('close', () => resolve(moved), { once: true });
    dialog.showModal();
    (form.querySelector('#move-checklists input') ?? (kind === 'lost' || kind === 'postponed' ? form.elements.reason : form.elements.note)).focus();
  });
}

/** Asks for a reason and disqualifies the lead; resolves true when done. */
export function disqualifyLead(lead) {
  const dialog = $('disqualify-dialog');
  const form = $('disqualify-form');
  clearErrors(form);
  $('disqualify-what').textContent = lead.customer_name;
  form.elements.reason.replaceChildren(...reasonSettings().disqualified.filter((r) => !r.retired).map((r) => new Option(named(r.names), r.code)));
  return new Promise((resolve) => {
    let done = false;
    form.onsubmit = async (e) => {
      e.preventDefault();
      try {
        await api.disqualifyLead(lead.id, lead.version, form.elements.reason.value);
        done = true;
        dialog.close();
      } catch (err) {
        showErrors(form, err, t('card.errors_title'));
      }
    };
    dialog.addEventListener('close', () => resolve(done), { once: true });
    dialog.showModal();
    form.elements.reason.focus();
  });
}

/** Names of the office's competitor records (brand, or brand and dealer), for suggestions. */
async function recordNames() {
  try {
    const records = await api.competitors();
    return records.map((r) => [r.brand, r.dealer].filter(Boolean).join(' – '));
  } catch {
    return [];
  }
}

async function fillCompetitorNames() {
  $('competitor-names').replaceChildren(...(await recordNames()).map((n) => new Option(n)));
}
