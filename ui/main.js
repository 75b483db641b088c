// Start-up, screen switching and the keyboard shortcuts that work everywhere.

import { api } from './ipc.js';
import { setLanguage, t } from './i18n.js';
import { banner } from './notify.js';
import * as agenda from './screens/agenda.js';
import * as home from './screens/home.js';
import * as backups from './screens/backups.js';
import * as customers from './screens/customers.js';
import * as fieldsPanel from './screens/fields.js';
import * as fleetSettings from './screens/fleet-settings.js';
import * as market from './screens/market.js';
import * as renewals from './screens/renewals.js';
import * as segments from './screens/segments.js';
import * as campaigns from './screens/campaigns.js';
import * as reports from './screens/reports.js';
import * as funnel from './screens/funnel.js';
import * as offers from './screens/offers.js';
import * as exchange from './screens/exchange.js';
import * as prices from './screens/prices.js';
import * as stagesPanel from './screens/stages.js';
import * as plansPanel from './screens/plans.js';
import * as dealDialogs from './deal-dialogs.js';
import * as settings from './screens/settings.js';
import * as startPage from './screens/start.js';
import * as fleetCommon from './fleet-common.js';
import { ensureUser, initWhoButton } from './users.js';
import { $ } from './dom.js';
import { listen } from './signals.js';

const screens = { start: startPage, home, customers, agenda, funnel, offers, exchange, renewals, market, segments, campaigns, reports, settings };
let current = null;

export function show(name) {
  for (const el of document.querySelectorAll('.screen')) el.hidden = el.id !== `screen-${name}`;
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.screen === name);
  current = name;
  screens[name]?.shown?.();
}

/** Called after the language changed: every screen redraws its own texts. */
function relabel(language) {
  setLanguage(language);
  for (const screen of Object.values(screens)) screen.relabel?.();
  if (!document.body.dataset.dbError) {
    fieldsPanel.relabel();
    stagesPanel.relabel();
    plansPanel.relabel();
    prices.relabel();
  }
}

/** The reports are the sales manager's: their tab shows for a manager only. */
function showReportsTab() {
  const tab = document.querySelector('.tab[data-screen=reports]');
  tab.hidden = !reports.allowed();
  if (tab.hidden && current === 'reports') show('customers');
}

async function start() {
  let info;
  try {
    info = await api.appInfo();
  } catch (err) {
    banner(err.message, 'error');
    return;
  }
  setLanguage(info.language);
  document.body.dataset.dbKind = info.db_kind;
  listen('language', relabel);
  settings.init(info);
  backups.init();
  backups.announceRestore();
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => show(tab.dataset.screen));
  if (info.db_error) {
    // No data to show; Settings stays reachable to choose another database.
    document.body.dataset.dbError = 'true';
    document.querySelector('.tab[data-screen=customers]').hidden = true;
    document.querySelector('.tab[data-screen=home]').hidden = true;
    document.querySelector('.tab[data-screen=agenda]').hidden = true;
    $('fields-setting').hidden = true;
    for (const name of ['customers', 'agenda', 'funnel', 'offers', 'exchange', 'renewals', 'market', 'segments', 'campaigns', 'reports']) {
      document.querySelector(`.tab[data-screen=${name}]`).hidden = true;
    }
    $('fleet-settings').hidden = true;
    $('stages-setting').hidden = true;
    $('plans-setting').hidden = true;
    $('offers-setting').hidden = true;
    $('fatal-message').textContent = info.db_error.message;
    $('fatal-path').textContent = t('banner.db_path', { path: info.db_target });
    $('fatal-settings').addEventListener('click', () => show('settings'));
    show('fatal');
    // A damaged file is never used: the newest good backup is offered instead.
    if (info.db_error.code === 'corrupt' && info.db_kind === 'file') backups.offerNewest();
    document.body.dataset.ready = 'true';
    return;
  }
  if (info.network_filesystem) banner(t('banner.network_fs'));
  initWhoButton();
  // Everything is recorded in someone's name: choose who sits here before anything else.
  await ensureUser(info.current_user_id);
  fleetCommon.init(info);
  const openCustomer = (id) => {
    show('customers');
    customers.openCustomer(id, { focus: false });
  };
  const openDeal = (id) => {
    show('funnel');
    funnel.openDeal(id, 'board');
  };
  dealDialogs.init(info);
  customers.init(info, openDeal);
  fieldsPanel.init();
  stagesPanel.init();
  plansPanel.init(info);
  funnel.init(info, openCustomer);
  offers.init(info, { openCustomer, openDeal, show });
  prices.init(info);
  const openCampaign = (id, customerId) => {
    show('campaigns');
    campaigns.openCampaign(id, customerId);
  };
  agenda.init(info, openCustomer, openDeal, openCampaign);
  renewals.init((id) => {
    show('customers');
    customers.openCustomerOn(id, 'fleet');
  }, openDeal);
  market.init();
  segments.init(info, openCustomer, (id) => {
    reports.preselect(id);
    show('reports');
  });
  home.init(show, openCustomer, openDeal);
  campaigns.init(info, openCustomer, () => {
    funnel.showLeads();
    show('funnel');
  });
  exchange.init(info);
  reports.init(info, openCustomer);
  startPage.init(info, show, () => exchange.importCustomers());
  showReportsTab();
  fleetSettings.init();
  listen('user', showReportsTab);
  document.addEventListener('keydown', (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && (e.key === 'k' || e.key === 'f')) {
      e.preventDefault();
      show('customers');
      customers.focusSearch();
    } else if (mod && e.key === 'n') {
      e.preventDefault();
      show('customers');
      customers.newCustomer();
    } else if (current && screens[current]?.keydown) {
      screens[current].keydown(e);
    }
  });
  // An empty database starts on the ways in (start.js); else what a person sees first
  // depends on their role (home.js).
  if (info.empty) {
    await startPage.begin();
  } else {
    show('home');
  }
  document.body.dataset.ready = 'true';
}

start();
