// Settings of this workstation: the language of the screens, and which database it uses
// (its own file, or the office's PostgreSQL server).

import * as plans from './plans.js';
import { api } from '../ipc.js';
import { language, t } from '../i18n.js';
import { toast } from '../notify.js';
import { manages } from '../users.js';
import * as fleetSettings from './fleet-settings.js';
import * as backups from './backups.js';
import { $ } from '../dom.js';
import { announce, listen } from '../signals.js';

const select = $('language');
const address = $('db-address');
const result = $('db-result');
let about = null;
let countries = [];
let home = null;
const homeSelect = $('home-country');

export function init(info) {
  about = info;
  const cold = $('cold-days');
  cold.value = info.cold_after_days;
  cold.addEventListener('change', async () => {
    try {
      const days = await api.setColdDays(Number(cold.value) || 60);
      cold.value = days;
      announce('cold-days', days);
      toast(t('settings.cold_days_saved'));
    } catch (err) {
      toast(err.message);
    }
  });
  countries = info.choices.countries;
  homeSelect.addEventListener('change', saveHomeCountry);
  listen('user', fillHomeCountry);
  $('db-path').textContent = info.db_target;
  address.value = info.db_target;
  for (const [code, name] of info.language.locales) {
    select.append(new Option(name, code));
  }
  relabelSettings();
  select.addEventListener('change', async () => {
    try {
      announce('language', await api.setLocale(select.value));
      toast(t('settings.saved'));
    } catch (err) {
      toast(err.message);
      select.value = language().locale;
    }
  });
  $('db-test').addEventListener('click', testDatabase);
  $('db-form').addEventListener('submit', (e) => {
    e.preventDefault();
    useDatabase();
  });
  address.addEventListener('input', () => {
    result.hidden = true;
  });
}

function relabelSettings() {
  select.value = language().locale;
  fillHomeCountry();
  // About: what support asks for first. The address is shown with its password masked.
  $('about-version').textContent = about.version;
  $('about-schema').textContent = about.schema_version == null ? t('settings.about_no_schema') : String(about.schema_version);
  $('about-database').textContent = about.db_target;
}

/** The home country's list, sorted by name in the screen's language; a manager's to change. */
function fillHomeCountry() {
  const options = countries.map((c) => new Option(`${t('country.' + c)} (${c})`, c));
  options.sort((a, b) => a.text.localeCompare(b.text));
  homeSelect.replaceChildren(new Option(t('settings.home_country_none'), ''), ...options);
  homeSelect.value = home ?? '';
  homeSelect.disabled = !manages();
}

async function loadHomeCountry() {
  try {
    home = await api.homeCountry();
  } catch (err) {
    toast(err.message);
  }
  fillHomeCountry();
}

async function saveHomeCountry() {
  try {
    home = await api.setHomeCountry(homeSelect.value);
    toast(t('settings.home_country_saved'));
  } catch (err) {
    toast(err.message);
  }
  fillHomeCountry();
}

function showResult(ok, text) {
  result.hidden = false;
  result.classList.toggle('bad', !ok);
  result.textContent = text;
}

async function withBusy(run) {
  const buttons = document.querySelectorAll('#db-form button');
  buttons.forEach((b) => { b.disabled = true; });
  showResult(true, t('settings.database_checking'));
  try {
    await run();
  } catch (err) {
    showResult(false, err.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function testDatabase() {
  return withBusy(async () => {
    const status = await api.testDatabase(address.value);
    showResult(true, t('settings.database_ok', {
      target: status.target, version: status.schema_version, customers: status.customers,
    }));
  });
}

function useDatabase() {
  return withBusy(async () => {
    await api.useDatabase(address.value);
    // Start afresh on the new database: every screen reloads its data.
    window.location.reload();
  });
}

export function relabel() {
  relabelSettings();
  fleetSettings.relabel();
  backups.relabel();
}

export function shown() {
  select.focus();
  // No database, no office settings: the fatal screen sends people here too.
  if (!document.body.dataset.dbKind || document.querySelector('.tab[data-screen=customers]').hidden) return;
  loadHomeCountry();
  fleetSettings.shown();
  backups.refresh();
  plans.load();
}
