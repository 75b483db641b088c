// The renewal radar: vehicles due for renewal in the next months, one row per customer with
// a column per month, competitors' vehicles first (those are the ones to win). A row opens on
// its fleet lines; from a line, one click starts a deal for those vehicles, or plans the
// next action for that customer.

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatMonth, isoDay, isoNow, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { myId } from '../users.js';
import { categoryLabel } from '../fleet-common.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const dialog = $('renewal-dialog');
const form = $('renewal-form');
const MONTHS = [3, 6, 12, 24];
const SORTS = ['competitors', 'volume', 'date'];
let radar = null;
let planning = null; // {customer, line} the dialog plans an action for
let openCustomer = () => {};
let openDeal = () => {};
let seq = 0;

export function init(open, openDealPage) {
  openCustomer = open;
  openDeal = openDealPage;
  $('renewals-months').addEventListener('change', refresh);
  $('renewals-sort').addEventListener('change', refresh);
  $('renewals-mine').addEventListener('change', refresh);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    createAction();
  });
  form.querySelector('.cancel').addEventListener('click', () => dialog.close());
  listen('fleet-settings', () => {
    if (!$('screen-renewals').hidden) refresh();
  });
  relabel();
  $('renewals-months').value = '12';
}

export function relabel() {
  const months = $('renewals-months');
  const keepMonths = months.value || '12';
  months.replaceChildren(...MONTHS.map((m) => new Option(t('renewals.next_months', { months: m }), String(m))));
  months.value = keepMonths;
  const sort = $('renewals-sort');
  const keepSort = sort.value || 'competitors';
  sort.replaceChildren(...SORTS.map((s) => new Option(t(`renewals.sort.${s}`), s)));
  sort.value = keepSort;
  form.elements.next_kind.replaceChildren(...['phone', 'visit', 'email'].map((k) => new Option(t(`kind.${k}`), k)));
  if (radar) render();
}

export async function shown() {
  await refresh();
}

export async function refresh() {
  const mine = ++seq;
  const query = {
    months: Number($('renewals-months').value) || 12,
    sort: $('renewals-sort').value || 'competitors',
    owner_id: $('renewals-mine').checked ? myId() : null,
    limit: 300,
  };
  try {
    const got = await api.renewalRadar(query);
    if (mine !== seq) return;
    radar = got;
    render();
  } catch (err) {
    toast(err.message);
  }
}

function counts(m, className = 'cell') {
  const span = document.createElement('span');
  span.className = className;
  if (m.vehicles) {
    span.classList.add('due');
    if (m.competitor) span.classList.add('theirs');
    span.textContent = formatInteger(m.vehicles);
    span.title = t('renewals.cell_title', { vehicles: formatInteger(m.vehicles), competitor: formatInteger(m.competitor) });
  }
  return span;
}

function render() {
  $('renewals-summary').textContent = radar.vehicles
    ? t('renewals.summary', {
      vehicles: formatInteger(radar.vehicles),
      competitor: formatInteger(radar.competitor),
      customers: formatInteger(radar.customer_count),
      from: formatDate(radar.from),
      until: formatDate(radar.until),
    }) + (radar.customer_count > radar.customers.length ? ` ${t('renewals.first_n', { n: radar.customers.length })}` : '')
    : t('renewals.none', { from: formatDate(radar.from), until: formatDate(radar.until) });

  const head = $('renewals-head');
  head.style.setProperty('--months', radar.months.length);
  const title = (text, className) => {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = text;
    return s;
  };
  head.replaceChildren(
    title(t('renewals.customer'), 'radar-who'),
    title(t('renewals.competitor_vehicles'), 'total'),
    title(t('renewals.vehicles'), 'total'),
    ...radar.months.map((m) => title(formatMonth(m.month), 'cell month')),
  );
  head.hidden = radar.customers.length === 0;

  $('renewals-list').replaceChildren(...radar.customers.map((c) => {
    const details = document.createElement('details');
    details.className = 'radar-customer';
    details.dataset.customerId = c.customer_id;
    const summary = document.createElement('summary');
    summary.className = 'radar-row';
    summary.style.setProperty('--months', c.months.length);
    const who = document.createElement('span');
    who.className = 'radar-who';
    const name = document.createElement('strong');
    name.textContent = c.name;
    const city = document.createElement('span');
    city.className = 'muted';
    city.textContent = c.city ? ` · ${c.city}` : '';
    who.append(name, city);
    summary.append(
      who,
      title(formatInteger(c.competitor), 'total theirs-total'),
      title(formatInteger(c.vehicles), 'total'),
      ...c.months.map((m) => counts(m)),
    );
    const lines = document.createElement('ul');
    lines.className = 'radar-lines';
    for (const l of c.lines) {
      const li = document.createElement('li');
      li.className = l.ours ? 'ours' : 'theirs';
      const text = document.createElement('span');
      text.textContent = [
        formatDate(l.renewal_due),
        `${formatInteger(l.vehicles)} × ${l.brand} ${l.model}`.trim(),
        categoryLabel(l.category),
        l.ours ? t('fleet.ours') : t('renewals.competitor'),
      ].join(' · ');
      const plan = button('plan', t('renewals.plan'), () => openPlan(c, l));
      const deal = button('start-deal', t('renewals.start_deal'), () => startDeal(c, l, deal));
      li.append(text, deal, plan);
      lines.append(li);
    }
    const open = button('link', t('renewals.open_card'), () => openCustomer(c.customer_id));
    details.append(summary, lines, open);
    return details;
  }));
}

/** A deal for the customer, prefilled with the vehicles of this line (the renewal radar's source). */
async function startDeal(customer, line, button) {
  button.disabled = true;
  try {
    const deal = await api.startDeal(customer.customer_id, [{
      category: line.category,
      count: line.vehicles,
      model: `${line.brand} ${line.model}`.trim(),
      source: 'radar',
      vehicle_id: line.line_id,
    }]);
    toast(t('renewals.deal_started', { name: customer.name }), {
      label: t('renewals.open_deal'),
      run: () => openDeal(deal.id),
    });
  } catch (err) {
    toast(err.message);
  } finally {
    button.disabled = false;
  }
}

function openPlan(customer, line) {
  planning = { customer, line };
  clearErrors(form);
  const what = t('renewals.action_text', {
    vehicles: formatInteger(line.vehicles),
    brand: `${line.brand} ${line.model}`.trim(),
    date: formatDate(line.renewal_due),
  });
  $('renewal-what').textContent = `${customer.name}: ${what}`;
  form.elements.next_action.value = what;
  form.elements.next_kind.value = line.ours ? 'phone' : 'visit';
  form.elements.next_due.value = isoDay(3);
  dialog.showModal();
  form.elements.next_action.focus();
}

async function createAction() {
  const f = form.elements;
  const { customer, line } = planning;
  try {
    await api.logContact(customer.customer_id, {
      happened_at: isoNow(),
      kind: 'other',
      user_id: myId(),
      duration_min: 0,
      agreed: t('renewals.agreed', {
        vehicles: formatInteger(line.vehicles),
        brand: `${line.brand} ${line.model}`.trim(),
        date: formatDate(line.renewal_due),
      }),
      next_action: f.next_action.value,
      next_kind: f.next_kind.value,
      next_due: f.next_due.value || null,
      next_user_id: myId(),
    });
    dialog.close();
    toast(t('renewals.action_created', { name: customer.name }), {
      label: t('renewals.open_card'),
      run: () => openCustomer(customer.customer_id),
    });
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}
