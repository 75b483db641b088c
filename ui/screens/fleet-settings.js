// The office's fleet settings on the settings screen: which brands the dealership sells (ours),
// the vehicle categories, and when each category is due for renewal (years, km). They are kept
// in the office database, so every workstation agrees; a stale save is refused.

import { formatInteger, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { categoryLabel, fleetSettings, saveFleetSettings } from '../fleet-common.js';
import { $, button, headRow } from '../dom.js';

const form = $('fleet-settings');
let draft = null;

export function init() {
  $('settings-brand-add').addEventListener('click', addBrand);
  $('settings-brand-new').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addBrand();
    }
  });
  $('settings-category-add').addEventListener('click', addCategory);
  $('settings-category-new').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addCategory();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
}

export async function shown() {
  try {
    draft = structuredClone(await fleetSettings({ reload: true }));
    clearErrors(form);
    render();
  } catch (err) {
    toast(err.message);
  }
}

export function relabel() {
  if (draft) render();
}

function addBrand() {
  const input = $('settings-brand-new');
  const name = input.value.trim();
  if (!name) return;
  if (!draft.brands.some((b) => b.name.toLowerCase() === name.toLowerCase())) draft.brands.push({ name, ours: false });
  input.value = '';
  render();
  input.focus();
}

function addCategory() {
  const input = $('settings-category-new');
  const name = input.value.trim();
  if (!name) return;
  if (!draft.categories.includes(name)) draft.categories.push(name);
  input.value = '';
  render();
  input.focus();
}

function removeButton(run, what) {
  const b = button('link danger', t('materials.remove'));
  b.setAttribute('aria-label', `${t('materials.remove')} ${what}`);
  b.addEventListener('click', () => {
    run();
    render();
  });
  return b;
}

function render() {
  $('settings-brands').replaceChildren(...draft.brands.map((b, i) => {
    const li = document.createElement('li');
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = b.ours;
    box.dataset.brand = b.name;
    box.addEventListener('change', () => { b.ours = box.checked; });
    const name = document.createElement('span');
    name.textContent = b.name;
    label.append(box, ' ', name);
    li.append(label, removeButton(() => draft.brands.splice(i, 1), b.name));
    return li;
  }));

  const head = headRow(['fleet.category', 'settings.renewal_years', 'settings.renewal_km', ''].map((key) => (key ? t(key) : '')));
  const rows = draft.categories.map((c, i) => {
    const rule = draft.rules.find((r) => r.category === c);
    const tr = document.createElement('tr');
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = categoryLabel(c);
    const input = (field, min, max, step) => {
      const td = document.createElement('td');
      const el = document.createElement('input');
      el.type = 'number';
      el.min = min;
      el.max = max;
      el.step = step;
      el.dataset.category = c;
      el.name = `${field}-${c}`;
      el.setAttribute('aria-label', `${categoryLabel(c)}: ${t(field === 'years' ? 'settings.renewal_years' : 'settings.renewal_km')}`);
      el.value = rule?.[field] ?? '';
      el.addEventListener('change', () => setRule(c, field, el.value));
      td.append(el);
      return td;
    };
    const remove = document.createElement('td');
    remove.append(removeButton(() => {
      draft.categories.splice(i, 1);
      draft.rules = draft.rules.filter((r) => r.category !== c);
    }, categoryLabel(c)));
    tr.append(name, input('years', 1, 40, 1), input('km', 10000, 5000000, 10000), remove);
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  $('settings-categories').replaceChildren(thead, tbody);
}

function setRule(category, field, value) {
  let rule = draft.rules.find((r) => r.category === category);
  if (!rule) {
    rule = { category, years: null, km: null };
    draft.rules.push(rule);
  }
  rule[field] = value === '' ? null : Number(value);
}

async function save() {
  clearErrors(form);
  try {
    const saved = await saveFleetSettings(draft);
    draft = structuredClone(saved);
    render();
    toast(t('settings.fleet_saved', { brands: formatInteger(saved.brands.filter((b) => b.ours).length) }));
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
    if (err.code === 'conflict') {
      draft = structuredClone(await fleetSettings({ reload: true }));
      render();
    }
  }
}
