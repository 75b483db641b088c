// Small helpers shared by the forms: showing field errors the way the customer card does.

/** Clears a form's error marks. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  const box = form.querySelector('.errors');
  if (box) box.hidden = true;
}

/** Shows an API error on a form: each invalid field marked, the message in the error box. */
export function showErrors(form, err, summary) {
  clearErrors(form);
  let first = null;
  for (const f of err.fields ?? []) {
    const el = form.elements[f.field];
    const slot = el?.closest('label')?.querySelector('.field-error') ?? form.querySelector(`.field-error[data-for="${f.field}"]`);
    if (el) el.setAttribute('aria-invalid', 'true');
    if (slot) slot.textContent = f.message;
    first ??= el;
  }
  const box = form.querySelector('.errors');
  if (box) {
    box.hidden = false;
    box.textContent = err.code === 'validation' && summary ? summary : err.message;
  }
  (first ?? box)?.focus?.();
}

/** A number field's value: null when empty. */
export function numberOrNull(value) {
  return value === '' || value == null ? null : Number(value);
}
