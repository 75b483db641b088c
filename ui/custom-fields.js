// The office's own customer fields: their definitions (loaded once, reloaded when the manager
// changes them, announced as 'fields') and the inputs they put on the customer card.

import { api } from './ipc.js';
import { formatDecimal, parseDecimal, t } from './i18n.js';
import { announce } from './signals.js';

let fields = [];

export async function loadFields() {
  fields = await api.customFields();
  announce('fields', fields);
  return fields;
}

export function allFields() {
  return fields;
}

export function inputName(id) {
  return `custom.${id}`;
}

/** One labelled input per active field, named `custom.<id>` as errors name them. */
export function renderInputs(container) {
  const active = fields.filter((f) => !f.retired);
  container.closest('fieldset').hidden = active.length === 0;
  container.replaceChildren(...active.map((f) => {
    const label = document.createElement('label');
    const caption = document.createElement('span');
    caption.textContent = f.label;
    let input;
    if (f.kind === 'choice') {
      input = document.createElement('select');
      input.append(new Option(t('field.choose'), ''), ...f.choices.map((c) => new Option(c, c)));
    } else {
      input = document.createElement('input');
      input.maxLength = 200;
      if (f.kind === 'date') input.type = 'date';
      if (f.kind === 'number') input.inputMode = 'decimal';
    }
    input.name = inputName(f.id);
    input.dataset.kind = f.kind;
    const error = document.createElement('small');
    error.className = 'field-error';
    label.append(caption, input, error);
    return label;
  }));
}

/** Puts a customer's values into the inputs; a withdrawn choice stays visible and kept. */
export function fillInputs(container, values) {
  for (const input of container.querySelectorAll('[name^="custom."]')) {
    const value = values?.[input.name.slice('custom.'.length)] ?? '';
    if (input.tagName === 'SELECT' && value && ![...input.options].some((o) => o.value === value)) {
      input.append(new Option(value, value));
    }
    input.value = input.dataset.kind === 'number' ? formatDecimal(value) : value;
  }
}

/** The values as CustomerData.custom, and the numbers that could not be read. */
export function readInputs(container) {
  const values = {};
  const problems = [];
  for (const input of container.querySelectorAll('[name^="custom."]')) {
    let value = input.value.trim();
    if (input.dataset.kind === 'number') {
      const n = parseDecimal(value);
      if (Number.isNaN(n)) problems.push({ field: input.name, message: t('validation.number') });
      value = n ?? '';
    }
    if (value !== '' && !Number.isNaN(value)) values[input.name.slice('custom.'.length)] = value;
  }
  return { values, problems };
}
