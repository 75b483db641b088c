// Backups in Settings (folder, "Back up now", the list with "Restore…"), and the offer of the
// newest good backup on the screen shown when the database is damaged.

import { api } from '../ipc.js';
import { formatLocalDateTime, formatSize, t } from '../i18n.js';
import { confirmAction, toast } from '../notify.js';
import { $, button } from '../dom.js';

let state = null;

export function init() {
  $('backup-folder-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(async () => {
      state = await api.setBackupFolder($('backup-folder').value);
      toast(t('backups.folder_saved'));
      render();
    });
  });
  $('backup-now').addEventListener('click', () => busy(async () => {
    status(true, t('backups.working'));
    const taken = await api.backupNow();
    status(true, t('backups.done', { file: taken.file_name }));
    state = await api.backups();
    render();
  }));
}

/** Reloads the list (Settings was opened). */
export async function refresh() {
  try {
    state = await api.backups();
    render();
  } catch (err) {
    status(false, err.message);
  }
}

export function relabel() {
  if (state) render();
}

async function busy(run) {
  const buttons = document.querySelectorAll('#backup-setting button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await run();
  } catch (err) {
    status(false, err.message);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function status(ok, text) {
  const el = $('backup-status');
  el.hidden = false;
  el.classList.toggle('bad', !ok);
  el.textContent = text;
}

export function counts(b) {
  return t('backups.counts', {
    customers: b.customers, people: b.people, contacts: b.contacts, attachments: b.attachments,
  });
}

function render() {
  $('backup-server').hidden = state.file;
  $('backup-file').hidden = !state.file;
  if (!state.file) return;
  if (document.activeElement !== $('backup-folder')) $('backup-folder').value = state.chosen ? state.folder : '';
  $('backup-folder-hint').textContent = t(state.chosen ? 'backups.folder_chosen' : 'backups.folder_default', { folder: state.folder });
  if (state.last_error) status(false, t('backups.failed_auto', { problem: state.last_error }));
  $('backup-none').hidden = state.backups.length > 0;
  $('backup-list').replaceChildren(...state.backups.map((b) => {
    const li = document.createElement('li');
    const when = document.createElement('strong');
    when.textContent = formatLocalDateTime(b.taken_at);
    const kind = document.createElement('span');
    kind.className = 'muted';
    kind.textContent = t(`backups.kind.${b.kind}`);
    const what = document.createElement('span');
    what.textContent = b.problem ? t('backups.unusable', { problem: b.problem }) : `${counts(b)} · ${formatSize(b.size)}`;
    what.classList.toggle('bad', Boolean(b.problem));
    li.append(when, kind, what);
    if (!b.problem && b.kind !== 'damaged') {
      const restore = button(null, t('backups.restore'), () => restoreBackup(b));
      li.append(restore);
    }
    return li;
  }));
}

/** Asks, showing the backup's date and counts, then restores it and starts afresh. */
export async function restoreBackup(b) {
  const date = formatLocalDateTime(b.taken_at);
  const ok = await confirmAction(t('backups.restore_confirm', { date, counts: counts(b) }), t('backups.restore_ok'));
  if (!ok) return false;
  toast(t('backups.restoring'));
  try {
    const report = await api.restoreBackup(b.path);
    sessionStorage.setItem('parc.restored', t('backups.restored', { date, kept: report.kept ?? '' }));
    // Every screen reloads its data from the restored database.
    window.location.reload();
    return true;
  } catch (err) {
    toast(err.message);
    return false;
  }
}

/** Says, after the reload, what the restore did. */
export function announceRestore() {
  const said = sessionStorage.getItem('parc.restored');
  if (said) {
    sessionStorage.removeItem('parc.restored');
    toast(said);
  }
}

/** On the damaged-database screen: finds the newest good backup and offers it. */
export async function offerNewest() {
  const box = $('fatal-backup');
  const text = $('fatal-backup-text');
  const button = $('fatal-restore');
  box.hidden = false;
  text.textContent = t('backups.checking');
  let newest = null;
  let folder = '';
  try {
    const s = await api.backups();
    folder = s.folder;
    newest = await api.newestGoodBackup();
  } catch (err) {
    text.textContent = err.message;
    return;
  }
  if (!newest) {
    text.textContent = t('backups.offer_none', { folder });
    return;
  }
  text.textContent = t('backups.offer', { date: formatLocalDateTime(newest.taken_at), counts: counts(newest) });
  button.hidden = false;
  button.addEventListener('click', () => restoreBackup(newest));
}
