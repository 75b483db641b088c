// The office's users: who sits at this workstation, and the user drop-downs of every screen.

import { api } from './ipc.js';
import { t } from './i18n.js';
import { $ } from './dom.js';
import { announce } from './signals.js';

let users = [];
let me = null;

export function currentUser() {
  return users.find((u) => u.id === me) ?? null;
}

/** The sales manager and the director change what the whole office shares and read everyone's figures. */
export function manages() {
  const role = currentUser()?.role;
  return role === 'manager' || role === 'director';
}

export function myId() {
  return me;
}

export function allUsers() {
  return users;
}

export function userName(id) {
  return users.find((u) => u.id === id)?.name ?? '';
}

export function userInitials(id) {
  return users.find((u) => u.id === id)?.initials ?? '';
}

export async function loadUsers() {
  users = await api.users();
  return users;
}

/** Fills every <select data-users> below `root` with the active users (and keeps a chosen inactive one). */
export function fillUserSelects(root) {
  for (const select of root.querySelectorAll('select[data-users]')) {
    const keep = Array.from(select.selectedOptions, (o) => o.value);
    const options = users
      .filter((u) => u.active || keep.includes(String(u.id)))
      .map((u) => new Option(u.name, String(u.id)));
    if (!select.multiple) options.unshift(new Option(t('field.choose'), ''));
    select.replaceChildren(...options);
    for (const o of select.options) o.selected = keep.includes(o.value);
  }
}

/**
 * Fills a "whose" select: me, everyone (when `everyone`), and each active colleague (when
 * `colleagues`), keeping the choice made, else `first`.
 */
export function fillWhoseSelect(select, { everyone, colleagues, first = 'me' }) {
  const keep = select.value || first;
  const options = [new Option(t('agenda.mine'), 'me')];
  if (everyone) options.push(new Option(t('agenda.everyone'), 'all'));
  if (colleagues) for (const u of users.filter((u) => u.active && u.id !== me)) options.push(new Option(u.name, String(u.id)));
  select.replaceChildren(...options);
  select.value = Array.from(select.options).some((o) => o.value === keep) ? keep : 'me';
}

/** The user a "whose" select names: my id, null for everyone, or a colleague's id. */
export function whose(select) {
  const v = select.value;
  if (v === 'me') return me;
  if (v === 'all') return null;
  return Number(v);
}

function renderWhoButton() {
  const button = $('who-button');
  const user = currentUser();
  button.textContent = user ? user.name : t('who.nobody');
}

/**
 * Makes sure someone is chosen at this workstation: asks when nobody is (or the remembered user
 * is not in this database). Resolves with the user.
 */
export async function ensureUser(rememberedId) {
  await loadUsers();
  if (users.some((u) => u.id === rememberedId && u.active)) {
    me = rememberedId;
    renderWhoButton();
    return currentUser();
  }
  return chooseUser({ required: true });
}

/** Shows the "who are you" dialog; resolves once a user is chosen or created. */
export function chooseUser({ required = false } = {}) {
  const dialog = $('who-dialog');
  const form = $('who-form');
  const list = $('who-list');
  const errors = form.querySelector('.errors');
  const roles = form.elements.role;
  roles.replaceChildren(...['salesperson', 'assistant', 'manager', 'director'].map((r) => new Option(t(`role.${r}`), r)));
  list.replaceChildren(...users.filter((u) => u.active).map((u) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'who-choice';
    button.dataset.userId = u.id;
    const name = document.createElement('strong');
    name.textContent = u.name;
    const role = document.createElement('span');
    role.className = 'muted';
    role.textContent = ` ${t(`role.${u.role}`)}`;
    button.append(name, role);
    li.append(button);
    return li;
  }));
  errors.hidden = true;
  form.reset();
  return new Promise((resolve) => {
    const done = async (user) => {
      me = user.id;
      await api.chooseUser(user.id);
      renderWhoButton();
      dialog.close();
      announce('user');
      resolve(user);
    };
    list.onclick = (e) => {
      const button = e.target.closest('button[data-user-id]');
      if (button) done(users.find((u) => u.id === Number(button.dataset.userId)));
    };
    form.onsubmit = async (e) => {
      e.preventDefault();
      try {
        const user = await api.createUser({ name: form.elements.name.value, role: roles.value, active: true });
        users.push(user);
        await done(user);
      } catch (err) {
        errors.hidden = false;
        errors.textContent = err.fields?.[0]?.message ?? err.message;
      }
    };
    // Nobody may work anonymously: without a user, Escape does not close the dialog.
    dialog.oncancel = (e) => {
      if (required) e.preventDefault();
    };
    dialog.showModal();
    (list.querySelector('button') ?? form.elements.name).focus();
  });
}

export function initWhoButton() {
  $('who-button').addEventListener('click', () => chooseUser());
}
