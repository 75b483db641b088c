// Toasts (short confirmations, with an optional action such as Undo), banners that stay,
// and an in-page confirmation dialog.

import { t } from './i18n.js';
import { $, el, button } from './dom.js';

export function toast(message, action) {
  const box = $('toasts');
  const item = el('div', 'toast');
  item.append(el('span', null, message));
  if (action) {
    item.append(button(null, action.label, () => {
      item.remove();
      action.run();
    }));
  }
  box.append(item);
  setTimeout(() => item.remove(), action ? 8000 : 3500);
}

export function banner(message, kind = 'warning') {
  const item = el('div', `banner ${kind}`, message);
  item.setAttribute('role', 'alert');
  $('banners').append(item);
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
