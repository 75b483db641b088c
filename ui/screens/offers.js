// Offers: the list of every offer (newest revision of each number) and the builder. A draft is
// edited freely and its totals come from Rust as the salesperson types; a sent offer is read
// only (revise it for the next revision); accepting or rejecting can close the deal too.

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatMinorUnits, isoDay, parseInteger, parseMinorUnits, parsePercentBp, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { money, named, reasonSettings } from '../process.js';
import { fillUserSelects } from '../users.js';
import { showChanges } from './changes.js';
import { $, button } from '../dom.js';

const STATUSES = ['draft', 'sent', 'accepted', 'rejected', 'expired'];
const LANGUAGES = ['en', 'it', 'pl', 'lt', 'zh'];

let currencies = [];
let openCustomer = () => {};
let openDeal = () => {};
let showScreen = () => {};
/** The offer on the builder: `{ id, version, status, number, revision, data }`; id null for a new one. */
let current = null;
let dirty = false;
let totalsTimer = null;
let listTimer = null;
let picks = [];
let fleetLines = [];

/** 1250 basis points → "12,5" in the locale's way. */
function bpText(bp) {
  const whole = Math.floor(bp / 100);
  const frac = bp % 100;
  if (!frac) return formatInteger(whole);
  return formatMinorUnits(bp).replace(/0$/, '');
}

function statusLabel(status) {
  return t(`offer.status.${status}`);
}

export function init(info, callbacks) {
  currencies = info.choices.currencies;
  ({ openCustomer, openDeal, show: showScreen } = callbacks);
  const filters = $('offer-filters');
  filters.elements.status.replaceChildren(new Option(t('offers.any_status'), ''), ...STATUSES.map((s) => new Option(statusLabel(s), s)));
  filters.addEventListener('input', () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(refresh, 200);
  });
  filters.addEventListener('submit', (e) => e.preventDefault());
  const form = $('offer-form');
  form.elements.language.replaceChildren(...LANGUAGES.map((l) => new Option(t(`language.${l}`), l)));
  form.elements.currency.replaceChildren(...currencies.map((c) => new Option(c, c)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.addEventListener('input', (e) => {
    if (e.target.id === 'offer-pick') return;
    dirty = true;
    scheduleTotals();
  });
  form.elements.language.addEventListener('change', () => toast(t('offer.language_changed')));
  $('offer-back').addEventListener('click', () => leaveBuilder());
  $('offer-customer').addEventListener('click', () => current && openCustomer(current.data.customer_id));
  $('offer-changes').addEventListener('click', () => current?.id && showChanges('offer', current.id, current.number));
  $('offer-send').addEventListener('click', () => act(() => api.sendOffer(current.id, current.version), 'offer.sent_toast'));
  $('offer-revise').addEventListener('click', () => act(() => api.reviseOffer(current.id), 'offer.revised_toast'));
  $('offer-accept').addEventListener('click', () => decide('accepted'));
  $('offer-reject').addEventListener('click', () => decide('rejected'));
  $('offer-expire').addEventListener('click', () => decide('expired'));
  $('offer-discard').addEventListener('click', discard);
  $('offer-pdf-save').addEventListener('click', () => print('save'));
  $('offer-pdf-open').addEventListener('click', () => print('open'));
  $('offer-free-line').addEventListener('click', () => addLine({ description: '', quantity: 1, unit_price: 0, discount_bp: 0, vat_bp: defaultVat() }, true));
  $('offer-trade-in-add').addEventListener('click', addTradeInFromFleet);
  const pick = $('offer-pick');
  pick.addEventListener('input', () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(searchPrices, 150);
  });
  pick.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (picks.length) addPicked(picks[0]);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      $('offer-picks').querySelector('button')?.focus();
    }
  });
  $('offer-decide-form').querySelector('.cancel').addEventListener('click', () => $('offer-decide-dialog').close());
}

let officeVat = 2200;
function defaultVat() {
  return officeVat;
}

export function relabel() {
  const status = $('offer-filters').elements.status;
  for (const o of status.options) if (o.value) o.textContent = statusLabel(o.value);
  if (current) renderBuilder();
}

export async function shown() {
  if (!current) await refresh();
}

export function keydown(e) {
  if ((e.ctrlKey || e.metaKey) && e.key === 's' && current && !$('offer-form').hidden) {
    e.preventDefault();
    save();
  }
}

async function refresh() {
  const f = $('offer-filters').elements;
  let rows;
  try {
    rows = await api.offers({ text: f.text.value, status: f.status.value || null, limit: 200 });
  } catch (err) {
    toast(err.message);
    return;
  }
  $('offer-rows').replaceChildren(...rows.map(offerRow));
  $('offers-empty').hidden = rows.length > 0;
}

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function offerRow(o) {
  const tr = document.createElement('tr');
  tr.tabIndex = 0;
  tr.className = 'offer-row';
  tr.dataset.id = o.id;
  const number = o.revision > 1 ? `${o.number} (${t('offer.revision_short', { n: o.revision })})` : o.number;
  const status = cell('');
  const badge = document.createElement('span');
  badge.className = `badge offer-${o.status}`;
  badge.textContent = statusLabel(o.status);
  status.append(badge);
  if (o.status === 'sent' && o.valid_until && o.valid_until < isoDay(0)) {
    const late = document.createElement('span');
    late.className = 'badge warn';
    late.textContent = t('offer.past_validity');
    status.append(' ', late);
  }
  tr.append(
    cell(number),
    cell(o.customer_name),
    cell(formatDate(o.date)),
    cell(o.valid_until ? formatDate(o.valid_until) : ''),
    cell(t(`language.${o.language}`)),
    status,
    cell(money(o.total, o.currency), 'num'),
  );
  const open = () => openOffer(o.id);
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => e.key === 'Enter' && open());
  return tr;
}

/** A short list of offers (the card's, a deal's) as rows that open the builder. */
export function offerItems(offers) {
  return offers.map((o) => {
    const li = document.createElement('li');
    const b = button('link', o.revision > 1 ? `${o.number} (${t('offer.revision_short', { n: o.revision })})` : o.number, () => {
      showScreen('offers');
      openOffer(o.id);
    });
    const info = document.createElement('span');
    info.className = 'muted';
    info.textContent = ` ${formatDate(o.date)} · ${statusLabel(o.status)} · ${money(o.total, o.currency)}`;
    li.append(b, info);
    return li;
  });
}

export async function listFor(query) {
  try {
    return await api.offers({ ...query, limit: 50 });
  } catch (err) {
    toast(err.message);
    return [];
  }
}

// --- the builder ---

async function leaveBuilder() {
  if (dirty && current?.status === 'draft' && !(await confirmAction(t('offer.discard_changes'), t('offer.leave')))) return;
  current = null;
  dirty = false;
  $('offer-form').hidden = true;
  $('offers-list-view').hidden = false;
  refresh();
}

/** Starts a new offer for a customer (and a deal): the core fills the defaults. */
export async function newOffer(customerId, dealId = null) {
  showScreen('offers');
  try {
    const [data, settings] = await Promise.all([api.newOffer(customerId, dealId), api.offerSettings()]);
    officeVat = settings.vat_bp;
    current = { id: null, version: 0, status: 'draft', number: '', revision: 1, data, customerName: '', key: newKey() };
    const customer = await api.getCustomer(customerId);
    current.customerName = customer.name;
    await loadCustomerBits();
    dirty = true;
    renderBuilder();
    $('offer-pick').focus();
  } catch (err) {
    toast(err.message);
  }
}

export async function openOffer(id) {
  try {
    const [view, settings] = await Promise.all([api.offerView(id), api.offerSettings()]);
    officeVat = settings.vat_bp;
    setCurrent(view);
    await loadCustomerBits();
    dirty = false;
    renderBuilder();
  } catch (err) {
    toast(err.message);
  }
}

function setCurrent(view) {
  const o = view.offer;
  current = {
    id: o.id,
    version: o.version,
    status: o.status,
    number: o.number,
    revision: o.revision,
    data: o,
    customerName: view.customer_name,
    revisions: view.revisions,
    outcome: { reason: o.outcome_reason, competitor: o.outcome_competitor },
  };
}

/** The customer's deals (to link) and fleet (to take trade-ins from). */
async function loadCustomerBits() {
  const customerId = current.data.customer_id;
  const [deals, fleet] = await Promise.all([
    api.deals({ customer_id: customerId, status: 'all', limit: 100 }).catch(() => []),
    api.fleet(customerId).catch(() => ({ lines: [] })),
  ]);
  const select = $('offer-form').elements.deal_id;
  select.replaceChildren(new Option(t('offer.no_deal'), ''), ...deals.map((d) => new Option(d.title, String(d.id))));
  fleetLines = fleet.lines ?? [];
  $('offer-fleet-pick').replaceChildren(
    new Option(t('offer.trade_in_from_fleet'), ''),
    ...fleetLines.map((l) => new Option(fleetLabel(l), String(l.id))),
  );
}

function fleetLabel(l) {
  const d = l.data ?? l;
  const what = [d.brand, d.model].filter(Boolean).join(' ');
  const plate = d.plate || d.vin || '';
  const count = d.vehicles > 1 ? `${d.vehicles} × ` : '';
  return `${count}${what}${d.first_registered ? ` (${d.first_registered})` : ''}${plate ? ` ${plate}` : ''}`.trim();
}

function renderBuilder() {
  const form = $('offer-form');
  const d = current.data;
  $('offers-list-view').hidden = true;
  form.hidden = false;
  clearErrors(form);
  $('offer-number').textContent = current.number || t('offer.new_number');
  $('offer-revision').textContent = current.number ? t('offer.revision', { n: current.revision }) : '';
  const badge = $('offer-status');
  badge.textContent = statusLabel(current.status);
  badge.className = `badge offer-${current.status}`;
  $('offer-customer').textContent = current.customerName;
  $('offer-revisions').textContent =
    (current.revisions?.length ?? 0) > 1
      ? t('offer.revisions', { list: current.revisions.map((r) => `${r.revision}: ${statusLabel(r.status)}`).join(', ') })
      : '';
  const f = form.elements;
  f.language.value = d.language;
  f.currency.value = d.currency;
  f.date.value = d.date;
  f.valid_until.value = d.valid_until;
  f.deal_id.value = d.deal_id ? String(d.deal_id) : '';
  fillUserSelects(form);
  f.salesperson_id.value = d.salesperson_id ? String(d.salesperson_id) : '';
  f.global_discount.value = d.global_discount_bp ? bpText(d.global_discount_bp) : '';
  f.payment_terms.value = d.payment_terms;
  f.delivery_time.value = d.delivery_time;
  f.notes.value = d.notes;
  const fin = d.financing;
  f.fin_provider.value = fin?.provider ?? '';
  f.fin_down.value = fin ? formatMinorUnits(fin.down_payment) : '';
  f.fin_months.value = fin ? String(fin.months) : '';
  f.fin_rate.value = fin ? formatMinorUnits(fin.monthly_rate) : '';
  $('offer-lines').replaceChildren();
  for (const line of d.lines) addLine(line);
  $('offer-trade-ins').replaceChildren();
  for (const ti of d.trade_ins) addTradeIn(ti);
  $('offer-picks').replaceChildren();
  $('offer-pick').value = '';
  const draft = current.status === 'draft';
  form.querySelector('fieldset').disabled = !draft;
  const locked = $('offer-locked');
  locked.hidden = draft;
  locked.textContent = draft ? '' : lockedText();
  const sent = current.status === 'sent';
  $('offer-save').hidden = !draft;
  $('offer-send').hidden = !draft || !current.id;
  $('offer-discard').hidden = !draft || !current.id;
  $('offer-revise').hidden = !current.id || draft || current.status === 'accepted' || !isNewest();
  $('offer-accept').hidden = !current.id || !(draft || sent);
  $('offer-reject').hidden = !sent;
  $('offer-expire').hidden = !sent;
  $('offer-changes').hidden = !current.id;
  $('offer-pdf-save').hidden = !current.id;
  $('offer-pdf-open').hidden = !current.id;
  renderTotals(current.data.totals ?? null);
  scheduleTotals();
  showProblems(current.id);
}

/** The check before printing, shown on the builder as soon as a saved offer opens. */
async function showProblems(id) {
  const box = $('offer-print-check');
  box.hidden = true;
  if (!id) return [];
  let problems;
  try {
    problems = await api.offerPrintCheck(id);
  } catch (err) {
    toast(err.message);
    return [];
  }
  if (current?.id !== id) return problems;
  $('offer-problems').replaceChildren(...problems.map((p) => Object.assign(document.createElement('li'), { textContent: p.message })));
  box.hidden = problems.length === 0;
  return problems;
}

/** Saves the PDF where the person chooses, or opens it in the system's viewer to print. */
async function print(how) {
  if (!current?.id) return;
  if (dirty && current.status === 'draft') {
    toast(t('offer.save_first'));
    return;
  }
  const problems = await showProblems(current.id);
  if (problems.length && !(await confirmAction(t('offer.print_anyway', { n: problems.length }), t('offer.print_anyway_button')))) return;
  try {
    if (how === 'open') {
      await api.openOfferPdf(current.id);
    } else {
      const path = await api.saveOfferPdf(current.id);
      if (path) toast(t('offer.pdf_saved', { path }));
    }
  } catch (err) {
    toast(err.message);
  }
}

function isNewest() {
  const revs = current.revisions ?? [];
  return !revs.length || revs[revs.length - 1].id === current.id;
}

function lockedText() {
  if (current.status === 'rejected') {
    const reason = named(reasonSettings().lost.find((r) => r.code === current.outcome?.reason)?.names) || current.outcome?.reason;
    const who = current.outcome?.competitor ? t('offer.rejected_for', { competitor: current.outcome.competitor }) : '';
    return `${t('offer.locked.rejected', { reason })} ${who}`.trim();
  }
  return t(`offer.locked.${current.status}`);
}

function input(name, value, attrs = {}) {
  const el = Object.assign(document.createElement('input'), { name, value: value ?? '', ...attrs });
  return el;
}

function removeButton(row, label) {
  const b = button('icon', '×');
  b.title = label;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', () => {
    row.remove();
    dirty = true;
    scheduleTotals();
  });
  return b;
}

function addLine(line, focus = false) {
  const tr = document.createElement('tr');
  tr.className = 'offer-line';
  tr.dataset.itemId = line.item_id ?? '';
  const code = input('l_code', line.code, { maxLength: 60, className: 'code' });
  code.setAttribute('aria-label', t('offer.code'));
  const description = Object.assign(document.createElement('textarea'), { name: 'l_description', rows: 2, maxLength: 4000, value: line.description ?? '' });
  description.setAttribute('aria-label', t('offer.description'));
  const quantity = input('l_quantity', String(line.quantity ?? 1), { inputMode: 'numeric', maxLength: 5, className: 'num short' });
  quantity.setAttribute('aria-label', t('offer.quantity'));
  const price = input('l_price', formatMinorUnits(line.unit_price ?? 0), { inputMode: 'decimal', maxLength: 20, className: 'num' });
  price.setAttribute('aria-label', t('offer.unit_price'));
  const discount = input('l_discount', line.discount_bp ? bpText(line.discount_bp) : '', { inputMode: 'decimal', maxLength: 6, className: 'num short' });
  discount.setAttribute('aria-label', t('offer.discount'));
  const vat = input('l_vat', bpText(line.vat_bp ?? defaultVat()), { inputMode: 'decimal', maxLength: 6, className: 'num short' });
  vat.setAttribute('aria-label', t('offer.vat'));
  const amount = cell('', 'num amount');
  const wrap = (el) => {
    const td = document.createElement('td');
    td.append(el);
    const err = document.createElement('small');
    err.className = 'field-error';
    td.append(err);
    return td;
  };
  const tdRemove = document.createElement('td');
  tdRemove.append(removeButton(tr, t('offer.remove_line')));
  tr.append(wrap(code), wrap(description), wrap(quantity), wrap(price), wrap(discount), wrap(vat), amount, tdRemove);
  $('offer-lines').append(tr);
  if (focus) description.focus();
}

function addTradeIn(ti, focus = false) {
  const row = document.createElement('div');
  row.className = 'line offer-trade-in';
  const description = input('t_description', ti.description, { maxLength: 500, placeholder: t('offer.trade_in_description') });
  description.setAttribute('aria-label', t('offer.trade_in_description'));
  const value = input('t_value', formatMinorUnits(ti.value ?? 0), { inputMode: 'decimal', maxLength: 20, className: 'num' });
  value.setAttribute('aria-label', t('offer.trade_in_value'));
  row.append(description, value, removeButton(row, t('offer.remove_trade_in')));
  $('offer-trade-ins').append(row);
  if (focus) value.select();
}

function addTradeInFromFleet() {
  const id = Number($('offer-fleet-pick').value);
  const line = fleetLines.find((l) => l.id === id);
  addTradeIn({ description: line ? fleetLabel(line) : '', value: 0 }, true);
  dirty = true;
  scheduleTotals();
}

async function searchPrices() {
  const text = $('offer-pick').value.trim();
  if (!text) {
    picks = [];
    $('offer-picks').replaceChildren();
    return;
  }
  try {
    picks = await api.priceItems({ text, valid_on: $('offer-form').elements.date.value || isoDay(0), limit: 12 });
  } catch (err) {
    toast(err.message);
    return;
  }
  const lang = $('offer-form').elements.language.value;
  $('offer-picks').replaceChildren(
    ...picks.map((item) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'offer-pick';
      const name = item.names[lang] || item.names.en || Object.values(item.names)[0] || '';
      b.textContent = `${item.code} · ${name} · ${money(item.price, item.currency)}`;
      if (!item.names[lang]) b.title = t('offer.pick_other_language');
      b.addEventListener('click', () => addPicked(item));
      b.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowDown') li.nextElementSibling?.querySelector('button')?.focus();
        if (e.key === 'ArrowUp') (li.previousElementSibling?.querySelector('button') ?? $('offer-pick')).focus();
      });
      li.append(b);
      return li;
    }),
  );
  if (!picks.length) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = t('offer.no_picks');
    $('offer-picks').append(li);
  }
}

async function addPicked(item) {
  const f = $('offer-form').elements;
  if (item.currency !== f.currency.value) toast(t('offer.other_currency', { currency: item.currency }));
  try {
    const line = await api.offerLine(item.id, f.language.value, 1);
    addLine(line);
    dirty = true;
    scheduleTotals();
  } catch (err) {
    toast(err.message);
  }
  $('offer-pick').value = '';
  $('offer-picks').replaceChildren();
  $('offer-pick').focus();
}

/** The builder's data as the core expects it; unreadable numbers become NaN markers the core refuses. */
function readForm() {
  const f = $('offer-form').elements;
  const num = (v, bad) => (v === null ? 0 : Number.isNaN(v) ? bad : v);
  const lines = [...$('offer-lines').querySelectorAll('tr')].map((tr) => {
    const q = (name) => tr.querySelector(`[name=${name}]`).value;
    return {
      item_id: tr.dataset.itemId ? Number(tr.dataset.itemId) : null,
      code: q('l_code'),
      description: q('l_description'),
      quantity: num(parseInteger(q('l_quantity')), -1),
      unit_price: num(parseMinorUnits(q('l_price').replace(/^-/, '')), Number.MAX_SAFE_INTEGER) * (q('l_price').trim().startsWith('-') ? -1 : 1),
      discount_bp: num(parsePercentBp(q('l_discount')), -1),
      vat_bp: num(parsePercentBp(q('l_vat')), -1),
    };
  });
  const tradeIns = [...$('offer-trade-ins').querySelectorAll('.offer-trade-in')].map((row) => ({
    description: row.querySelector('[name=t_description]').value,
    value: num(parseMinorUnits(row.querySelector('[name=t_value]').value), -1),
  }));
  const anyFinancing = ['fin_provider', 'fin_down', 'fin_months', 'fin_rate'].some((n) => f[n].value.trim());
  const financing = anyFinancing
    ? {
        provider: f.fin_provider.value.trim(),
        down_payment: num(parseMinorUnits(f.fin_down.value), -1),
        months: num(parseInteger(f.fin_months.value), 0),
        monthly_rate: num(parseMinorUnits(f.fin_rate.value), -1),
      }
    : null;
  return {
    customer_id: current.data.customer_id,
    deal_id: f.deal_id.value ? Number(f.deal_id.value) : null,
    language: f.language.value,
    currency: f.currency.value,
    date: f.date.value,
    valid_until: f.valid_until.value,
    lines,
    global_discount_bp: num(parsePercentBp(f.global_discount.value), -1),
    trade_ins: tradeIns,
    financing,
    payment_terms: f.payment_terms.value,
    delivery_time: f.delivery_time.value,
    notes: f.notes.value,
    salesperson_id: f.salesperson_id.value ? Number(f.salesperson_id.value) : null,
  };
}

function scheduleTotals() {
  clearTimeout(totalsTimer);
  totalsTimer = setTimeout(updateTotals, 120);
}

async function updateTotals() {
  if (!current || $('offer-form').hidden) return;
  const data = readForm();
  try {
    renderTotals(await api.offerTotals(data), data);
  } catch {
    // An amount out of range while typing: the save names the field.
  }
}

function renderTotals(totals, data = null) {
  const dl = $('offer-totals');
  dl.replaceChildren();
  if (!totals) return;
  const currency = (data ?? current.data).currency;
  const rows = $('offer-lines').querySelectorAll('tr');
  totals.lines.forEach((amount, i) => {
    const td = rows[i]?.querySelector('.amount');
    if (td) td.textContent = formatMinorUnits(amount);
  });
  const add = (label, value, cls = '') => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = money(value, currency);
    if (cls) {
      dt.className = cls;
      dd.className = cls;
    }
    dl.append(dt, dd);
  };
  add(t('offer.subtotal'), totals.subtotal);
  if (totals.global_discount) add(t('offer.global_discount_amount'), -totals.global_discount);
  for (const v of totals.vat) {
    add(t('offer.net_at', { rate: bpText(v.vat_bp) }), v.net);
    add(t('offer.vat_at', { rate: bpText(v.vat_bp) }), v.vat);
  }
  add(t('offer.gross'), totals.gross, 'strong');
  if (totals.trade_in) add(t('offer.trade_in_total'), -totals.trade_in);
  add(t('offer.to_pay'), totals.to_pay, 'strong total');
}

/** A random name for a new offer's first save (see `api.createOffer`). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function save() {
  if (!current || current.status !== 'draft') return;
  const form = $('offer-form');
  const data = readForm();
  try {
    const saved = current.id ? await api.updateOffer(current.id, current.version, data) : await api.createOffer(data, current.key);
    dirty = false;
    await reopen(saved.id);
    toast(t('offer.saved', { number: saved.number }));
  } catch (err) {
    showLineErrors(form, err);
  }
}

/** Marks the cells the core named (`lines.2.unit_price`), then the form's own fields. */
function showLineErrors(form, err) {
  showErrors(form, err, t('offer.fix_errors'));
  const rows = $('offer-lines').querySelectorAll('tr');
  const trades = $('offer-trade-ins').querySelectorAll('.offer-trade-in');
  const map = { description: 'l_description', quantity: 'l_quantity', unit_price: 'l_price', discount_bp: 'l_discount', vat_bp: 'l_vat' };
  let first = null;
  for (const f of err.fields ?? []) {
    let m = /^lines\.(\d+)\.(\w+)$/.exec(f.field);
    let el = null;
    if (m) el = rows[Number(m[1])]?.querySelector(`[name=${map[m[2]] ?? 'l_description'}]`);
    m = /^trade_ins\.(\d+)\.(\w+)$/.exec(f.field);
    if (m) el = trades[Number(m[1])]?.querySelector(m[2] === 'value' ? '[name=t_value]' : '[name=t_description]');
    if (f.field === 'global_discount_bp') el = form.elements.global_discount;
    if (!el) continue;
    el.setAttribute('aria-invalid', 'true');
    const slot = el.parentElement.querySelector('.field-error');
    if (slot) slot.textContent = f.message;
    first ??= el;
  }
  first?.focus();
}

async function reopen(id) {
  const view = await api.offerView(id);
  setCurrent(view);
  renderBuilder();
}

async function act(call, toastKey) {
  if (dirty && current.status === 'draft') {
    toast(t('offer.save_first'));
    return;
  }
  try {
    const o = await call();
    await reopen(o.id);
    toast(t(toastKey, { number: o.number, n: o.revision }));
  } catch (err) {
    toast(err.message);
    if (err.code === 'conflict' || err.code === 'offer_state') await reopen(current.id);
  }
}

async function discard() {
  if (!(await confirmAction(t('offer.discard_question', { number: current.number }), t('offer.discard')))) return;
  try {
    await api.discardOffer(current.id, current.version);
    dirty = false;
    toast(t('offer.discarded', { number: current.number }));
    current = null;
    $('offer-form').hidden = true;
    $('offers-list-view').hidden = false;
    refresh();
  } catch (err) {
    toast(err.message);
  }
}

/** Accept, reject or expire: the dialog asks what the status needs, and whether to close the deal. */
function decide(status) {
  if (dirty && current.status === 'draft') {
    toast(t('offer.save_first'));
    return;
  }
  const dialog = $('offer-decide-dialog');
  const form = $('offer-decide-form');
  clearErrors(form);
  form.reset();
  $('offer-decide-title').textContent = t(`offer.decide.${status}`, { number: current.number });
  form.querySelector('[data-reject]').hidden = status !== 'rejected';
  const hasDeal = Boolean(current.data.deal_id) && status !== 'expired';
  form.querySelector('[data-deal]').hidden = !hasDeal;
  $('offer-decide-deal').textContent = status === 'accepted' ? t('offer.close_deal_won') : t('offer.close_deal_lost');
  form.elements.reason.replaceChildren(
    new Option(t('field.choose'), ''),
    ...reasonSettings().lost.filter((r) => !r.retired).map((r) => new Option(named(r.names), r.code)),
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const price = parseMinorUnits(form.elements.competitor_price.value);
    if (Number.isNaN(price)) {
      showErrors(form, { code: 'validation', message: t('validation.amount'), fields: [{ field: 'competitor_price', message: t('validation.amount') }] });
      return;
    }
    const decision = {
      status,
      reason: form.elements.reason.value,
      competitor: form.elements.competitor.value,
      competitor_price: price,
      close_deal: hasDeal && form.elements.close_deal.checked,
    };
    try {
      const o = await api.decideOffer(current.id, current.version, decision);
      dialog.close();
      await reopen(o.id);
      toast(t(`offer.decided.${status}`, { number: o.number }));
    } catch (err) {
      showErrors(form, err);
    }
  };
  dialog.showModal();
  (status === 'rejected' ? form.elements.reason : form.querySelector('[type=submit]')).focus();
}

export function openDealOf() {
  if (current?.data.deal_id) openDeal(current.data.deal_id);
}
