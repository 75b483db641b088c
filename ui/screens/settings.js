// Settings of this workstation: the language of the screens, and where the database is.

import { api } from '../ipc.js';
import { language, t } from '../i18n.js';
import { toast } from '../notify.js';

const select = document.getElementById('language');

export function init(info, relabel) {
  document.getElementById('db-path').textContent = info.db_path;
  for (const [code, name] of info.language.locales) {
    select.append(new Option(name, code));
  }
  relabelSettings(info.version);
  select.addEventListener('change', async () => {
    try {
      relabel(await api.setLocale(select.value));
      toast(t('settings.saved'));
    } catch (err) {
      toast(err.message);
      select.value = language().locale;
    }
  });
  select.dataset.version = info.version;
}

function relabelSettings(version) {
  select.value = language().locale;
  document.getElementById('app-version').textContent = t('settings.version', { version });
}

export function relabel() {
  relabelSettings(select.dataset.version);
}

export function shown() {
  select.focus();
}
