// The conflict dialog, shared by every form that saves a record with the version it edited
// (the customer card, a person, a fleet line, a deal). When someone else saved the record
// after the form was opened, its save is refused; the core then tells, field by field, what
// they changed (who, when) and what the form changed. The person keeps theirs or mine for
// each field, and the record is saved over the version stored now: nothing is saved before
// they choose, and "Back to my form" leaves their edits on the form.

import { api } from './ipc.js';
import { formatDateTime, t } from './i18n.js';
import { toast } from './notify.js';
import { fieldLabel, fieldValue } from './screens/changes.js';
import { userName } from './users.js';
import { $, el } from './dom.js';


/**
 * Resolves a save refused as a conflict. `base` is the record as the form opened it, `mine`
 * the data its save sent, `save(version, data)` the form's own save; `names` maps person ids
 * to names. Resolves with what `save` returned, or null when the person went back to the
 * form. Other errors (the record was deleted, the form's data is invalid) are thrown.
 */
export async function resolveConflict({ entity, id, base, mine, save, names = new Map() }) {
  for (;;) {
    const conflict = await api.saveConflict(entity, id, base, mine);
    const keepMine = await ask(entity, conflict, names);
    if (!keepMine) return null;
    try {
      return await save(conflict.version, merged(conflict, keepMine));
    } catch (err) {
      if (err.code !== 'conflict') throw err;
      toast(t('conflict.again'));
    }
  }
}

/** The record as stored now, with the form's value for the fields kept from the form. */
function merged(conflict, keepMine) {
  const data = structuredClone(conflict.theirs);
  for (const f of conflict.fields) {
    if (!keepMine.has(f.field)) continue;
    const dot = f.field.indexOf('.');
    if (dot < 0) {
      data[f.field] = f.mine;
      continue;
    }
    // An office field of the card: `custom.<id>`.
    const [top, key] = [f.field.slice(0, dot), f.field.slice(dot + 1)];
    data[top] = { ...(data[top] ?? {}) };
    if (f.mine === null) delete data[top][key];
    else data[top][key] = f.mine;
  }
  return data;
}

/** Shows the differences; resolves with the fields to keep from the form, or null. */
function ask(entity, conflict, names) {
  const dialog = $('conflict-dialog');
  const form = $('conflict-form');
  const box = form.querySelector('.errors');
  box.hidden = true;
  const rows = conflict.fields.map((f, i) => {
    const tr = el('tr');
    tr.dataset.field = f.field;
    const side = (which, value, changed, note) => {
      const td = el('td', 'conflict-side');
      td.dataset.side = which;
      const label = el('label');
      const radio = Object.assign(document.createElement('input'), { type: 'radio', name: `conflict-${i}`, value: which });
      radio.setAttribute('aria-label', t(which === 'mine' ? 'conflict.keep_mine' : 'conflict.keep_theirs'));
      const text = el('span', null, fieldValue(f.field, value, names));
      if (!changed) text.append(el('span', 'conflict-note', t('conflict.unchanged')));
      else if (note) text.append(el('span', 'conflict-note', note));
      label.append(radio, text);
      td.append(label);
      return td;
    };
    const who = f.changed_at
      ? t('conflict.by', { who: f.changed_by == null ? t('changes.nobody') : (userName(f.changed_by) || String(f.changed_by)), when: formatDateTime(f.changed_at) })
      : '';
    tr.append(
      el('td', null, fieldLabel(entity, f.field)),
      el('td', null, fieldValue(f.field, f.base, names)),
      side('theirs', f.theirs, f.theirs_changed, who),
      side('mine', f.mine, f.mine_changed, ''),
    );
    // What only one side changed is kept by default; what both changed waits for a choice.
    const preset = f.theirs_changed && !f.mine_changed ? 'theirs' : f.mine_changed && !f.theirs_changed ? 'mine' : '';
    if (preset) tr.querySelector(`input[value=${preset}]`).checked = true;
    return tr;
  });
  const body = $('conflict-rows');
  body.replaceChildren(...rows);
  const mark = () => {
    for (const td of body.querySelectorAll('td.conflict-side')) {
      td.classList.toggle('conflict-chosen', td.querySelector('input').checked);
    }
  };
  mark();
  body.onchange = () => {
    for (const tr of body.querySelectorAll('tr.conflict-missing')) {
      if (tr.querySelector('input:checked')) tr.classList.remove('conflict-missing');
    }
    mark();
  };
  const all = (which) => () => {
    for (const r of body.querySelectorAll(`input[value=${which}]`)) r.checked = true;
    body.onchange();
  };
  $('conflict-all-theirs').onclick = all('theirs');
  $('conflict-all-mine').onclick = all('mine');
  return new Promise((resolve) => {
    let answer = null;
    form.onsubmit = (e) => {
      e.preventDefault();
      const open = [...body.querySelectorAll('tr')].filter((tr) => !tr.querySelector('input:checked'));
      for (const tr of open) tr.classList.add('conflict-missing');
      if (open.length) {
        box.hidden = false;
        box.textContent = t('conflict.choose');
        open[0].querySelector('input').focus();
        return;
      }
      answer = new Set([...body.querySelectorAll('input[value=mine]:checked')].map((r) => r.closest('tr').dataset.field));
      dialog.close();
    };
    form.querySelector('.cancel').onclick = () => dialog.close();
    dialog.addEventListener('close', () => resolve(answer), { once: true });
    dialog.showModal();
    const undecided = [...body.querySelectorAll('tr')].find((tr) => !tr.querySelector('input:checked'));
    (undecided?.querySelector('input') ?? form.querySelector('button[type=submit]')).focus();
  });
}
