// The contact history of the customer on the card: the timeline (newest first, filtered by
// kind and person), logging a contact in a few keystrokes, and corrections that keep the
// original visible.

import { api } from '../ipc.js';
import { formatDateTime, formatDate, formatLocalDateTime, formatSize, isoDay, isoNow, t } from '../i18n.js';
import { clearErrors, numberOrNull, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { fillUserSelects, myId, userInitials, userName } from '../users.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const PAGE = 30;
const timeline = $('timeline');
const form = $('contact-form');
let kinds = [];
let customerId = null;
let people = [];
let contacts = [];
let correcting = null; // the contact being corrected, null when logging a new one
let attachTo = null; // the contact the file picker adds files to
const MAX_FILE = 25 * 1024 * 1024;

export function init(contactKinds) {
  kinds = contactKinds;
  // The people of the customer on the card are offered as a filter and in the form.
  listen('people', ({ people: persons }) => setPeople(persons));
  relabel();
  $('history-kind').addEventListener('change', () => load(customerId, people));
  $('history-person').addEventListener('change', () => load(customerId, people));
  $('history-more').addEventListener('click', more);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  // Enter saves from the note too (Shift+Enter for a new line): log, type, Enter.
  form.elements.agreed.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      save();
    }
  });
  form.querySelector('.cancel').addEventListener('click', closeForm);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      closeForm();
    }
  });
  $('attach-input').addEventListener('change', async (e) => {
    const files = [...e.target.files];
    e.target.value = '';
    if (attachTo && files.length) {
      await attachFiles(attachTo, files);
      await load(customerId, people);
    }
  });
  form.elements.kind.addEventListener('change', () => {
    if (!correcting) form.elements.duration_min.value = defaultDuration(form.elements.kind.value);
  });
}

export function relabel() {
  for (const select of [form.elements.kind, form.elements.next_kind]) {
    const keep = select.value;
    select.replaceChildren(...kinds.map((k) => new Option(t(`kind.${k}`), k)));
    select.value = keep || 'phone';
  }
  const filter = $('history-kind');
  const keep = filter.value;
  filter.replaceChildren(new Option(t('history.all_kinds'), ''), ...kinds.map((k) => new Option(t(`kind.${k}`), k)));
  filter.value = keep;
  render();
}

function defaultDuration(kind) {
  return { visit: 60, phone: 5, email: 5, letter: 10 }[kind] ?? 10;
}

/** Shows the timeline of customer `id`, whose people are `persons`. */
export async function load(id, persons) {
  if (id !== customerId) {
    $('history-kind').value = '';
    $('history-person').value = '';
    closeForm();
  }
  customerId = id;
  setPeople(persons);
  contacts = await api.history(id, filter(0));
  $('history-more').hidden = contacts.length < PAGE;
  render();
}

function setPeople(persons) {
  people = persons;
  const select = $('history-person');
  const keep = select.value;
  select.replaceChildren(new Option(t('history.all_people'), ''), ...people.map((p) => new Option(p.name, String(p.id))));
  select.value = keep;
}

function filter(offset) {
  return {
    kind: $('history-kind').value || null,
    person_id: numberOrNull($('history-person').value),
    limit: PAGE,
    offset,
  };
}

async function more() {
  const page = await api.history(customerId, filter(contacts.length));
  contacts = contacts.concat(page);
  $('history-more').hidden = page.length < PAGE;
  render();
}

function personName(id) {
  return people.find((p) => p.id === id)?.name ?? '';
}

function line(className, text) {
  const el = document.createElement('div');
  el.className = className;
  el.textContent = text;
  return el;
}

function render() {
  if (!timeline) return;
  timeline.replaceChildren(...contacts.map((c) => {
    const li = document.createElement('li');
    li.className = `contact kind-${c.kind}`;
    li.dataset.id = c.id;
    const head = [
      formatLocalDateTime(c.happened_at),
      t(`kind.${c.kind}`),
      c.duration_min ? t('history.minutes', { minutes: c.duration_min }) : '',
      userInitials(c.user_id),
      c.person_ids.map(personName).filter(Boolean).join(', '),
    ].filter(Boolean).join(' · ');
    li.append(line('when', head));
    if (c.agreed) li.append(line('agreed', c.agreed));
    if (c.docs_sent.length) li.append(line('docs', `${t('contact.docs_sent')}: ${c.docs_sent.join(', ')}`));
    if (c.docs_received.length) li.append(line('docs', `${t('contact.docs_received')}: ${c.docs_received.join(', ')}`));
    if (c.attachments.length) li.append(fileLine(c.attachments));
    if (c.next_due) {
      const next = c.next_done_at
        ? t('history.next_done', { action: c.next_action, outcome: c.next_outcome || '—' })
        : t('history.next_open', { action: c.next_action, due: formatDate(c.next_due), who: userName(c.next_user_id) || '—' });
      li.append(line(c.next_done_at ? 'next done' : 'next', next));
    }
    const actions = document.createElement('div');
    actions.className = 'contact-actions';
    const fix = button('link', t('history.correct'), () => openForm(c));
    const attach = button('link', t('history.attach'), () => {
      attachTo = c.id;
      $('attach-input').click();
    });
    actions.append(fix, attach);
    if (c.revisions > 0) {
      const shown = button('link', t('history.corrected', { count: c.revisions }), () => showRevisions(li, c));
      actions.append(shown);
    }
    li.append(actions);
    return li;
  }));
}

function fileLine(attachments) {
  const el = document.createElement('div');
  el.className = 'files';
  el.append(`${t('contact.files')}: `);
  for (const a of attachments) {
    const open = button('link file', `${a.name} (${formatSize(a.size)})`);
    open.title = t('history.open_file');
    open.addEventListener('click', () => api.openAttachment(a.id).catch((err) => toast(err.message)));
    el.append(open);
  }
  return el;
}

/** Stores files with contact `contactId`, one by one; says which ones could not be kept. */
async function attachFiles(contactId, files) {
  for (const file of files) {
    if (file.size > MAX_FILE) {
      toast(`${file.name}: ${t('validation.attachment_too_big')}`);
      continue;
    }
    try {
      toast(t('history.attaching', { name: file.name }));
      await api.attachFile(contactId, file.name, new Uint8Array(await file.arrayBuffer()));
      toast(t('history.attached', { name: file.name }));
    } catch (err) {
      toast(`${file.name}: ${err.message}`);
    }
  }
}

async function showRevisions(li, contact) {
  li.querySelector('.revisions')?.remove();
  const box = document.createElement('ol');
  box.className = 'revisions';
  for (const r of await api.revisions(contact.id)) {
    const item = document.createElement('li');
    item.append(
      line('when', t('history.revision', { date: formatDateTime(r.revised_at), who: userName(r.revised_by) || '—' })),
      line('agreed', r.previous.agreed || '—'),
    );
    if (r.previous.next_action) {
      item.append(line('next', t('history.next_open', {
        action: r.previous.next_action,
        due: formatDate(r.previous.next_due),
        who: userName(r.previous.next_user_id) || '—',
      })));
    }
    box.append(item);
  }
  li.append(box);
}

/** Opens the form to log a new contact (defaults: now, me, main contact, a call back in 3 days). */
export function logNew() {
  openForm(null);
}

function openForm(contact) {
  correcting = contact;
  clearErrors(form);
  fillUserSelects(form);
  const main = people.find((p) => p.is_main && p.active);
  const data = contact ?? {
    kind: 'phone',
    happened_at: isoNow(),
    duration_min: defaultDuration('phone'),
    user_id: myId(),
    person_ids: main ? [main.id] : [],
    agreed: '',
    docs_sent: [],
    docs_received: [],
    next_action: t('contact.default_next'),
    next_kind: 'phone',
    next_due: isoDay(3),
    next_user_id: myId(),
  };
  form.querySelector('.subform-title').textContent = contact ? t('history.correct_title') : t('history.log_title');
  const pick = form.querySelector('.pick');
  pick.replaceChildren(...people.filter((p) => p.active || data.person_ids.includes(p.id)).map((p) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = String(p.id);
    box.checked = data.person_ids.includes(p.id);
    label.append(box, ` ${p.name}`);
    return label;
  }));
  for (const name of ['kind', 'happened_at', 'duration_min', 'agreed', 'next_action', 'next_kind', 'next_due']) {
    form.elements[name].value = data[name] ?? '';
  }
  form.elements.user_id.value = data.user_id ?? '';
  form.elements.next_user_id.value = data.next_user_id ?? '';
  form.elements.docs_sent.value = data.docs_sent.join(', ');
  form.elements.docs_received.value = data.docs_received.join(', ');
  // Files are added to a saved contact, never replaced: the picker is for new contacts only.
  form.elements.files.value = '';
  form.querySelector('[data-new-only]').hidden = Boolean(contact);
  form.hidden = false;
  form.elements.agreed.focus();
}

function closeForm() {
  form.hidden = true;
  correcting = null;
}

function readForm() {
  const v = (name) => form.elements[name].value;
  const list = (name) => v(name).split(',').map((d) => d.trim()).filter(Boolean);
  const nextAction = v('next_action').trim();
  return {
    happened_at: v('happened_at').slice(0, 16),
    duration_min: Number(v('duration_min') || 0),
    user_id: numberOrNull(v('user_id')),
    kind: v('kind'),
    person_ids: Array.from(form.querySelectorAll('.pick input:checked'), (b) => Number(b.value)),
    agreed: v('agreed'),
    docs_sent: list('docs_sent'),
    docs_received: list('docs_received'),
    next_action: nextAction,
    next_kind: nextAction ? v('next_kind') : '',
    // No action, no due date: clearing the action clears the plan.
    next_due: nextAction ? v('next_due') || null : null,
    next_user_id: nextAction ? numberOrNull(v('next_user_id')) : null,
  };
}

async function save() {
  const data = readForm();
  try {
    const files = correcting ? [] : [...form.elements.files.files];
    if (correcting) await api.correctContact(correcting.id, correcting.version, data);
    else await attachFiles((await api.logContact(customerId, data)).id, files);
    toast(t(correcting ? 'history.corrected_saved' : 'history.logged'));
    closeForm();
    await load(customerId, people);
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}
