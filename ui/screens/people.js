// The people of the customer on the card: list, add, edit; main contact and who left.

import { api } from '../ipc.js';
import { t } from '../i18n.js';
import { clearErrors, numberOrNull, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { resolveConflict } from '../conflict.js';
import { showChanges } from './changes.js';
import { $, button } from '../dom.js';
import { announce } from '../signals.js';

const list = $('people-list');
const form = $('person-form');
let customerId = null;
let people = [];
let editing = null; // the person being edited, null for a new one
let choices = [];

export function init(decisionRoles) {
  choices = decisionRoles;
  relabel();
  $('person-new').addEventListener('click', () => edit(null));
  $('people-show-inactive').addEventListener('change', render);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.querySelector('.cancel').addEventListener('click', () => {
    form.hidden = true;
  });
  $('person-changes').addEventListener('click', () => {
    if (editing) showChanges('person', editing.id, editing.name, new Map(people.map((p) => [p.id, p.name])));
  });
}

export function relabel() {
  const select = form.elements.decision_role;
  const keep = select.value;
  select.replaceChildren(new Option(t('field.choose'), ''), ...choices.map((r) => new Option(t(`decision_role.${r}`), r)));
  select.value = keep;
  render();
}

/** Shows the people of `id`; returns them (the contact form picks from them). */
export async function load(id) {
  customerId = id;
  form.hidden = true;
  people = await api.people(id);
  render();
  return people;
}

export function current() {
  return people;
}

function render() {
  const showInactive = $('people-show-inactive').checked;
  $('people-count').textContent = people.filter((p) => p.active).length || '';
  list.replaceChildren(...people.filter((p) => p.active || showInactive).map((p) => {
    const li = document.createElement('li');
    li.className = 'person';
    li.classList.toggle('inactive', !p.active);
    const head = document.createElement('div');
    const name = document.createElement('strong');
    name.textContent = p.name;
    head.append(name);
    if (p.is_main) head.append(badge(t('person.main_badge'), 'main'));
    if (!p.active) head.append(badge(t('person.left_badge')));
    const role = [p.position, p.decision_role ? t(`decision_role.${p.decision_role}`) : '', p.branch].filter(Boolean).join(' · ');
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = role;
    const reach = document.createElement('div');
    reach.className = 'meta';
    reach.textContent = [p.phone, p.mobile, p.email].filter(Boolean).join(' · ');
    const editButton = button('link', t('people.edit'), () => edit(p));
    li.append(head, meta, reach, editButton);
    return li;
  }));
}

function badge(text, kind = '') {
  const b = document.createElement('span');
  b.className = `badge ${kind}`;
  b.textContent = text;
  return b;
}

function edit(person) {
  editing = person;
  clearErrors(form);
  const data = person ?? { active: true, is_main: people.filter((p) => p.active).length === 0 };
  const boss = form.elements.assistant_of;
  boss.replaceChildren(new Option(t('field.choose'), ''), ...people
    .filter((p) => p.active && p.id !== person?.id)
    .map((p) => new Option(p.name, String(p.id))));
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') el.checked = Boolean(data[el.name]);
    else el.value = data[el.name] ?? '';
  }
  $('person-changes').hidden = !person;
  form.hidden = false;
  form.elements.name.focus();
}

async function save() {
  const data = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    data[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  data.assistant_of = numberOrNull(data.assistant_of);
  const opened = editing;
  try {
    if (opened) await api.updatePerson(opened.id, opened.version, data);
    else await api.createPerson(customerId, data);
  } catch (err) {
    if (err.code !== 'conflict' || !opened) {
      showErrors(form, err, t('card.errors_title'));
      return;
    }
    // Someone else saved this person since the form was opened: theirs or mine per field.
    try {
      const saved = await resolveConflict({
        entity: 'person', id: opened.id, base: opened, mine: data, names: new Map(people.map((p) => [p.id, p.name])),
        save: (version, merged) => api.updatePerson(opened.id, version, merged),
      });
      if (!saved) return;
    } catch (again) {
      showErrors(form, again, t('card.errors_title'));
      return;
    }
  }
  toast(t('people.saved'));
  await load(customerId);
  announce('people', { customerId, people });
}
