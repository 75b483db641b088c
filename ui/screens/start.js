// The first start on an empty database, after "who works here": the three ways in (import
// the customer list, load the demo office, start empty). The sales manager or the director
// first sees the office's essentials on one page (letterhead, home country, currency, brands
// sold), each of them skippable and saved through the same commands as in Settings.

import { api } from '../ipc.js';
import { formatInteger, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { saveFleetSettings } from '../fleet-common.js';
import { manages } from '../users.js';
import { $ } from '../dom.js';
import { listen } from '../signals.js';

const form = $('start-essentials');
let go = () => {};
let importCustomers = () => {};
let info = null;
// What the essentials page started from, so only what the person changed is saved.
let loaded = null;
/** One demo load per page: asking again after an error goes on and adds nothing twice. */
const demoKey = window.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;

/** `show(screen)` switches screens; `startImport()` opens the import wizard on customers. */
export function init(appInfo, show, startImport) {
  info = appInfo;
  go = show;
  importCustomers = startImport;
  form.elements.currency.replaceChildren(...info.choices.currencies.map((c) => new Option(c, c)));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveEssentials();
  });
  $('start-skip').addEventListener('click', showWays);
  $('start-import').addEventListener('click', () => {
    go('exchange');
    importCustomers();
  });
  $('start-demo').addEventListener('click', loadDemo);
  $('start-empty').addEventListener('click', () => go('home'));
  // The sales manager sitting down at the start page gets the essentials first.
  listen('user', () => {
    if (!$('screen-start').hidden && form.hidden && manages()) showEssentials();
  });
  relabel();
}

export function relabel() {
  if (!info) return;
  const countries = form.elements.home_country;
  const chosen = countries.value;
  // As in Settings: by name in the screen's language, with the code.
  const options = info.choices.countries.map((c) => new Option(`${t(`country.${c}`)} (${c})`, c));
  options.sort((a, b) => a.text.localeCompare(b.text));
  countries.replaceChildren(new Option(t('field.choose'), ''), ...options);
  countries.value = chosen;
}

/** Shows the start page: the essentials first for who runs the office, else the ways in. */
export async function begin() {
  go('start');
  if (manages()) {
    await showEssentials();
  } else {
    showWays();
  }
}

async function showEssentials() {
  try {
    const [letterhead, offers, fleet, country] = await Promise.all([
      api.letterhead(), api.offerSettings(), api.fleetSettings(), api.homeCountry(),
    ]);
    loaded = { letterhead, offers, fleet, country };
  } catch (err) {
    // Nothing to start from: the ways in still work, and Settings holds the same fields.
    toast(err.message);
    showWays();
    return;
  }
  clearErrors(form);
  const f = form.elements;
  for (const name of ['company_name', 'vat_id', 'phone', 'email']) f[name].value = loaded.letterhead[name] ?? '';
  f.address_lines.value = (loaded.letterhead.address_lines ?? []).join('\n');
  f.currency.value = loaded.offers.currency;
  f.home_country.value = loaded.country ?? '';
  $('start-brands').replaceChildren(...loaded.fleet.brands.map((b, i) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'brand', value: String(i), checked: b.ours });
    label.append(box, document.createTextNode(` ${b.name}`));
    return label;
  }));
  $('start-ways').hidden = true;
  form.hidden = false;
  f.company_name.focus();
}

/** Saves each part the person filled in or changed; an empty field is left as it was. */
async function saveEssentials() {
  const f = form.elements;
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const letterhead = {
      ...loaded.letterhead,
      company_name: f.company_name.value,
      vat_id: f.vat_id.value,
      phone: f.phone.value,
      email: f.email.value,
      address_lines: f.address_lines.value.split('\n').map((l) => l.trim()).filter(Boolean),
    };
    if (JSON.stringify(letterhead) !== JSON.stringify(loaded.letterhead)) {
      loaded.letterhead = await api.saveLetterhead(letterhead);
    }
    if (f.home_country.value && f.home_country.value !== loaded.country) {
      loaded.country = await api.setHomeCountry(f.home_country.value);
    }
    if (f.currency.value !== loaded.offers.currency) {
      loaded.offers = await api.saveOfferSettings({ ...loaded.offers, currency: f.currency.value });
    }
    const ours = new Set(Array.from(form.querySelectorAll('input[name=brand]:checked'), (b) => Number(b.value)));
    const brands = loaded.fleet.brands.map((b, i) => ({ ...b, ours: ours.has(i) }));
    if (brands.some((b, i) => b.ours !== loaded.fleet.brands[i].ours)) {
      loaded.fleet = await saveFleetSettings({ ...loaded.fleet, brands });
    }
    clearErrors(form);
    toast(t('start.essentials_saved'));
    showWays();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  } finally {
    button.disabled = false;
  }
}

function showWays() {
  form.hidden = true;
  $('start-ways').hidden = false;
  $('start-import').focus();
}

async function loadDemo() {
  const buttons = document.querySelectorAll('.start-choice');
  buttons.forEach((b) => { b.disabled = true; });
  const status = $('start-demo-status');
  const bar = $('start-demo-progress');
  const text = $('start-demo-text');
  status.hidden = false;
  bar.removeAttribute('value');
  text.textContent = t('customers.loading_demo');
  try {
    const count = await api.loadDemo(200, demoKey, ({ done, total }) => {
      bar.max = Math.max(total, 1);
      bar.value = done;
      text.textContent = t('start.demo_progress', { done: formatInteger(done), total: formatInteger(total) });
    });
    toast(t('customers.demo_loaded', { count }));
    go('home');
  } catch (err) {
    text.textContent = err.message;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}
