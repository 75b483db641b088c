// Settings › customer fields: the sales manager adds fields to every customer card (text,
// number, date or a choice list), renames them, edits choices, orders and retires them.

import { api } from '../ipc.js';
import { t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { allFields, loadFields } from '../custom-fields.js';
import { manages } from '../users.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const KINDS = ['text', 'number', 'date', 'choice'];
const list = $('field-list');
const addForm = $('field-add');

export function init() {
  relabel();
  addForm.elements.kind.addEventListener('change', () => showChoices(addForm));
  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.defineField(readForm(addForm, addForm.elements.kind.value));
      addForm.reset();
      showChoices(addForm);
      clearErrors(addForm);
      toast(t('fields.added'));
      await loadFields();
      addForm.elements.label.focus();
    } catch (err) {
      showErrors(addForm, err, t('card.errors_title'));
    }
  });
  listen('fields', render);
  listen('user', render);
}

export function relabel() {
  const kind = addForm.elements.kind;
  const keep = kind.value || 'text';
  kind.replaceChildren(...KINDS.map((k) => new Option(t(`fields.kind.${k}`), k)));
  kind.value = keep;
  render();
}

function showChoices(form) {
  form.querySelector('[data-choices-only]').hidden = form.elements.kind.value !== 'choice';
}

function readForm(form, kind, retired = false) {
  const choices = form.elements.choices?.value.split('\n').map((c) => c.trim()).filter(Boolean) ?? [];
  return { label: form.elements.label.value, kind, choices, retired };
}

function render() {
  const canEdit = manages();
  $('fields-locked').hidden = canEdit;
  addForm.hidden = !canEdit;
  const fields = allFields();
  list.replaceChildren(...fields.map((f, i) => {
    const li = document.createElement('li');
    const form = document.createElement('form');
    form.className = 'field-item subform';
    form.noValidate = true;
    form.dataset.kind = f.kind;
    form.classList.toggle('retired', f.retired);
    const errors = document.createElement('p');
    errors.className = 'errors';
    errors.hidden = true;
    const grid = document.createElement('div');
    grid.className = 'grid';
    const label = labelled(t('fields.label'), Object.assign(document.createElement('input'), {
      name: 'label', value: f.label, maxLength: 60, disabled: !canEdit,
    }));
    const kind = document.createElement('label');
    kind.append(Object.assign(document.createElement('span'), { textContent: t('fields.kind') }),
      Object.assign(document.createElement('strong'), { textContent: t(`fields.kind.${f.kind}`) }));
    grid.append(label, kind);
    if (f.kind === 'choice') {
      const area = Object.assign(document.createElement('textarea'), {
        name: 'choices', rows: 3, value: f.choices.join('\n'), disabled: !canEdit,
      });
      const wide = labelled(t('fields.choices'), area);
      wide.classList.add('wide');
      grid.append(wide);
    }
    const actions = document.createElement('div');
    actions.className = 'subform-actions';
    if (canEdit) {
      const save = button('primary', t('fields.save'));
      save.type = 'submit';
      actions.append(
        save,
        button(null, f.retired ? t('fields.reactivate') : t('fields.retire'), () => update(form, f, !f.retired)),
        button('icon', '↑', () => move(i, -1)),
        button('icon', '↓', () => move(i, 1)),
      );
      actions.lastChild.disabled = i === fields.length - 1;
      actions.lastChild.previousSibling.disabled = i === 0;
      actions.lastChild.title = t('fields.down');
      actions.lastChild.previousSibling.title = t('fields.up');
    }
    if (f.retired) {
      actions.append(Object.assign(document.createElement('small'), { textContent: t('fields.retired') }));
    }
    form.append(errors, grid, actions);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      update(form, f, f.retired);
    });
    li.append(form);
    return li;
  }));
}

function labelled(caption, input) {
  const label = document.createElement('label');
  const error = document.createElement('small');
  error.className = 'field-error';
  label.append(Object.assign(document.createElement('span'), { textContent: caption }), input, error);
  return label;
}

async function update(form, field, retired) {
  try {
    await api.updateField(field.id, field.version, readForm(form, field.kind, retired));
    toast(t('fields.saved'));
    await loadFields();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}

async function move(index, by) {
  const ids = allFields().map((f) => f.id);
  const [id] = ids.splice(index, 1);
  ids.splice(index + by, 0, id);
  try {
    await api.reorderFields(ids);
    await loadFields();
  } catch (err) {
    toast(err.message);
  }
}
