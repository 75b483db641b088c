// Competitors: on the card, who is present at the customer (from its fleet, and noted by hand)
// and the products and prices seen there; on the market screen, the office's competitor
// records (brand and/or local dealer, contact, strengths and weaknesses).

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatMinorUnits, isoDay, parseMinorUnits, t } from '../i18n.js';
import { clearErrors, numberOrNull, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { $, button, headRow } from '../dom.js';
import { listen } from '../signals.js';

const noteForm = $('competitor-note-form');
const sightingForm = $('sighting-form');
const recordForm = $('competitor-form');
let customerId = null;
let records = [];
let here = null; // {present, sightings} of the customer on the card
let editingRecord = null;
let currencies = [];

export function init(info) {
  currencies = info.choices.currencies;
  // The competitors present come partly from the fleet.
  listen('fleet', ({ customerId: id }) => load(id).catch((err) => toast(err.message)));
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = numberOrNull(noteForm.elements.competitor_id.value);
    if (id == null) return;
    try {
      await api.noteCompetitor(customerId, id, true);
      await load(customerId);
    } catch (err) {
      toast(err.message);
    }
  });
  sightingForm.addEventListener('submit', (e) => {
    e.preventDefault();
    addSighting();
  });
  $('competitor-new').addEventListener('click', () => editRecord(null));
  recordForm.addEventListener('submit', (e) => {
    e.preventDefault();
    saveRecord();
  });
  recordForm.querySelector('.cancel').addEventListener('click', () => {
    recordForm.hidden = true;
  });
  resetSightingForm();
}

export function relabel() {
  if (here) render();
  renderRecords();
}

function label(c) {
  return [c.brand, c.dealer].filter(Boolean).join(' — ');
}

/** The customer's competitors; called when the card opens and when its fleet changes. */
export async function load(id) {
  if (id !== customerId) resetSightingForm();
  customerId = id;
  const [got, all] = await Promise.all([api.customerCompetitors(id), api.competitors()]);
  if (id !== customerId) return;
  here = got;
  records = all;
  render();
}

function resetSightingForm() {
  clearErrors(sightingForm);
  sightingForm.reset();
  sightingForm.elements.seen_on.value = isoDay();
  const currency = sightingForm.elements.currency;
  currency.replaceChildren(...currencies.map((c) => new Option(c, c)));
  currency.value = 'EUR';
}

function render() {
  $('competitors-none').hidden = here.present.length > 0;
  $('competitors-present').replaceChildren(...here.present.map((p) => {
    const li = document.createElement('li');
    li.className = 'person';
    const name = document.createElement('strong');
    name.textContent = label(p) || p.brand;
    const meta = document.createElement('div');
    meta.className = 'meta';
    const bits = [];
    if (p.vehicles) bits.push(t('competitors.vehicles_here', { vehicles: formatInteger(p.vehicles) }));
    if (p.by_hand) bits.push(t('competitors.noted'));
    meta.textContent = bits.join(' · ');
    li.append(name, meta);
    const record = records.find((r) => r.id === p.competitor_id);
    if (record && (record.strengths || record.weaknesses)) {
      const more = document.createElement('div');
      more.className = 'meta';
      more.textContent = [record.strengths && `+ ${record.strengths}`, record.weaknesses && `− ${record.weaknesses}`].filter(Boolean).join('  ');
      li.append(more);
    }
    if (p.by_hand) {
      const remove = button('link danger', t('competitors.unnote'), async () => {
        try {
          await api.noteCompetitor(customerId, p.competitor_id, false);
          await load(customerId);
        } catch (err) {
          toast(err.message);
        }
      });
      li.append(remove);
    }
    return li;
  }));
  const noted = new Set(here.present.filter((p) => p.by_hand).map((p) => p.competitor_id));
  const options = records.filter((r) => !noted.has(r.id)).map((r) => new Option(label(r), String(r.id)));
  noteForm.elements.competitor_id.replaceChildren(new Option(t('competitors.note_which'), ''), ...options);
  const pick = sightingForm.elements.competitor_id;
  const keep = pick.value;
  pick.replaceChildren(new Option(t('field.choose'), ''), ...records.map((r) => new Option(label(r), String(r.id))));
  pick.value = keep;
  renderSightings();
}

function renderSightings() {
  const table = $('sightings');
  $('sightings-empty').hidden = here.sightings.length > 0;
  table.hidden = here.sightings.length === 0;
  const thead = document.createElement('thead');
  thead.append(headRow(['sightings.seen_on', 'sightings.competitor', 'sightings.product', 'sightings.price', 'sightings.conditions', 'sightings.source', '']
    .map((key) => (key ? t(key) : ''))));
  const body = document.createElement('tbody');
  for (const s of here.sightings) {
    const tr = document.createElement('tr');
    const record = records.find((r) => r.id === s.competitor_id);
    const cells = [
      formatDate(s.seen_on),
      record ? label(record) : '',
      s.product,
      s.price_minor == null ? '' : `${formatMinorUnits(s.price_minor)} ${s.currency}`,
      s.conditions,
      s.source,
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 3) td.className = 'num';
      tr.append(td);
    });
    const actions = document.createElement('td');
    const remove = button('link danger', t('materials.remove'), async () => {
      if (!(await confirmAction(t('sightings.delete_confirm'), t('materials.remove')))) return;
      try {
        await api.deleteSighting(s.id);
        await load(customerId);
      } catch (err) {
        toast(err.message);
      }
    });
    actions.append(remove);
    tr.append(actions);
    body.append(tr);
  }
  table.replaceChildren(thead, body);
}

async function addSighting() {
  const f = sightingForm.elements;
  const price = parseMinorUnits(f.price_minor.value);
  if (Number.isNaN(price)) {
    showErrors(sightingForm, { code: 'validation', fields: [{ field: 'price_minor', message: t('validation.price') }] }, t('card.errors_title'));
    return;
  }
  try {
    await api.addSighting(customerId, {
      seen_on: f.seen_on.value,
      competitor_id: numberOrNull(f.competitor_id.value),
      product: f.product.value,
      price_minor: price,
      currency: f.currency.value,
      conditions: f.conditions.value,
      source: f.source.value,
    });
    toast(t('sightings.saved'));
    resetSightingForm();
    await load(customerId);
  } catch (err) {
    showErrors(sightingForm, err, t('card.errors_title'));
  }
}

// --- the office's competitor records (market screen) ---

export async function loadRecords() {
  records = await api.competitors();
  renderRecords();
}

function renderRecords() {
  $('competitor-records').replaceChildren(...records.map((r) => {
    const li = document.createElement('li');
    li.className = 'person';
    const name = document.createElement('strong');
    name.textContent = label(r);
    const lines = [r.contact, r.strengths && `+ ${r.strengths}`, r.weaknesses && `− ${r.weaknesses}`, r.notes].filter(Boolean).map((text) => {
      const d = document.createElement('div');
      d.className = 'meta';
      d.textContent = text;
      return d;
    });
    const edit = button('link', t('people.edit'), () => editRecord(r));
    li.append(name, ...lines, edit);
    return li;
  }));
}

function editRecord(record) {
  editingRecord = record;
  clearErrors(recordForm);
  for (const el of recordForm.elements) {
    if (el.name) el.value = record?.[el.name] ?? '';
  }
  recordForm.hidden = false;
  recordForm.elements.brand.focus();
}

async function saveRecord() {
  const data = {};
  for (const el of recordForm.elements) if (el.name) data[el.name] = el.value;
  try {
    if (editingRecord) await api.updateCompetitor(editingRecord.id, editingRecord.version, data);
    else await api.createCompetitor(data);
    recordForm.hidden = true;
    toast(t('competitors.saved'));
    await loadRecords();
  } catch (err) {
    showErrors(recordForm, err, t('card.errors_title'));
  }
}
