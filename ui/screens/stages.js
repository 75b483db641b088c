// Settings › sales process: the manager names the stages in the screen's language, sets each
// one's win probability, the days after which a deal in it is stalled, who is responsible and
// the checklist to answer before leaving it; adds, reorders and retires stages (retired ones
// keep their history). Below, the reasons for lost and postponed deals and disqualified leads,
// and the sources leads and customers come from: one per line, a line removed retires its
// entry (records keep it), the same name typed again brings it back.

import { api } from '../ipc.js';
import { language, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { loadProcess, named, processSettings, reasonSettings } from '../process.js';
import { manages } from '../users.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const ROLES = ['salesperson', 'assistant', 'manager'];
let draft = [];

export function init() {
  listen('process', render);
  listen('user', render);
  $('stage-add').addEventListener('click', () => {
    const names = { [language().locale]: '' };
    const at = draft.findIndex((s) => s.kind !== 'open');
    draft.splice(at < 0 ? draft.length : at, 0, { id: 0, kind: 'open', names, probability: 50, checklist: [], role: 'salesperson', stall_days: 30, retired: false });
    collect();
    renderRows();
    $('stage-list').querySelectorAll('[name=name]')[Math.max(0, at)]?.focus();
  });
  $('stages-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    collect();
    try {
      await api.saveStages({ version: processSettings().version, stages: draft });
      clearErrors($('stages-form'));
      toast(t('stages.saved'));
      await loadProcess();
    } catch (err) {
      showErrors($('stages-form'), err, t('card.errors_title'));
    }
  });
  $('reasons-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = reasonSettings();
    const f = $('reasons-form').elements;
    const list = (name) => readList(r[name] ?? [], f[name].value);
    try {
      await api.saveReasons({
        version: r.version, lost: list('lost'), postponed: list('postponed'), disqualified: list('disqualified'), sources: list('sources'),
      });
      clearErrors($('reasons-form'));
      toast(t('stages.saved'));
      await loadProcess();
    } catch (err) {
      showErrors($('reasons-form'), err, t('card.errors_title'));
    }
  });
}

/**
 * A list of reasons (or sources) as its text area now reads, in the screen's language: a line
 * with the name of an entry keeps that entry (bringing a retired one back); the other lines
 * rename, in order, the entries in use whose lines went, or are new; entries left without a
 * line are retired, never deleted.
 */
function readList(current, text) {
  const l = language().locale;
  const lines = text.split('\n').map((x) => x.trim()).filter(Boolean);
  const used = new Set();
  const matched = lines.map((line) => {
    const hit = current.find((x) => !used.has(x) && named(x.names) === line);
    if (hit) used.add(hit);
    return hit;
  });
  const spare = current.filter((x) => !x.retired && !used.has(x));
  const listed = lines.map((line, i) => {
    let x = matched[i];
    if (!x && spare.length) {
      x = spare.shift();
      used.add(x);
    }
    if (!x) return { code: '', names: { [l]: line }, retired: false };
    return { ...x, names: line === named(x.names) ? x.names : { ...x.names, [l]: line }, retired: false };
  });
  return [...listed, ...current.filter((x) => !used.has(x)).map((x) => ({ ...x, retired: true }))];
}

export function relabel() {
  render();
}

function canEdit() {
  return manages();
}

function render() {
  draft = structuredClone(processSettings().stages);
  $('stages-locked').hidden = canEdit();
  renderRows();
  const r = reasonSettings();
  const f = $('reasons-form').elements;
  for (const name of ['lost', 'postponed', 'disqualified', 'sources']) {
    const list = r[name] ?? [];
    f[name].value = list.filter((x) => !x.retired).map((x) => named(x.names)).join('\n');
    f[name].disabled = !canEdit();
    const retired = list.filter((x) => x.retired).map((x) => named(x.names));
    const note = f[name].closest('label').querySelector('.stages-retired');
    note.textContent = retired.length ? t('reasons.retired', { names: retired.join(', ') }) : '';
    note.hidden = !retired.length;
  }
  $('reasons-form').querySelector('button[type=submit]').hidden = !canEdit();
  $('stage-add').hidden = !canEdit();
  $('stages-form').querySelector('button[type=submit]').hidden = !canEdit();
}

function labelled(caption, input, className = '') {
  const label = document.createElement('label');
  if (className) label.className = className;
  const span = document.createElement('span');
  span.textContent = caption;
  label.append(span, input);
  return label;
}

function input(name, value, attrs = {}) {
  const el = Object.assign(document.createElement('input'), { name, value: value ?? '', disabled: !canEdit() }, attrs);
  return el;
}

function renderRows() {
  const editable = canEdit();
  const opens = draft.filter((s) => s.kind === 'open');
  $('stage-list').replaceChildren(...draft.map((s, i) => {
    const li = document.createElement('li');
    li.className = `stage-item subform kind-${s.kind}`;
    li.classList.toggle('retired', s.retired);
    li.dataset.index = i;
    const grid = document.createElement('div');
    grid.className = 'grid';
    grid.append(labelled(t('stages.name'), input('name', named(s.names), { maxLength: 100 })));
    const kind = document.createElement('strong');
    kind.textContent = t(`stages.kind.${s.kind}`);
    grid.append(labelled(t('stages.kind'), kind));
    if (s.kind === 'open') {
      grid.append(labelled(t('stages.probability'), input('probability', s.probability, { type: 'number', min: 0, max: 100 })));
      grid.append(labelled(t('stages.stall_days'), input('stall_days', s.stall_days, { type: 'number', min: 0, max: 3650 })));
      const role = document.createElement('select');
      role.name = 'role';
      role.disabled = !editable;
      role.append(...ROLES.map((r) => new Option(t(`role.${r}`), r)));
      role.value = s.role;
      grid.append(labelled(t('stages.role'), role));
      const area = Object.assign(document.createElement('textarea'), {
        name: 'checklist', rows: Math.max(2, s.checklist.length), disabled: !editable,
        value: s.checklist.map((q) => named(q.text)).join('\n'),
      });
      grid.append(labelled(t('stages.checklist'), area, 'wide'));
      const retired = input('retired', '', { type: 'checkbox', checked: s.retired });
      const check = labelled(t('stages.retired'), retired, 'check');
      grid.append(check);
    } else {
      const p = document.createElement('strong');
      p.textContent = `${s.probability}%`;
      grid.append(labelled(t('stages.probability'), p));
    }
    li.append(grid);
    if (editable && s.kind === 'open') {
      const k = opens.indexOf(s);
      const actions = document.createElement('div');
      actions.className = 'subform-actions';
      for (const [label, by, hint] of [['↑', -1, 'fields.up'], ['↓', 1, 'fields.down']]) {
        const b = button('icon', label);
        b.title = t(hint);
        b.disabled = (by < 0 && k === 0) || (by > 0 && k === opens.length - 1);
        b.addEventListener('click', () => {
          collect();
          const j = draft.indexOf(opens[k + by]);
          [draft[i], draft[j]] = [draft[j], draft[i]];
          renderRows();
        });
        actions.append(b);
      }
      li.append(actions);
    }
    return li;
  }));
}

/** Reads the rows back into the draft, in the screen's language. */
function collect() {
  const l = language().locale;
  for (const li of $('stage-list').children) {
    const s = draft[Number(li.dataset.index)];
    if (!s) continue;
    const f = (name) => li.querySelector(`[name=${name}]`);
    s.names = { ...s.names, [l]: f('name').value };
    if (s.kind !== 'open') continue;
    s.probability = Number(f('probability').value);
    s.stall_days = Number(f('stall_days').value);
    s.role = f('role').value;
    s.retired = f('retired').checked;
    const lines = f('checklist').value.split('\n').map((x) => x.trim()).filter(Boolean);
    s.checklist = lines.map((line, i) => (i < s.checklist.length
      ? { ...s.checklist[i], text: { ...s.checklist[i].text, [l]: line } }
      : { id: 0, text: { [l]: line } }));
  }
}
