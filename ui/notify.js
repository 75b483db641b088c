// Toasts (short confirmations, with an optional action such as Undo), banners that stay,
// and an in-page confirmation dialog.

import { t } from './i18n.js';
import { $ } from './dom.js';

export function toast(message, action) {
  const box = $('toasts');
  const el = document.createElement('div');
  el.className = 'toast';
  const text = document.createElement('span');
  text.textContent = message;
  el.append(text);
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.addEventListener('click', () => {
      el.remove();
      action.run();
    });
    el.append(button);
  }
  box.append(el);
  setTimeout(() => el.remove(), action ? 8000 : 3500);
}

export function banner(message, kind = 'warning') {
  const el = document.createElement('div');
  el.className = `banner ${kind}`;
  el.setAttribute('role', 'alert');
  el.textContent = message;
  $('banners').append(el);
}

/** Asks a yes/no question; resolves true when the person confirms. */
export function confirmAction(question, confirmLabel) {
  const dialog = $('confirm');
  $('confirm-text').textContent = question;
  $('confirm-ok').textContent = confirmLabel ?? t('card.discard');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-ok').focus();
  });
}
