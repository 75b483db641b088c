// Settings › offers: the office's offer defaults (numbering, validity, VAT, terms per language)
// and the price list: search, edit an item with its names and descriptions in every offer
// language, retire it, and import the list from a CSV file (README gives the layout). Only the
// sales manager changes them; everyone else sees them read-only.

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatMinorUnits, isoDay, parseInteger, parseMinorUnits, parsePercentBp, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { money } from '../process.js';
import { manages } from '../users.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

const LANGUAGES = ['en', 'it', 'pl', 'lt', 'zh'];
const KINDS = ['model', 'option', 'bodywork', 'service', 'financing'];
let settings = null;
let editing = null;
let timer = null;

function manager() {
  return manages();
}


export function init(info) {
  const pf = $('price-form');
  pf.elements.kind.replaceChildren(...KINDS.map((k) => new Option(t(`prices.kind.${k}`), k)));
  pf.elements.currency.replaceChildren(...info.choices.currencies.map((c) => new Option(c, c)));
  $('offer-settings-form').elements.currency.replaceChildren(...info.choices.currencies.map((c) => new Option(c, c)));
  $('price-texts').replaceChildren(...LANGUAGES.map((l) => {
    const box = document.createElement('fieldset');
    box.className = 'price-language';
    const legend = document.createElement('legend');
    legend.dataset.lang = l;
    const name = Object.assign(document.createElement('input'), { name: `name_${l}`, maxLength: 200 });
    const description = Object.assign(document.createElement('textarea'), { name: `description_${l}`, rows: 2, maxLength: 4000 });
    const nameLabel = document.createElement('label');
    nameLabel.append(Object.assign(document.createElement('span'), { className: 'lbl-name' }), name);
    const descLabel = document.createElement('label');
    descLabel.append(Object.assign(document.createElement('span'), { className: 'lbl-description' }), description);
    box.append(legend, nameLabel, descLabel);
    return box;
  }));
  $('offer-terms').replaceChildren(...LANGUAGES.flatMap((l) => ['payment_terms', 'delivery_time'].map((what) => {
    const label = document.createElement('label');
    label.dataset.lang = l;
    label.dataset.what = what;
    label.append(document.createElement('span'), Object.assign(document.createElement('textarea'), { name: `${what}_${l}`, rows: 2, maxLength: 500 }));
    return label;
  })));
  $('offer-settings-form').addEventListener('submit', saveSettings);
  $('letterhead-form').addEventListener('submit', saveLetterhead);
  $('price-search').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(list, 150);
  });
  $('price-retired').addEventListener('change', list);
  $('price-new').addEventListener('click', () => edit(null));
  pf.addEventListener('submit', savePrice);
  pf.querySelector('.cancel').addEventListener('click', () => {
    pf.hidden = true;
    editing = null;
  });
  $('price-file').addEventListener('change', importFile);
  listen('user', render);
  relabel();
  render();
}

export function relabel() {
  for (const legend of document.querySelectorAll('#price-texts legend')) legend.textContent = t(`language.${legend.dataset.lang}`);
  for (const s of document.querySelectorAll('#price-texts .lbl-name')) s.textContent = t('prices.name');
  for (const s of document.querySelectorAll('#price-texts .lbl-description')) s.textContent = t('prices.description');
  for (const label of document.querySelectorAll('#offer-terms label')) {
    label.querySelector('span').textContent = `${t(`offers.${label.dataset.what}`)} · ${t(`language.${label.dataset.lang}`)}`;
  }
  const kind = $('price-form').elements.kind;
  for (const o of kind.options) o.textContent = t(`prices.kind.${o.value}`);
}

async function render() {
  const locked = !manager();
  $('offers-locked').hidden = !locked;
  for (const el of [$('offer-settings-form'), $('price-form'), $('letterhead-form')]) {
    for (const input of el.elements) input.disabled = locked && !input.classList.contains('cancel');
  }
  $('price-new').hidden = locked;
  $('price-file').disabled = locked;
  $('price-file').closest('label').hidden = locked;
  try {
    settings = await api.offerSettings();
  } catch (err) {
    toast(err.message);
    return;
  }
  const f = $('offer-settings-form').elements;
  f.number_pattern.value = settings.number_pattern;
  f.validity_days.value = String(settings.validity_days);
  f.vat.value = formatMinorUnits(settings.vat_bp).replace(/[.,]00$/, '');
  f.currency.value = settings.currency;
  for (const l of LANGUAGES) {
    f[`payment_terms_${l}`].value = settings.payment_terms[l] ?? '';
    f[`delivery_time_${l}`].value = settings.delivery_time[l] ?? '';
  }
  await loadLetterhead();
  await list();
}

let letterhead = null;

async function loadLetterhead() {
  try {
    letterhead = await api.letterhead();
  } catch (err) {
    toast(err.message);
    return;
  }
  const f = $('letterhead-form').elements;
  for (const name of ['company_name', 'vat_id', 'phone', 'email', 'web', 'bank_details']) f[name].value = letterhead[name] ?? '';
  f.address_lines.value = (letterhead.address_lines ?? []).join('\n');
  f.logo.value = '';
  f.remove_logo.checked = false;
  $('letterhead-logo-state').textContent = letterhead.logo_png ? t('letterhead.has_logo') : t('letterhead.no_logo');
}

/** Bytes as base64, the way the letterhead's logo travels in JSON. */
function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function saveLetterhead(e) {
  e.preventDefault();
  const form = $('letterhead-form');
  const f = form.elements;
  const next = {
    company_name: f.company_name.value,
    address_lines: f.address_lines.value.split('\n'),
    vat_id: f.vat_id.value,
    phone: f.phone.value,
    email: f.email.value,
    web: f.web.value,
    bank_details: f.bank_details.value,
  };
  const file = f.logo.files[0];
  if (file) next.logo_png = base64(new Uint8Array(await file.arrayBuffer()));
  else if (letterhead?.logo_png && !f.remove_logo.checked) next.logo_png = letterhead.logo_png;
  try {
    await api.saveLetterhead(next);
    clearErrors(form);
    toast(t('letterhead.saved'));
    await loadLetterhead();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}

async function saveSettings(e) {
  e.preventDefault();
  const form = $('offer-settings-form');
  const f = form.elements;
  const texts = (what) => Object.fromEntries(LANGUAGES.map((l) => [l, f[`${what}_${l}`].value]).filter(([, v]) => v.trim()));
  const days = parseInteger(f.validity_days.value);
  const vat = parsePercentBp(f.vat.value);
  const next = {
    ...settings,
    number_pattern: f.number_pattern.value,
    validity_days: days === null || Number.isNaN(days) ? 0 : days,
    vat_bp: vat === null || Number.isNaN(vat) ? -1 : vat,
    payment_terms: texts('payment_terms'),
    delivery_time: texts('delivery_time'),
    currency: f.currency.value,
  };
  try {
    settings = await api.saveOfferSettings(next);
    clearErrors(form);
    toast(t('offers.settings_saved'));
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}

async function list() {
  let items;
  try {
    items = await api.priceItems({ text: $('price-search').value, include_retired: $('price-retired').checked, limit: 300 });
  } catch (err) {
    toast(err.message);
    return;
  }
  const today = isoDay(0);
  $('price-rows').replaceChildren(...items.map((item) => {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.className = 'price-row';
    if (item.retired) tr.classList.add('retired');
    const td = (text, cls) => Object.assign(document.createElement('td'), { textContent: text, className: cls ?? '' });
    const name = item.names.en || Object.values(item.names)[0] || '';
    const expired = item.valid_to && item.valid_to < today;
    const valid = [item.valid_from ? formatDate(item.valid_from) : '', item.valid_to ? formatDate(item.valid_to) : ''];
    const validText = valid.some(Boolean) ? `${valid[0] || '…'} – ${valid[1] || '…'}` : t('prices.always');
    const validCell = td(validText);
    if (expired) validCell.append(' ', Object.assign(document.createElement('span'), { className: 'badge warn', textContent: t('prices.expired') }));
    tr.append(td(item.code), td(name), td(t(`prices.kind.${item.kind}`)), td(money(item.price, item.currency), 'num'), validCell);
    tr.addEventListener('click', () => edit(item));
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && edit(item));
    return tr;
  }));
  if (!items.length) {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('td'), { colSpan: 5, className: 'muted', textContent: t('prices.none') }));
    $('price-rows').append(tr);
  }
}

function edit(item) {
  editing = item;
  const form = $('price-form');
  clearErrors(form);
  form.hidden = false;
  const f = form.elements;
  const d = item ?? { code: '', kind: 'model', supplier: '', price: 0, currency: settings?.currency ?? 'EUR', valid_from: '', valid_to: '', names: {}, descriptions: {}, retired: false };
  f.code.value = d.code;
  f.kind.value = d.kind;
  f.supplier.value = d.supplier;
  f.price.value = item ? formatMinorUnits(d.price) : '';
  f.currency.value = d.currency;
  f.valid_from.value = d.valid_from;
  f.valid_to.value = d.valid_to;
  f.retired.checked = Boolean(d.retired);
  for (const l of LANGUAGES) {
    f[`name_${l}`].value = d.names[l] ?? '';
    f[`description_${l}`].value = d.descriptions[l] ?? '';
  }
  f.code.focus();
}

async function savePrice(e) {
  e.preventDefault();
  const form = $('price-form');
  const f = form.elements;
  const texts = (what) => Object.fromEntries(LANGUAGES.map((l) => [l, f[`${what}_${l}`].value]).filter(([, v]) => v.trim()));
  const price = parseMinorUnits(f.price.value);
  const data = {
    code: f.code.value,
    kind: f.kind.value,
    names: texts('name'),
    descriptions: texts('description'),
    supplier: f.supplier.value,
    price: price === null || Number.isNaN(price) ? -1 : price,
    currency: f.currency.value,
    valid_from: f.valid_from.value,
    valid_to: f.valid_to.value,
  };
  try {
    const saved = await api.savePriceItem(editing?.id ?? null, editing?.version ?? 0, data, f.retired.checked);
    toast(t('prices.saved', { code: saved.code }));
    form.hidden = true;
    editing = null;
    await list();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}

async function importFile() {
  const input = $('price-file');
  const file = input.files[0];
  if (!file) return;
  const result = $('price-import-result');
  const errors = $('price-import-errors');
  errors.replaceChildren();
  result.textContent = t('prices.importing', { name: file.name });
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const done = await api.importPriceList(bytes);
    result.textContent = t('prices.imported', {
      added: formatInteger(done.added),
      updated: formatInteger(done.updated),
      unchanged: formatInteger(done.unchanged),
    });
    await list();
  } catch (err) {
    result.textContent = err.code === 'validation' ? t('prices.import_refused') : err.message;
    // rows.<i> is the file's line i + 2 (after the header).
    errors.replaceChildren(...(err.fields ?? []).map((f) => {
      const m = /^rows\.(\d+)\.(\w+)$/.exec(f.field);
      const where = m ? t('prices.import_line', { line: formatInteger(Number(m[1]) + 2), column: m[2] }) : '';
      return Object.assign(document.createElement('li'), { textContent: `${where} ${f.message}`.trim() });
    }));
  }
  input.value = '';
}
