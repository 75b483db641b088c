// The card's fleet tab: our share of the customer (vehicles and tonnage, per category), the
// brand mix as a small chart, and the fleet lines with their form. A VIN that fails its check
// digit is saved with a warning; a malformed one is refused with the field marked.

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatPercent, isoDay, t } from '../i18n.js';
import { clearErrors, numberOrNull, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { resolveConflict } from '../conflict.js';
import { showChanges } from './changes.js';
import {
  brandChart, categoryLabel, fleetChoices, fleetSettings, ownershipLabel, weightLabel,
} from '../fleet-common.js';
import { $, button, headRow } from '../dom.js';
import { announce, listen } from '../signals.js';

const form = $('fleet-form');
const table = $('fleet-lines');
let customerId = null;
let fleet = null;
let editing = null; // the line being edited, null for a new one

export function init() {
  $('fleet-new').addEventListener('click', () => edit(null));
  $('fleet-changes').addEventListener('click', () => {
    if (editing) showChanges('fleet_line', editing.id, `${editing.brand} ${editing.model}`.trim());
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.querySelector('.cancel').addEventListener('click', () => {
    form.hidden = true;
    $('fleet-new').focus();
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      form.hidden = true;
    }
  });
  form.elements.renewal_manual.addEventListener('change', syncRenewal);
  form.elements.vin.addEventListener('input', () => {
    form.querySelector('.field-warning').textContent = '';
  });
  listen('fleet-settings', () => {
    if (customerId != null) load(customerId).catch((err) => toast(err.message));
  });
}

export async function load(id) {
  if (id !== customerId) form.hidden = true;
  customerId = id;
  const [f] = await Promise.all([api.fleet(id), fleetSettings()]);
  if (id !== customerId) return;
  fleet = f;
  render();
}

export function relabel() {
  if (fleet) render();
}

function syncRenewal() {
  const manual = form.elements.renewal_manual.checked;
  form.elements.renewal_due.disabled = !manual;
  if (manual && !form.elements.renewal_due.value) form.elements.renewal_due.value = isoDay(365);
}

async function fillSelects() {
  const s = await fleetSettings();
  const { ownerships, weight_classes: classes } = fleetChoices();
  const category = form.elements.category;
  const cats = [...s.categories];
  if (editing && !cats.includes(editing.category)) cats.push(editing.category);
  category.replaceChildren(...cats.map((c) => new Option(categoryLabel(c), c)));
  form.elements.weight_class.replaceChildren(new Option(t('fleet.weight_unknown'), ''), ...classes.map((c) => new Option(weightLabel(c), c)));
  form.elements.ownership.replaceChildren(new Option(t('field.choose'), ''), ...ownerships.map((o) => new Option(ownershipLabel(o), o)));
}

function render() {
  const share = fleet.share;
  const total = share.total;
  $('fleet-count').textContent = total.vehicles ? formatInteger(total.vehicles) : '';
  $('fleet-share-total').textContent = total.vehicles
    ? t('fleet.share_total', { pct: formatPercent(total.vehicle_pct), ours: formatInteger(total.ours), vehicles: formatInteger(total.vehicles) })
    : t('fleet.share_none');
  $('fleet-share-tonnage').textContent = total.tonnage_pct == null
    ? (total.vehicles ? t('fleet.tonnage_unknown') : '')
    : t('fleet.share_tonnage', { pct: formatPercent(total.tonnage_pct), weighed: formatInteger(total.weighed), vehicles: formatInteger(total.vehicles) });
  fleetSettings().then((s) => { $('fleet-no-brand').hidden = s.brands.some((b) => b.ours); }).catch(() => {});
  renderCategories(share.categories);
  $('fleet-chart').replaceChildren(...(share.brands.length ? [brandChart(share.brands)] : []));
  renderLines();
}

function renderCategories(categories) {
  const rows = categories.map((c) => {
    const tr = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = categoryLabel(c.category);
    const count = document.createElement('td');
    count.className = 'num';
    count.textContent = t('fleet.ours_of', { ours: formatInteger(c.share.ours), vehicles: formatInteger(c.share.vehicles) });
    const pct = document.createElement('td');
    pct.className = 'num';
    pct.textContent = formatPercent(c.share.vehicle_pct);
    const barCell = document.createElement('td');
    const bar = document.createElement('span');
    bar.className = 'meter';
    const fill = document.createElement('span');
    fill.style.width = `${c.share.vehicle_pct ?? 0}%`;
    bar.append(fill);
    barCell.append(bar);
    tr.append(name, count, pct, barCell);
    return tr;
  });
  $('fleet-categories').replaceChildren(...rows);
}

function cell(text, className = '') {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** A cell of a main line and a muted second line (either may be empty). */
function stacked(main, sub, className = '') {
  const td = document.createElement('td');
  if (className) td.className = className;
  const first = document.createElement('div');
  first.textContent = main;
  td.append(first);
  if (sub) {
    const second = document.createElement('div');
    second.className = 'sub';
    second.textContent = sub;
    td.append(second);
  }
  return td;
}

function renderLines() {
  const lines = fleet.lines;
  $('fleet-empty').hidden = lines.length > 0;
  table.hidden = lines.length === 0;
  const thead = document.createElement('thead');
  thead.append(headRow(['fleet.vehicles', 'fleet.weight_class', 'fleet.first_registered_short', 'fleet.vin_plate',
    'fleet.ownership', 'fleet.renewal_due', ''].map((key) => (key ? t(key) : ''))));
  const body = document.createElement('tbody');
  for (const l of lines) {
    const tr = document.createElement('tr');
    tr.className = l.ours ? 'ours' : '';
    tr.dataset.id = l.id;
    const what = document.createElement('td');
    const first = document.createElement('div');
    const strong = document.createElement('strong');
    strong.textContent = l.brand;
    first.append(`${formatInteger(l.vehicles)} × `, strong, ` ${l.model}`);
    if (l.ours) {
      const b = document.createElement('span');
      b.className = 'badge main';
      b.textContent = t('fleet.ours');
      first.append(' ', b);
    }
    const sub = document.createElement('div');
    sub.className = 'sub';
    sub.textContent = categoryLabel(l.category);
    what.append(first, sub);
    const weight = stacked(l.weight_class ? weightLabel(l.weight_class) : '', '');
    if (l.gross_weight_kg) weight.title = `${formatInteger(l.gross_weight_kg)} kg`;
    const mileage = l.mileage_km == null ? '' : t('fleet.km_on', { km: formatInteger(l.mileage_km), date: formatDate(l.mileage_read_on) });
    const renewal = l.renewal_due ? formatDate(l.renewal_due) + (l.renewal_manual ? ` ${t('fleet.by_hand')}` : '') : '';
    const inspection = l.inspection_due ? t('fleet.inspection_on', { date: formatDate(l.inspection_due) }) : '';
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    const editButton = button('link', t('people.edit'), () => edit(l));
    const remove = button('link danger', t('materials.remove'), () => removeLine(l));
    actions.append(editButton, remove);
    tr.append(
      what,
      weight,
      stacked(String(l.first_registered ?? ''), mileage),
      stacked(l.vin, l.plate, 'mono'),
      stacked(ownershipLabel(l.ownership), l.supplier),
      stacked(renewal, inspection),
      actions,
    );
    body.append(tr);
  }
  table.replaceChildren(thead, body);
}

async function edit(line) {
  editing = line;
  clearErrors(form);
  form.querySelector('.field-warning').textContent = '';
  await fillSelects();
  const s = await fleetSettings();
  const data = line ?? { vehicles: 1, category: s.categories[0], mileage_read_on: isoDay(), brand: s.brands.find((b) => b.ours)?.name ?? '' };
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') el.checked = Boolean(data[el.name]);
    else el.value = data[el.name] ?? '';
  }
  if (line && !line.mileage_km && !line.mileage_read_on) form.elements.mileage_read_on.value = isoDay();
  syncRenewal();
  form.querySelector('.subform-title').textContent = t(line ? 'fleet.edit_title' : 'fleet.new_title');
  $('fleet-changes').hidden = !line;
  form.hidden = false;
  form.elements.brand.focus();
}

function readForm() {
  const f = form.elements;
  const number = (name) => {
    const v = numberOrNull(f[name].value.trim());
    return Number.isNaN(v) ? null : v;
  };
  return {
    brand: f.brand.value,
    model: f.model.value,
    category: f.category.value,
    weight_class: f.weight_class.value,
    gross_weight_kg: number('gross_weight_kg'),
    vehicles: number('vehicles') ?? 0,
    vin: f.vin.value,
    plate: f.plate.value,
    first_registered: number('first_registered'),
    mileage_km: number('mileage_km'),
    mileage_read_on: f.mileage_read_on.value || null,
    ownership: f.ownership.value,
    supplier: f.supplier.value,
    renewal_manual: f.renewal_manual.checked,
    renewal_due: f.renewal_manual.checked ? (f.renewal_due.value || null) : null,
    inspection_due: f.inspection_due.value || null,
    notes: f.notes.value,
  };
}

async function save() {
  const data = readForm();
  const opened = editing;
  try {
    let result;
    try {
      result = opened ? await api.updateFleetLine(opened.id, opened.version, data) : await api.addFleetLine(customerId, data);
    } catch (err) {
      if (err.code !== 'conflict' || !opened) throw err;
      // Someone else saved this line since the form was opened: theirs or mine per field.
      result = await resolveConflict({
        entity: 'fleet_line', id: opened.id, base: opened, mine: data,
        save: (version, merged) => api.updateFleetLine(opened.id, version, merged),
      });
      if (!result) return;
    }
    form.hidden = true;
    const warning = result.warnings.map((w) => w.message).join(' ');
    toast(warning ? t('fleet.saved_with_warning', { warning }) : t('fleet.saved'));
    await load(customerId);
    announce('fleet', { customerId });
    $('fleet-new').focus();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}

async function removeLine(line) {
  if (!(await confirmAction(t('fleet.delete_confirm', { line: `${line.brand} ${line.model}`.trim() }), t('materials.remove')))) return;
  try {
    await api.deleteFleetLine(line.id);
    await load(customerId);
    announce('fleet', { customerId });
  } catch (err) {
    toast(err.message);
  }
}
