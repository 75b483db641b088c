// Home: what a person sees first, by role. A salesperson: today's actions, deals needing
// action, customers going cold, renewals due and campaign calls. The sales manager: the funnel,
// the three forecasts, stalled deals and each salesperson's contacts this week. The direction:
// market share by segment, the customer pyramid and this year's forecast against last year.
// Each block's title opens its full screen. The view each person chose is remembered on the
// workstation. The director starts on the direction, the sales manager on the team.

import { drawn } from '../marks.js';
import { api } from '../ipc.js';
import { formatDate, formatInteger, formatPercent, isoDay, t } from '../i18n.js';
import { toast } from '../notify.js';
import { currentUser, manages, myId, userName } from '../users.js';
import { categoryLabel, weightLabel } from '../fleet-common.js';
import { drawTable } from '../report-view.js';
import { item, planText } from './agenda.js';
import { ladder, loadProcess, moneyShort, stageName } from '../process.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

const VIEWS = ['mine', 'team', 'direction'];
const SHOWN = 8;
let go = () => {};
let openCustomer = () => {};
let openDeal = () => {};
let seq = 0;

export function init(show, open, openDealPage) {
  go = show;
  openCustomer = open;
  openDeal = openDealPage;
  // What a person sees first depends on their role.
  listen('user', () => {
    if (!$('screen-home').hidden) refresh();
  });
  for (const tab of document.querySelectorAll('.home-tab')) {
    tab.addEventListener('click', () => {
      localStorage.setItem(remembers(), tab.dataset.home);
      refresh();
    });
  }
  for (const link of document.querySelectorAll('#screen-home [data-go]')) {
    link.addEventListener('click', () => go(link.dataset.go));
  }
}

export function relabel() {
  if (!$('screen-home').hidden) refresh();
}

export async function shown() {
  await refresh();
}

/** The sales manager and the director read the team and the direction; everyone else their own day. */
function allowed() {
  return manages() ? VIEWS : ['mine'];
}

/** What each role reads first, until they choose another view on this workstation. */
const FIRST = { manager: 'team', director: 'direction' };

/** Per person: a manager and a director may share a workstation with different habits. */
function remembers() {
  return `parc.home.${myId()}`;
}

function chosen() {
  const views = allowed();
  const remembered = localStorage.getItem(remembers());
  if (views.includes(remembered)) return remembered;
  return FIRST[currentUser()?.role] ?? 'mine';
}

export async function refresh() {
  const mine = ++seq;
  const now = chosen();
  const views = allowed();
  document.querySelector('#screen-home .views').hidden = views.length < 2;
  for (const tab of document.querySelectorAll('.home-tab')) {
    tab.hidden = views.length < 2 || !views.includes(tab.dataset.home);
    tab.classList.toggle('active', tab.dataset.home === now);
    tab.setAttribute('aria-selected', String(tab.dataset.home === now));
  }
  for (const v of VIEWS) $(`home-${v}`).hidden = v !== now;
  $('home-title').textContent = t(`home.title.${now}`, { name: currentUser()?.name ?? '' });
  try {
    await loadProcess();
    if (now === 'mine') await drawMine(mine);
    else if (now === 'team') await drawTeam(mine);
    else await drawDirection(mine);
    if (mine === seq) drawn('home');
  } catch (err) {
    if (mine === seq) toast(err.message);
  }
}

/** Fills a block's list with the first items, its count with all of them. */
function list(key, items, toItem) {
  $(`home-count-${key}`).textContent = items.length ? formatInteger(items.length) : '';
  $(`home-${key}`).replaceChildren(...items.slice(0, SHOWN).map(toItem));
  $(`home-${key}`).nextElementSibling.hidden = items.length > 0;
}

function dealItem(d) {
  const why = d.past_close
    ? t('home.past_close', { date: formatDate(d.expected_close) })
    : t('home.days_in_stage', { days: formatInteger(d.days_in_stage), stage: stageName(d.stage_id) });
  return item(d.customer_name, [d.title, moneyShort(d.value, d.currency), why].filter(Boolean).join(' · '), () => openDeal(d.id));
}

async function drawMine(mine) {
  const me = myId();
  const [agenda, stalled, cold, radar, calls, plans] = await Promise.all([
    api.agenda(me),
    api.stalled(me),
    api.goingCold(me),
    api.renewalRadar({ months: 3, sort: 'competitors', owner_id: me, limit: SHOWN }),
    api.campaignActions(me),
    api.planStatus(me),
  ]);
  if (mine !== seq) return;
  const today = [...agenda.overdue, ...agenda.today];
  list('today', today, (i) => item(
    i.customer_name,
    [i.next_due < isoDay() ? t('agenda.due', { date: formatDate(i.next_due) }) : t('agenda.today'), t(`kind.${i.next_kind}`), i.next_action]
      .filter(Boolean).join(' · '),
    () => openCustomer(i.customer_id),
  ));
  list('deals', stalled, dealItem);
  list('cold', cold, (c) => item(
    c.name,
    [c.city, c.last_contact_at ? t('agenda.last_contact', { date: formatDate(c.last_contact_at.slice(0, 10)) }) : t('agenda.never_contacted')]
      .filter(Boolean).join(' · '),
    () => openCustomer(c.customer_id),
  ));
  list('renewals', radar.customers, (c) => item(
    c.name,
    [c.city, t('home.renewal', { vehicles: formatInteger(c.vehicles), competitor: formatInteger(c.competitor), date: formatDate(c.first_due) })]
      .filter(Boolean).join(' · '),
    () => openCustomer(c.customer_id),
  ));
  $('home-count-renewals').textContent = radar.customer_count ? formatInteger(radar.customer_count) : '';
  list('plans', plans.behind, (b) => item(b.name, planText(b), () => openCustomer(b.customer_id)));
  $('home-count-plans').textContent = plans.behind_total ? formatInteger(plans.behind_total) : '';
  list('campaigns', calls, (c) => item(
    c.customer,
    [c.city, t('agenda.campaign_until', { campaign: c.campaign, date: formatDate(c.ends_on) })].join(' · '),
    () => go('campaigns'),
  ));
}

function table(id, head, rows) {
  const tr = (cells, tag) => {
    const r = document.createElement('tr');
    cells.forEach(([text, num], i) => {
      const c = document.createElement(i === 0 && tag === 'td' ? 'th' : tag);
      if (i === 0 && tag === 'td') c.scope = 'row';
      c.textContent = text;
      if (num) c.className = 'num';
      r.append(c);
    });
    return r;
  };
  const thead = document.createElement('thead');
  thead.append(tr(head, 'th'));
  const tbody = document.createElement('tbody');
  tbody.append(...rows.map((r) => tr(r, 'td')));
  $(id).replaceChildren(thead, tbody);
}

function monday() {
  const d = new Date();
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function drawTeam(mine) {
  const [funnel, stalled, activity, plans] = await Promise.all([
    api.funnel({}),
    api.stalled(null),
    api.report('contacts', { from: monday(), to: isoDay() }),
    api.planStatus(null),
  ]);
  if (mine !== seq) return;
  const cur = funnel.currency;
  const open = ladder().filter((s) => s.kind === 'open').map((s) => s.id);
  table('home-funnel', [[t('home.col.stage')], [t('home.col.deals'), true], [t('home.col.value'), true], [t('home.col.weighted'), true]],
    funnel.stages.filter((s) => open.includes(s.stage_id) && !s.retired).map((s) => [
      [stageName(s.stage_id)], [formatInteger(s.now.deals), true], [moneyShort(s.now.raw, cur), true], [moneyShort(s.now.weighted, cur), true],
    ]));
  const f = funnel.forecast.total;
  table('home-forecasts', [[t('home.col.forecast')], [t('home.col.deals'), true], [t('home.col.value'), true]], [
    ['commit', f.commit], ['best_case', f.best_case], ['pipeline', f.pipeline], ['won', f.won],
  ].map(([k, a]) => [[t(`home.forecast.${k}`)], [formatInteger(a.deals), true], [moneyShort(k === 'pipeline' ? a.weighted : a.raw, cur), true]]));
  list('stalled', stalled, dealItem);
  table('home-compliance', [[t('home.col.salesperson')], [t('home.col.planned'), true], [t('home.col.on_plan'), true], [t('home.col.share'), true]],
    plans.owners.map((c) => [
      [c.owner_id ? userName(c.owner_id) : t('segments.no_owner')],
      [formatInteger(c.customers), true], [formatInteger(c.on_plan), true], [formatPercent(c.pct), true],
    ]));
  drawTable($('home-activity'), activity.table);
}

async function drawDirection(mine) {
  const year = new Date().getFullYear();
  const [market, pyramid, thisYear, lastYear] = await Promise.all([
    api.marketShare(),
    api.report('pyramid', {}),
    api.funnel({ from: `${year}-01-01`, to: `${year}-12-31` }),
    api.funnel({ from: `${year - 1}-01-01`, to: `${year - 1}-12-31` }),
  ]);
  if (mine !== seq) return;
  $('home-market-total').textContent = market.total.vehicles
    ? t('home.market_total', {
      pct: formatPercent(market.total.vehicle_pct),
      ours: formatInteger(market.total.ours),
      vehicles: formatInteger(market.total.vehicles),
    })
    : t('market.empty');
  const segments = [...market.segments].sort((a, b) => b.total.vehicles - a.total.vehicles).slice(0, SHOWN);
  table('home-market', [[t('home.col.segment')], [t('home.col.vehicles'), true], [t('home.col.ours'), true], [t('home.col.share'), true]],
    segments.map((s) => [
      [[categoryLabel(s.category), s.weight_class ? weightLabel(s.weight_class) : ''].filter(Boolean).join(' · ')],
      [formatInteger(s.total.vehicles), true], [formatInteger(s.total.ours), true], [formatPercent(s.total.vehicle_pct), true],
    ]));
  drawTable($('home-pyramid'), pyramid.table);
  const cur = thisYear.currency;
  const now = thisYear.forecast.total;
  const before = lastYear.currency === cur ? lastYear.forecast.total.won.raw : null;
  const rows = [
    [t('home.year.last_won', { year: year - 1 }), before],
    [t('home.year.won', { year }), now.won.raw],
    [t('home.year.commit'), now.won.raw + now.commit.raw],
    [t('home.year.best_case'), now.won.raw + now.best_case.raw],
    [t('home.year.pipeline'), now.won.raw + now.pipeline.weighted],
  ];
  table('home-year', [[t('home.col.forecast')], [cur, true], [t('home.col.against', { year: year - 1 }), true]],
    rows.map(([label, value], i) => [
      [label],
      [value == null ? '' : moneyShort(value, cur), true],
      [i === 0 || !before ? '' : formatPercent(Math.round((value * 1000) / before) / 10), true],
    ]));
}
