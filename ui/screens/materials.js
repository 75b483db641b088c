// Materials sent to the customer regularly (price list every quarter, newsletter…): listed
// under the card's people, with "sent today" in one click.

import { api } from '../ipc.js';
import { formatDate, isoDay, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { $, button } from '../dom.js';

const list = $('materials-list');
const form = $('material-form');
let customerId = null;
let materials = [];

export function init() {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.addMaterial(customerId, {
        name: form.elements.name.value,
        every_days: Number(form.elements.every_days.value || 0),
        last_sent: null,
      });
      form.elements.name.value = '';
      clearErrors(form);
      await load(customerId);
    } catch (err) {
      showErrors(form, err, t('card.errors_title'));
    }
  });
}

export async function load(id) {
  customerId = id;
  materials = await api.materials(id);
  render();
}

export function relabel() {
  render();
}

/** Marks a material sent today; shared with the agenda. */
export async function markSent(customer, material) {
  await api.updateMaterial(customer, material.id, material.version, { ...material, last_sent: isoDay() });
  toast(t('materials.sent_saved', { name: material.name }));
}

function render() {
  list.replaceChildren(...materials.map((m) => {
    const li = document.createElement('li');
    li.className = 'material';
    const text = document.createElement('span');
    text.textContent = [
      m.name,
      t('materials.every_n', { days: m.every_days }),
      m.last_sent ? t('materials.last_sent', { date: formatDate(m.last_sent) }) : t('materials.never_sent'),
    ].join(' · ');
    const sent = button('link', t('materials.sent_today'), async () => {
      try {
        await markSent(customerId, m);
        await load(customerId);
      } catch (err) {
        toast(err.message);
      }
    });
    const remove = button('link danger', t('materials.remove'), async () => {
      try {
        await api.deleteMaterial(m.id);
        await load(customerId);
      } catch (err) {
        toast(err.message);
      }
    });
    li.append(text, sent, remove);
    return li;
  }));
}
