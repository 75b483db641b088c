// The funnel screen: the board (drag a deal to another stage, or move it with ←/→), the list
// with its filters, the funnel chart (SVG drawn from the numbers Rust computed) with the three
// forecasts, stalled deals and forecast accuracy, the leads, and the deal page.

import { drawn } from '../marks.js';
import { api } from '../ipc.js';
import { formatDate, formatDateTime, formatInteger, formatLocalDateTime, language, parseMinorUnits, t } from '../i18n.js';
import { toast } from '../notify.js';
import { disqualifyLead, editDeal, moveDeal } from '../deal-dialogs.js';
import {
  ladder, loadProcess, money, moneyShort, named, ofKind, processSettings, reasonName, sourceName, stage, stageName,
} from '../process.js';
import { fillWhoseSelect, manages, userInitials, userName, whose } from '../users.js';
import { showChanges } from './changes.js';
import { listFor, newOffer, offerItems } from './offers.js';
import { $, el, svg } from '../dom.js';
import { listen } from '../signals.js';

let view = 'board';
let back = 'board'; // the view the deal page returns to
let openCustomer = () => {};
let currency = ''; // the currency chosen; empty: the one most used
let page = null; // the deal view on the deal page
let seq = 0;

export function init(info, open) {
  openCustomer = open;
  listen('user', relabel);
  for (const tab of document.querySelectorAll('.view-tab')) tab.addEventListener('click', () => showView(tab.dataset.view));
  for (const id of ['funnel-owner', 'funnel-from', 'funnel-to']) $(id).addEventListener('change', refresh);
  $('funnel-currency').addEventListener('change', () => {
    currency = $('funnel-currency').value;
    refresh();
  });
  $('deal-filters').addEventListener('change', () => refresh());
  $('deal-filters').addEventListener('submit', (e) => e.preventDefault());
  for (const r of document.querySelectorAll('[name=chart-measure]')) r.addEventListener('change', refresh);
  $('deal-back').addEventListener('click', () => showView(back));
  $('deal-edit').addEventListener('click', editPage);
  $('deal-offer-new').addEventListener('click', newOfferForPage);
  $('deal-changes').addEventListener('click', () => {
    if (page) showChanges('deal', page.view.deal.id, page.view.deal.title);
  });
  $('deal-won').addEventListener('click', () => movePage(ofKind('won').id));
  $('deal-lost').addEventListener('click', () => movePage(ofKind('lost').id));
  $('deal-postpone').addEventListener('click', () => movePage(ofKind('postponed').id));
  $('deal-next').addEventListener('click', () => {
    if (page?.next) movePage(page.next);
  });
  loadProcess().then(relabel).catch((err) => toast(err.message));
}

export function relabel() {
  fillWhose();
  const status = $('deal-filters').elements.status;
  const keep = status.value || 'open';
  status.replaceChildren(...['open', 'closed', 'all'].map((s) => new Option(t(`list.status.${s}`), s)));
  status.value = keep;
  fillStageFilter();
  if (!$('screen-funnel').hidden) refresh();
}

function fillStageFilter() {
  const select = $('deal-filters').elements.stage_id;
  const keep = select.value;
  select.replaceChildren(new Option(t('list.any_stage'), ''), ...processSettings().stages.map((s) => new Option(named(s.names), String(s.id))));
  select.value = keep;
}

/** Mine, everyone, or (for anyone) a colleague. The manager starts with everyone. */
function fillWhose() {
  fillWhoseSelect($('funnel-owner'), { everyone: true, colleagues: true, first: manages() ? 'all' : 'me' });
}

function owner() {
  return whose($('funnel-owner'));
}

function period() {
  return { from: $('funnel-from').value || null, to: $('funnel-to').value || null };
}

export async function shown() {
  await loadProcess().catch((err) => toast(err.message));
  fillWhose();
  fillStageFilter();
  // A deal page asked for (from the card, the agenda) stays; Back leads to the views.
  if (view !== 'deal') showView(view);
}

/** The next time the funnel shows, it shows the leads (a campaign just made one). */
export function showLeads() {
  view = 'leads';
}

export function keydown(e) {
  if (e.key === 'Escape' && view === 'deal' && !document.querySelector('dialog[open]')) {
    e.preventDefault();
    showView(back);
  }
}

function showView(name) {
  view = name;
  for (const tab of document.querySelectorAll('.view-tab')) {
    tab.classList.toggle('active', tab.dataset.view === name);
    tab.setAttribute('aria-selected', String(tab.dataset.view === name));
  }
  for (const v of ['board', 'list', 'chart', 'leads']) $(`view-${v}`).hidden = v !== name;
  $('deal-page').hidden = name !== 'deal';
  // The period applies to the list, the chart and the leads; the board shows what is open now.
  for (const el of document.querySelectorAll('[data-period]')) el.hidden = name === 'board' || name === 'deal';
  // Leads are counted, not valued.
  $('funnel-currency').closest('label').hidden = name === 'leads' || name === 'deal';
  if (name !== 'deal') refresh();
}

function fillCurrencies(list, used) {
  const select = $('funnel-currency');
  const all = list.includes(used) ? list : [used, ...list];
  select.replaceChildren(...all.map((c) => new Option(c, c)));
  select.value = used;
}

export async function refresh() {
  const mine = ++seq;
  try {
    if (view === 'board') await drawBoard(mine);
    else if (view === 'list') await drawList(mine);
    else if (view === 'chart') await drawChart(mine);
    else if (view === 'leads') await drawLeads(mine);
  } catch (err) {
    toast(err.message);
  }
}

// --- small builders ---

function badge(text, kind) {
  return el('span', `badge ${kind}`, text);
}

function flags(d) {
  const out = [];
  if (d.over_stage_days) out.push(badge(t('deal.stalled_days', { days: d.days_in_stage }), 'warn'));
  if (d.past_close) out.push(badge(t('deal.past_close'), 'warn'));
  if (d.commit) out.push(badge(t('deal.commit'), 'main'));
  return out;
}

// --- the board ---

async function drawBoard(mine) {
  const board = await api.board(owner(), currency || null);
  if (mine !== seq) return;
  fillCurrencies(board.currencies, board.currency);
  const columns = board.columns.map((c) => {
    const s = stage(c.stage_id);
    const col = el('section', `column kind-${s.kind}`);
    col.dataset.stage = s.id;
    col.setAttribute('aria-label', named(s.names));
    const head = el('header', 'column-head');
    head.append(el('strong', 'column-name', named(s.names)), el('span', 'prob', `${s.probability}%`));
    const sums = el('div', 'column-sums');
    sums.append(
      el('span', null, t('board.count', { count: c.totals.deals })),
      el('span', null, moneyShort(c.totals.raw, board.currency)),
    );
    if (s.kind === 'open') sums.append(el('span', 'muted', t('board.weighted', { amount: moneyShort(c.totals.weighted, board.currency) })));
    if (s.kind !== 'open') sums.append(el('span', 'muted', t('board.this_month')));
    head.append(sums);
    const list = el('ul', 'cards');
    list.append(...c.deals.map(card));
    if (c.totals.deals > c.deals.length) list.append(el('li', 'more muted', t('board.more', { count: c.totals.deals - c.deals.length })));
    col.append(head, list);
    col.addEventListener('dragover', (e) => {
      e.preventDefault();
      col.classList.add('drop');
    });
    col.addEventListener('dragleave', () => col.classList.remove('drop'));
    col.addEventListener('drop', (e) => {
      e.preventDefault();
      col.classList.remove('drop');
      const id = Number(e.dataTransfer.getData('text/plain'));
      if (id) startMove(id, s.id);
    });
    return col;
  });
  $('board').replaceChildren(...columns);
  drawn('board');
}

function card(d) {
  const li = el('li', 'deal-card');
  li.tabIndex = 0;
  li.draggable = true;
  li.dataset.id = d.id;
  li.append(el('div', 'cust', d.customer_name), el('div', 'what', d.title));
  const meta = el('div', 'meta');
  meta.append(el('span', 'value', moneyShort(d.value, d.currency)));
  const when = d.closed_on ? formatDate(d.closed_on) : d.expected_close ? formatDate(d.expected_close) : '';
  if (when) meta.append(el('span', null, when));
  if (d.owner_id) meta.append(el('span', 'initials', userInitials(d.owner_id)));
  li.append(meta);
  const f = flags(d);
  if (f.length) {
    const row = el('div', 'flags');
    row.append(...f);
    li.append(row);
  }
  li.title = t('board.card_hint');
  li.addEventListener('dragstart', (e) => {
    e.dataTransfer.setData('text/plain', String(d.id));
    e.dataTransfer.effectAllowed = 'move';
  });
  li.addEventListener('click', () => openDeal(d.id, 'board'));
  li.addEventListener('keydown', (e) => boardKeys(e, d, li));
  return li;
}

/** ←/→ move the deal one stage, ↑/↓ go through the column, Enter opens it. */
function boardKeys(e, d, li) {
  if (e.key === 'Enter') {
    e.preventDefault();
    openDeal(d.id, 'board');
  } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const sibling = e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
    if (sibling?.classList.contains('deal-card')) sibling.focus();
  } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && !d.closed_on) {
    e.preventDefault();
    const steps = ladder().filter((s) => !s.retired);
    const i = steps.findIndex((s) => s.id === d.stage_id);
    const next = steps[i + (e.key === 'ArrowRight' ? 1 : -1)];
    if (i >= 0 && next) startMove(d.id, next.id);
  }
}

async function startMove(id, toId) {
  try {
    const v = await api.dealView(id);
    if (v.deal.stage_id === toId) return;
    const moved = await moveDeal(v.deal, toId);
    if (moved) {
      toast(t('move.done', { title: moved.title, stage: stageName(moved.stage_id) }));
      await refresh();
      if (view === 'board') document.querySelector(`.deal-card[data-id="${moved.id}"]`)?.focus();
      if (view === 'deal') await openDeal(moved.id, back);
    }
  } catch (err) {
    toast(err.message);
  }
}

// --- the list ---

function listQuery() {
  const f = $('deal-filters').elements;
  const min = parseMinorUnits(f.min_value.value);
  const max = parseMinorUnits(f.max_value.value);
  return {
    owner_id: owner(),
    stage_id: f.stage_id.value ? Number(f.stage_id.value) : null,
    status: f.status.value,
    close_month: f.close_month.value || null,
    min_value: Number.isNaN(min) ? null : min,
    max_value: Number.isNaN(max) ? null : max,
    currency: $('funnel-currency').value || currency || null,
    stalled: f.stalled.checked,
    ...period(),
    limit: 500,
  };
}

async function drawList(mine) {
  const rows = await api.deals(listQuery());
  if (mine !== seq) return;
  $('list-count').textContent = rows.length >= 500 ? t('list.count_more', { count: rows.length }) : t('list.count', { count: rows.length });
  $('deal-rows').replaceChildren(...rows.map((d) => {
    const tr = el('tr', 'deal-row');
    tr.tabIndex = 0;
    tr.dataset.id = d.id;
    const title = el('td');
    title.append(el('span', null, d.title), ...flags(d));
    tr.append(
      el('td', null, d.customer_name),
      title,
      el('td', null, stageName(d.stage_id)),
      el('td', 'num', moneyShort(d.value, d.currency)),
      el('td', 'num', moneyShort(d.weighted, d.currency)),
      el('td', null, formatDate(d.closed_on ?? d.expected_close ?? '')),
      el('td', null, userInitials(d.owner_id)),
      el('td', 'num', formatInteger(d.days_in_stage)),
    );
    tr.addEventListener('click', () => openDeal(d.id, 'list'));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') openDeal(d.id, 'list');
      if (e.key === 'ArrowDown') tr.nextElementSibling?.focus();
      if (e.key === 'ArrowUp') tr.previousElementSibling?.focus();
    });
    return tr;
  }));
}

/** The list of one stage's deals, from a click on the chart. */
function listStage(stageId) {
  const f = $('deal-filters').elements;
  f.stage_id.value = String(stageId);
  f.status.value = stage(stageId)?.kind === 'open' ? 'open' : 'closed';
  f.stalled.checked = false;
  f.close_month.value = '';
  showView('list');
}

// --- the chart, forecasts, stalled deals, accuracy ---

function percent(x) {
  return x == null ? '–' : `${Math.round(x * 100)}%`;
}

function days(x) {
  return x == null ? '–' : t('chart.days', { days: String(x).replace('.', language().format.decimal) });
}

async function drawChart(mine) {
  const query = { owner_id: owner(), currency: currency || null, ...period() };
  const [f, stalled] = await Promise.all([api.funnel(query), api.stalled(owner())]);
  if (mine !== seq) return;
  fillCurrencies(f.currencies, f.currency);
  const accuracy = await api.forecastAccuracy(owner(), f.currency);
  if (mine !== seq) return;
  $('chart-totals').textContent = t('chart.totals', {
    count: f.open.deals, value: moneyShort(f.open.raw, f.currency), weighted: moneyShort(f.open.weighted, f.currency),
    rate: percent(f.win_rate),
  });
  drawFunnel(f);
  drawForecast(f);
  drawAccuracy(accuracy, f.currency);
  $('stalled-list').replaceChildren(...stalled.map((d) => {
    const li = el('li', 'deal-line');
    const link = el('button', 'link', `${d.customer_name} – ${d.title}`);
    link.type = 'button';
    link.addEventListener('click', () => openDeal(d.id, 'chart'));
    const why = [stageName(d.stage_id)];
    if (d.over_stage_days) why.push(t('deal.stalled_days', { days: d.days_in_stage }));
    if (d.past_close) why.push(t('stalled.past_close', { date: formatDate(d.expected_close) }));
    why.push(userName(d.owner_id) || t('deal.no_owner'));
    li.append(link, el('div', 'meta', why.join(' · ')));
    return li;
  }));
  if (!stalled.length) $('stalled-list').append(el('li', 'muted', t('stalled.none')));
}

/** The funnel as centred bars, one per stage, widths from counts or values Rust computed. */
function drawFunnel(f) {
  const byValue = document.querySelector('[name=chart-measure]:checked')?.value === 'value';
  const measure = (s) => (byValue ? s.now.raw : s.now.deals);
  const steps = f.stages.filter((s) => s.kind === 'open' || s.kind === 'won').filter((s) => !s.retired || s.now.deals || s.reached);
  const closed = f.stages.filter((s) => s.kind === 'lost' || s.kind === 'postponed');
  const width = 760;
  const bar = 34;
  const gap = 26;
  const top = 8;
  const max = Math.max(1, ...f.stages.map(measure));
  const chart = $('funnel-chart');
  const rows = [...steps, ...closed];
  const height = top + rows.length * (bar + gap) + 10;
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.setAttribute('height', String(height));
  const nodes = [];
  rows.forEach((s, i) => {
    const y = top + i * (bar + gap) + (i >= steps.length ? 12 : 0);
    const w = Math.max(6, (measure(s) / max) * (width - 330));
    const x = (width - 330 - w) / 2 + 130;
    const g = svg('g', { class: `stage-bar kind-${s.kind}`, tabindex: 0, role: 'button', 'data-stage': s.stage_id });
    g.append(svg('title', {}, t('chart.bar_hint', { stage: stageName(s.stage_id) })));
    g.append(svg('rect', { x, y, width: w, height: bar, rx: 4, class: `bar bar-${i % 6}` }));
    g.append(svg('text', { x: 122, y: y + bar / 2 + 5, 'text-anchor': 'end', class: 'label' }, stageName(s.stage_id)));
    const figures = `${formatInteger(s.now.deals)} · ${moneyShort(s.now.raw, f.currency)}`;
    g.append(svg('text', { x: width - 192, y: y + bar / 2 + 5, 'text-anchor': 'start', class: 'figures' }, figures));
    g.append(svg('text', { x: (width - 330) / 2 + 130, y: y + bar / 2 + 5, 'text-anchor': 'middle', class: 'prob' }, `${s.probability}%`));
    const go = () => listStage(s.stage_id);
    g.addEventListener('click', go);
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        go();
      }
    });
    nodes.push(g);
    if (s.kind === 'open' && i < steps.length - 1) {
      const text = t('chart.conversion', { rate: percent(s.conversion), days: days(s.avg_days) });
      nodes.push(svg('text', { x: (width - 330) / 2 + 130, y: y + bar + gap / 2 + 5, 'text-anchor': 'middle', class: 'conversion' }, `↓ ${text}`));
    }
  });
  chart.replaceChildren(...nodes);
}

function amountsCell(a, cur) {
  const td = el('td', 'num');
  td.append(el('div', null, moneyShort(a.raw, cur)), el('div', 'muted', t('forecast.weighted_short', { amount: moneyShort(a.weighted, cur) })));
  td.title = t('forecast.deals', { count: a.deals });
  return td;
}

function forecastHead(first) {
  const tr = el('tr');
  for (const key of [first, 'forecast.commit', 'forecast.best_case', 'forecast.pipeline', 'forecast.won']) tr.append(el('th', key === first ? null : 'num', t(key)));
  const thead = el('thead');
  thead.append(tr);
  return thead;
}

function monthName(m) {
  return m ? formatDate(`${m}-01`).replace(/^01[./-]|[./-]01$/, '') : '';
}

function drawForecast(f) {
  const rows = f.forecast.months.map((r) => {
    const tr = el('tr');
    tr.append(el('th', null, monthName(r.month)), amountsCell(r.commit, f.currency), amountsCell(r.best_case, f.currency), amountsCell(r.pipeline, f.currency), amountsCell(r.won, f.currency));
    return tr;
  });
  const total = el('tr', 'total');
  const r = f.forecast.total;
  total.append(el('th', null, t('forecast.total')), amountsCell(r.commit, f.currency), amountsCell(r.best_case, f.currency), amountsCell(r.pipeline, f.currency), amountsCell(r.won, f.currency));
  const body = el('tbody');
  body.append(...rows, total);
  $('forecast-months').replaceChildren(forecastHead('forecast.month'), body);
  const owners = el('tbody');
  owners.append(...f.forecast.owners.map((o) => {
    const tr = el('tr');
    tr.append(el('th', null, userName(o.owner_id) || t('deal.no_owner')), amountsCell(o.commit, f.currency), amountsCell(o.best_case, f.currency), amountsCell(o.pipeline, f.currency), amountsCell(o.won, f.currency));
    return tr;
  }));
  $('forecast-owners').replaceChildren(forecastHead('deal.owner'), owners);
}

function drawAccuracy(rows, cur) {
  const head = el('thead');
  const tr = el('tr');
  const left = ['forecast.month', 'accuracy.as_of'];
  for (const key of [...left, 'forecast.commit', 'forecast.best_case', 'forecast.pipeline', 'accuracy.won']) {
    tr.append(el('th', left.includes(key) ? null : 'num', t(key)));
  }
  head.append(tr);
  const body = el('tbody');
  body.append(...rows.map((r) => {
    const row = el('tr');
    const kept = r.pipeline.deals > 0 || r.pipeline.raw > 0;
    row.append(el('th', null, monthName(r.month)), el('td', null, kept ? formatDate(r.as_of) : t('accuracy.none')));
    for (const a of [r.commit, r.best_case, r.pipeline]) row.append(kept ? amountsCell(a, cur) : el('td', 'num muted', '–'));
    const won = el('td', 'num');
    won.append(el('div', null, moneyShort(r.won.raw, cur)), el('div', 'muted', t('forecast.deals', { count: r.won.deals })));
    row.append(won);
    return row;
  }));
  $('forecast-accuracy').replaceChildren(head, body);
}

// --- leads ---

async function drawLeads(mine) {
  const [figures, open] = await Promise.all([api.leadFunnel({ owner_id: owner(), ...period() }), api.leads(true, owner(), null)]);
  if (mine !== seq) return;
  const head = el('thead');
  const tr = el('tr');
  for (const key of ['lead.source', 'leads.new', 'leads.contacted', 'leads.qualified', 'leads.won', 'leads.disqualified']) tr.append(el('th', key === 'lead.source' ? null : 'num', t(key)));
  head.append(tr);
  const body = el('tbody');
  body.append(...figures.map((f) => {
    const row = el('tr');
    row.append(el('th', null, sourceName(f.source)));
    for (const n of [f.new, f.contacted, f.qualified, f.won, f.disqualified]) {
      const td = el('td', 'num');
      const share = f.new ? Math.round((n / f.new) * 100) : 0;
      const meter = el('span', 'lead-meter');
      meter.style.width = `${share}%`;
      td.append(el('span', null, formatInteger(n)), meter);
      td.title = `${share}%`;
      row.append(td);
    }
    return row;
  }));
  $('lead-funnel').replaceChildren(head, body);
  $('open-leads').replaceChildren(...open.map((l) => {
    const li = el('li', 'deal-line');
    const link = el('button', 'link', l.customer_name);
    link.type = 'button';
    link.addEventListener('click', () => openCustomer(l.customer_id));
    const meta = [sourceName(l.source), t('lead.received', { date: formatDate(l.received_on) }), userName(l.owner_id)].filter(Boolean).join(' · ');
    const actions = el('span', 'lead-actions');
    const qualify = el('button', null, t('lead.qualify'));
    qualify.type = 'button';
    qualify.addEventListener('click', async () => {
      const c = await api.getCustomer(l.customer_id);
      const deal = await editDeal({ customer: { id: c.id, name: c.name, currency: c.turnover_currency, owner_id: c.owner_id }, lead: l });
      if (deal) {
        toast(t('lead.qualified'));
        refresh();
      }
    });
    const drop = el('button', null, t('lead.disqualify'));
    drop.type = 'button';
    drop.addEventListener('click', async () => {
      if (await disqualifyLead(l)) refresh();
    });
    actions.append(qualify, drop);
    li.append(link, actions, el('div', 'meta', meta));
    return li;
  }));
  if (!open.length) $('open-leads').append(el('li', 'muted', t('leads.none')));
}

// --- the deal page ---

/** Shows a deal's page; `from` is the view Back returns to. */
export async function openDeal(id, from = view === 'deal' ? back : view) {
  back = from;
  view = 'deal';
  seq += 1;
  for (const v2 of ['board', 'list', 'chart', 'leads']) $(`view-${v2}`).hidden = true;
  for (const tab of document.querySelectorAll('.view-tab')) tab.classList.remove('active');
  for (const e of document.querySelectorAll('[data-period]')) e.hidden = true;
  $('deal-page').hidden = false;
  try {
    if (!processSettings().stages.length) await loadProcess();
    const v = await api.dealView(id);
    await drawPage(v);
    $('deal-next').focus();
  } catch (err) {
    toast(err.message);
  }
}

async function drawPage(v) {
  const d = v.deal;
  const s = stage(d.stage_id);
  const steps = ladder().filter((x) => !x.retired || x.id === d.stage_id);
  const at = steps.findIndex((x) => x.id === d.stage_id);
  page = { view: v, next: null };
  $('deal-title').textContent = d.title;
  $('deal-stage-badge').textContent = `${named(s?.names)} · ${s?.probability ?? 0}%`;
  $('deal-stage-badge').className = `badge stage-${s?.kind}`;
  $('deal-sub').textContent = [d.customer_name, money(d.value, d.currency), userName(d.owner_id)].filter(Boolean).join(' · ');
  $('deal-stepper').replaceChildren(...steps.map((x, i) => {
    const li = el('li', 'step');
    li.classList.toggle('done', d.reached.includes(x.id) && x.id !== d.stage_id);
    li.classList.toggle('current', x.id === d.stage_id);
    const b = el('button', null, `${named(x.names)} ${x.probability}%`);
    b.type = 'button';
    b.disabled = x.id === d.stage_id;
    b.title = t('deal.move_to', { stage: named(x.names) });
    b.addEventListener('click', () => movePage(x.id));
    li.append(b);
    if (i === at) li.setAttribute('aria-current', 'step');
    return li;
  }));
  // The next step: the next open stage (or won); a closed deal reopens where it stopped.
  const closed = Boolean(d.closed_on);
  let next = null;
  if (!closed && at >= 0 && at < steps.length - 1) next = steps[at + 1];
  if (closed && s.kind !== 'won') {
    const lastOpen = [...steps].reverse().find((x) => x.kind === 'open' && d.reached.includes(x.id));
    next = lastOpen ?? steps[0];
  }
  page.next = next?.id ?? null;
  $('deal-next').hidden = !next;
  $('deal-next').textContent = next ? t(closed ? 'deal.reopen' : 'deal.move_to', { stage: named(next.names) }) : '';
  $('deal-won').hidden = closed;
  $('deal-lost').hidden = closed;
  $('deal-postpone').hidden = closed;

  const facts = [];
  const fact = (key, value, node) => {
    if (!value && !node) return;
    const dt = el('dt', null, t(key));
    const dd = el('dd', null, node ? null : value);
    if (node) dd.append(node);
    facts.push(dt, dd);
  };
  const customerLink = el('button', 'link', d.customer_name);
  customerLink.type = 'button';
  customerLink.addEventListener('click', () => openCustomer(d.customer_id));
  fact('deal.customer', null, customerLink);
  fact('deal.owner', userName(d.owner_id) || t('deal.no_owner'));
  fact('deal.value', money(d.value, d.currency));
  fact('deal.weighted', money(v.summary.weighted, d.currency));
  fact('deal.expected_close', d.expected_close ? formatDate(d.expected_close) : '');
  fact('deal.days_in_stage', t('deal.days_since', { days: v.summary.days_in_stage, date: formatDateTime(d.stage_since) }));
  if (d.commit) fact('deal.commit', t('deal.commit_yes'));
  fact('deal.vehicles', d.vehicles.map((x) => `${x.count} × ${x.model || t(`vehicle.${x.category}`)} (${t(`vehicle.${x.category}`)})`).join('; '));
  const people = d.person_ids.length ? await api.people(d.customer_id) : [];
  fact('deal.decision_makers', people.filter((p) => d.person_ids.includes(p.id)).map((p) => p.name).join(', '));
  fact('deal.competitors', d.competitors.map((c) => (c.price == null ? c.name : `${c.name}: ${money(c.price, c.currency)}`)).join('; '));
  if (s.kind === 'lost') {
    fact('move.reason', reasonName('lost', d.close_reason));
    fact('move.lost_to', d.lost_to ? `${d.lost_to}${d.lost_price == null ? '' : ` – ${money(d.lost_price, d.lost_currency)}`}` : '');
  }
  if (s.kind === 'postponed') {
    fact('move.reason', reasonName('postponed', d.close_reason));
    fact('move.revisit_on', formatDate(d.revisit_on));
  }
  fact('deal.notes', d.notes);
  $('deal-facts').replaceChildren(...facts);

  $('deal-gaps').replaceChildren(...v.gaps.map(([stageId, q]) => {
    const st = stage(stageId);
    const question = st?.checklist.find((x) => x.id === q);
    return el('li', null, `${named(st?.names)}: ${named(question?.text)}`);
  }));
  if (!v.gaps.length) $('deal-gaps').append(el('li', 'muted', t('deal.no_gaps')));

  $('deal-moves').replaceChildren(...[...v.moves].reverse().map((m) => {
    const li = el('li');
    const what = m.from_stage_id == null
      ? t('deal.created_in', { stage: stageName(m.to_stage_id) })
      : t('deal.moved', { from: stageName(m.from_stage_id), to: stageName(m.to_stage_id), days: Math.round(m.seconds_in_from / 86400) });
    li.append(el('div', null, what));
    const kind = stage(m.to_stage_id)?.kind;
    const extra = [formatDateTime(m.moved_at), userName(m.moved_by)];
    if (m.reason) extra.push(reasonName(kind === 'lost' ? 'lost' : 'postponed', m.reason));
    if (m.note) extra.push(m.note);
    li.append(el('div', 'meta', extra.filter(Boolean).join(' · ')));
    return li;
  }));

  const contacts = await api.history(d.customer_id, { deal_id: d.id, limit: 50 });
  $('deal-contacts').replaceChildren(...contacts.map((k) => {
    const li = el('li', 'deal-line');
    li.append(el('div', null, `${formatLocalDateTime(k.happened_at)} · ${t(`kind.${k.kind}`)}`), el('div', 'meta', k.agreed));
    return li;
  }));
  if (!contacts.length) $('deal-contacts').append(el('li', 'muted', t('deal.no_contacts')));
  const offers = await listFor({ deal_id: d.id });
  $('deal-offers').replaceChildren(...offerItems(offers));
  if (!offers.length) $('deal-offers').append(el('li', 'muted', t('offers.none')));
}

function newOfferForPage() {
  if (page) newOffer(page.view.deal.customer_id, page.view.deal.id);
}

async function movePage(toId) {
  if (!page) return;
  const moved = await moveDeal(page.view.deal, toId);
  if (moved) {
    toast(t('move.done', { title: moved.title, stage: stageName(moved.stage_id) }));
    await openDeal(moved.id, back);
  }
}

async function editPage() {
  if (!page) return;
  const d = page.view.deal;
  const saved = await editDeal({ customer: { id: d.customer_id, name: d.customer_name }, deal: d });
  if (saved) {
    toast(t('deal.saved'));
    await openDeal(saved.id, back);
  }
}
