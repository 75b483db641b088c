// The customer card's Deals tab: the customer's deals in every stage, a new deal in one
// action, and leads recorded from a source (a fair, the web…).

import { api } from '../ipc.js';
import { formatDate, isoDay, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { editDeal } from '../deal-dialogs.js';
import { fillSourceSelect, loadProcess, moneyShort, sourceName, stageName } from '../process.js';
import { myId } from '../users.js';
import { listFor, newOffer, offerItems } from './offers.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

let customer = null;
let openDeal = () => {};

export function init(info, open) {
  openDeal = open;
  listen('process', () => fillSources());
  $('card-deal-new').addEventListener('click', newDeal);
  $('card-offer-new').addEventListener('click', () => customer && newOffer(customer.id));
  $('lead-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = $('lead-form');
    try {
      await api.createLead(customer.id, { source: form.elements.source.value, received_on: form.elements.received_on.value, owner_id: customer.owner_id ?? myId(), note: '' });
      clearErrors(form);
      toast(t('lead.added'));
      await load(customer);
    } catch (err) {
      showErrors(form, err);
      toast(err.message);
    }
  });
  relabel();
}

/** A new lead comes from one of the office's sources in use (the customer's own first). */
function fillSources() {
  const select = $('lead-form').elements.source;
  const keep = select.value;
  fillSourceSelect(select, null);
  const usable = (code) => code && [...select.options].some((o) => o.value === code);
  select.value = usable(keep) ? keep : usable(customer?.lead_source) ? customer.lead_source : select.options[0]?.value ?? '';
}

export function relabel() {
  fillSources();
  if (customer) render();
}

let deals = [];
let leads = [];
let offers = [];

/** Shows the deals and leads of `c` (the customer card's record). */
export async function load(c) {
  customer = c;
  $('lead-form').elements.received_on.value = isoDay();
  $('lead-form').elements.source.value = '';
  [deals, leads, offers] = await Promise.all([
    api.deals({ customer_id: c.id, status: 'all', limit: 200 }),
    api.leads(false, null, c.id),
    listFor({ customer_id: c.id }),
    loadProcess(),
  ]);
  fillSources();
  render();
}

function render() {
  $('deals-count').textContent = deals.filter((d) => !d.closed_on).length || '';
  $('card-deals').replaceChildren(...deals.map((d) => {
    const li = document.createElement('li');
    li.className = 'deal-line';
    const link = button('link', d.title, () => openDeal(d.id));
    const meta = document.createElement('div');
    meta.className = 'meta';
    const when = d.closed_on ? formatDate(d.closed_on) : d.expected_close ? t('deal.closes', { date: formatDate(d.expected_close) }) : '';
    meta.textContent = [stageName(d.stage_id), moneyShort(d.value, d.currency), when].filter(Boolean).join(' · ');
    li.append(link, meta);
    return li;
  }));
  if (!deals.length) $('card-deals').append(Object.assign(document.createElement('li'), { className: 'muted', textContent: t('deal.none') }));
  $('card-offers').replaceChildren(...offerItems(offers));
  if (!offers.length) $('card-offers').append(Object.assign(document.createElement('li'), { className: 'muted', textContent: t('offers.none') }));
  $('card-leads').replaceChildren(...leads.map((l) => {
    const li = document.createElement('li');
    li.className = 'deal-line';
    li.textContent = [sourceName(l.source), t('lead.received', { date: formatDate(l.received_on) }), t(`lead.status.${l.status}`)].join(' · ');
    return li;
  }));
}

async function newDeal() {
  if (!customer) return;
  const c = customer;
  const deal = await editDeal({ customer: { id: c.id, name: c.name, currency: c.turnover_currency, owner_id: c.owner_id } });
  if (deal) {
    toast(t('deal.created'));
    await load(customer);
  }
}

export function current() {
  return customer;
}
