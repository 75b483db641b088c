// Campaigns: the table compares every campaign's results with its cost; a row opens the
// campaign's form and, once started, its list, where keys 1 to 4 record each customer's answer
// (an interested one becomes a lead in the funnel).

import { api } from '../ipc.js';
import { formatDate, formatInteger, formatMinorUnits, isoDay, parseMinorUnits, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { userName } from '../users.js';
import { fillSourceSelect, loadProcess, moneyShort } from '../process.js';
import { $, button } from '../dom.js';

const form = $('campaign-form');
const CHANNELS = ['phone', 'visit', 'mailing', 'event'];
const RESPONSES = ['interested', 'not_now', 'not_interested', 'wrong_contact'];
let choices = null;
let rows = [];
let segments = [];
let current = null; // the campaign row being edited ({campaign, results}), or null for a new one
let targets = [];
let openCustomer = () => {};
let openFunnel = () => {};

export function init(info, open, funnel) {
  choices = info.choices;
  openCustomer = open;
  openFunnel = funnel;
  $('campaign-new').addEventListener('click', () => edit(null));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.querySelector('.cancel').addEventListener('click', () => {
    form.hidden = true;
    $('campaign-list').hidden = true;
    current = null;
    render();
  });
  $('campaign-start').addEventListener('click', start);
  $('campaign-export').addEventListener('click', exportList);
  $('campaign-targets').addEventListener('keydown', onListKey);
  relabel();
}

export function relabel() {
  if (!choices) return;
  const keep = (select, options) => {
    const value = select.value;
    select.replaceChildren(...options);
    select.value = value;
  };
  keep(form.elements.channel, CHANNELS.map((c) => new Option(t(`campaign.channel.${c}`), c)));
  keep(form.elements.currency, choices.currencies.map((c) => new Option(c, c)));
  $('campaign-form-title').textContent = current ? t('campaigns.edit_title', { name: current.campaign.name }) : t('campaigns.new_title');
  render();
  if (current?.campaign.started_at) renderTargets();
}

export async function shown() {
  try {
    await loadProcess();
    segments = await api.segments();
  } catch (err) {
    toast(err.message);
  }
  fillSegments();
  await refresh();
}

/** Opens a campaign (from the agenda), its list on the row of `customerId`. */
export async function openCampaign(id, customerId) {
  await shown();
  const row = rows.find((r) => r.campaign.id === id);
  if (row) await edit(row, customerId);
}

export function keydown(e) {
  if ((e.ctrlKey || e.metaKey) && e.key === 's' && !form.hidden) {
    e.preventDefault();
    save();
  }
}

function fillSegments() {
  const select = form.elements.segment_id;
  const value = select.value;
  const options = segments.map((s) => new Option(s.name, String(s.id)));
  // A started campaign keeps the segment its list came from, even one deleted since.
  const own = current?.campaign;
  if (own?.segment_id && !segments.some((s) => s.id === own.segment_id)) {
    options.push(new Option(own.segment_name || String(own.segment_id), String(own.segment_id)));
  }
  select.replaceChildren(new Option('', ''), ...options);
  select.value = value;
}

async function refresh() {
  try {
    rows = await api.campaigns();
  } catch (err) {
    toast(err.message);
    return;
  }
  if (current) current = rows.find((r) => r.campaign.id === current.campaign.id) ?? current;
  render();
  if (current) summarise();
}

function status(c) {
  const today = isoDay();
  if (!c.started_at) return 'preparing';
  if (today < c.starts_on) return 'planned';
  return today > c.ends_on ? 'ended' : 'running';
}

function money(value, currency) {
  return value == null ? '' : moneyShort(value, currency);
}

function render() {
  $('campaign-none').hidden = rows.length > 0;
  $('campaign-rows').replaceChildren(...rows.map((row) => {
    const c = row.campaign;
    const r = row.results;
    const tr = document.createElement('tr');
    tr.className = 'segment-row';
    tr.tabIndex = 0;
    tr.classList.toggle('selected', current?.campaign.id === c.id);
    const cells = [
      [c.name, ''],
      [t(`campaign.channel.${c.channel}`), ''],
      [`${formatDate(c.starts_on)} – ${formatDate(c.ends_on)}`, ''],
      [t(`campaigns.status.${status(c)}`), ''],
      [formatInteger(r.targets), 'num'],
      [formatInteger(r.contacts), 'num'],
      [formatInteger(r.leads), 'num'],
      [formatInteger(r.won_deals), 'num'],
      [r.won.map(([cur, v]) => moneyShort(v, cur)).join(' + '), 'num'],
      [`${money(r.cost, c.currency)} / ${money(r.budget, c.currency)}`, 'num'],
      [money(r.cost_per_lead, c.currency), 'num'],
      [money(r.cost_per_won_deal, c.currency), 'num'],
    ];
    tr.append(...cells.map(([text, cls]) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      return td;
    }));
    tr.addEventListener('click', () => edit(row));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') edit(row);
    });
    return tr;
  }));
}

async function edit(row, focusCustomer = null) {
  current = row;
  clearErrors(form);
  form.hidden = false;
  fillSegments();
  const c = row?.campaign;
  const e = form.elements;
  e.name.value = c?.name ?? '';
  e.segment_id.value = c?.segment_id ? String(c.segment_id) : '';
  e.segment_id.disabled = !!c?.started_at;
  e.channel.value = c?.channel ?? 'phone';
  e.starts_on.value = c?.starts_on ?? isoDay();
  e.ends_on.value = c?.ends_on ?? isoDay(30);
  e.budget.value = c ? formatMinorUnits(c.budget) : '';
  e.spent.value = c?.spent == null ? '' : formatMinorUnits(c.spent);
  e.currency.value = c?.currency ?? choices.currencies[0];
  e.products.value = c?.products ?? '';
  fillSourceSelect(e.lead_source, c?.lead_source ?? 'central_marketing');
  $('campaign-start').hidden = !c || !!c.started_at;
  $('campaign-export').hidden = !c?.started_at;
  $('campaign-form-title').textContent = c ? t('campaigns.edit_title', { name: c.name }) : t('campaigns.new_title');
  render();
  $('campaign-list').hidden = !c?.started_at;
  if (c?.started_at) {
    await loadTargets();
    summarise();
    const index = Math.max(0, targets.findIndex((x) => x.customer_id === focusCustomer));
    $('campaign-targets').children[index]?.focus();
  } else {
    e.name.focus();
  }
}

function readForm() {
  const e = form.elements;
  const problems = [];
  const amount = (name) => {
    const v = parseMinorUnits(e[name].value);
    if (Number.isNaN(v)) problems.push({ field: name, message: t('validation.turnover') });
    return Number.isNaN(v) ? null : v;
  };
  const data = {
    name: e.name.value,
    segment_id: e.segment_id.value ? Number(e.segment_id.value) : null,
    channel: e.channel.value,
    starts_on: e.starts_on.value,
    ends_on: e.ends_on.value,
    budget: amount('budget') ?? 0,
    spent: amount('spent'),
    currency: e.currency.value,
    products: e.products.value,
    lead_source: e.lead_source.value,
  };
  return { data, problems };
}

async function save() {
  const { data, problems } = readForm();
  if (problems.length) {
    showErrors(form, { code: 'validation', message: t('campaigns.fix'), fields: problems });
    return;
  }
  let saved;
  try {
    saved = current
      ? await api.updateCampaign(current.campaign.id, current.campaign.version, data)
      : await api.createCampaign(data);
  } catch (err) {
    showErrors(form, err, t('campaigns.fix'));
    return;
  }
  toast(t('campaigns.saved', { name: saved.name }));
  current = { campaign: saved, results: current?.results ?? null };
  await refresh();
  await edit(rows.find((r) => r.campaign.id === saved.id) ?? current);
}

async function start() {
  const c = current?.campaign;
  if (!c) return;
  const segment = form.elements.segment_id.selectedOptions[0]?.text ?? '';
  if (!(await confirmAction(t('campaigns.start_confirm', { segment }), t('campaigns.start_ok')))) return;
  let row;
  try {
    row = await api.startCampaign(c.id, c.version);
  } catch (err) {
    showErrors(form, err, t('campaigns.fix'));
    return;
  }
  toast(t('campaigns.started', { count: formatInteger(row.results.targets), name: row.campaign.name }));
  await refresh();
  await edit(row);
}

async function loadTargets() {
  try {
    targets = await api.campaignTargets(current.campaign.id);
  } catch (err) {
    toast(err.message);
    targets = [];
  }
  renderTargets();
}

function renderTargets() {
  $('campaign-count').textContent = formatInteger(targets.length);
  $('campaign-targets').replaceChildren(...targets.map((x, i) => targetRow(x, i)));
}

function targetRow(x, index) {
  const tr = document.createElement('tr');
  tr.className = 'segment-customer campaign-target';
  tr.tabIndex = 0;
  tr.dataset.index = index;
  tr.dataset.response = x.response ?? '';
  const name = document.createElement('td');
  const link = button('link', x.customer);
  link.tabIndex = -1;
  link.addEventListener('click', () => openCustomer(x.customer_id));
  name.append(link);
  const cell = (text) => {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  };
  const answer = cell(x.response ? t(`campaign.response.${x.response}`) : '');
  answer.className = 'response';
  const buttons = document.createElement('td');
  buttons.className = 'responses';
  RESPONSES.forEach((r, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.tabIndex = -1;
    b.dataset.response = r;
    b.textContent = `${i + 1} ${t(`campaign.response.${r}`)}`;
    b.classList.toggle('chosen', x.response === r);
    b.addEventListener('click', () => respond(index, r));
    buttons.append(b);
  });
  tr.append(name, cell(x.city), cell(x.phone), cell(x.owner_id ? userName(x.owner_id) : ''), answer, buttons);
  return tr;
}

function onListKey(e) {
  const row = e.target.closest('tr.campaign-target');
  if (!row) return;
  const index = Number(row.dataset.index);
  const list = $('campaign-targets').children;
  if (e.key >= '1' && e.key <= '4' && !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    respond(index, RESPONSES[Number(e.key) - 1]);
  } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    list[index + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
  } else if (e.key === 'Enter') {
    openCustomer(targets[index].customer_id);
  }
}

async function respond(index, response) {
  const x = targets[index];
  let saved;
  try {
    saved = await api.campaignRespond(current.campaign.id, x.customer_id, response);
  } catch (err) {
    toast(err.message);
    return;
  }
  targets[index] = saved;
  const list = $('campaign-targets');
  const row = targetRow(saved, index);
  list.children[index].replaceWith(row);
  // The next customer without an answer is next to call.
  const next = targets.findIndex((t2, i) => i > index && !t2.response);
  (list.children[next >= 0 ? next : index] ?? row).focus();
  if (response === 'interested' && !x.lead_id && saved.lead_id) {
    toast(t('campaigns.lead_toast', { customer: saved.customer }), { label: t('campaigns.open_funnel'), run: openFunnel });
  }
  await refresh();
}

function summarise() {
  const r = current?.results;
  $('campaign-summary').textContent = r
    ? t('campaigns.summary', {
      contacts: formatInteger(r.contacts),
      targets: formatInteger(r.targets),
      leads: formatInteger(r.leads),
      won_deals: formatInteger(r.won_deals),
    })
    : '';
}

async function exportList() {
  try {
    const done = await api.exportMailingList(current.campaign.id);
    if (done) toast(t('campaigns.exported', { count: formatInteger(done.rows), path: done.path }));
  } catch (err) {
    toast(err.message);
  }
}
