// Settings › contact plans: how often the customers of each pyramid tier (optionally of one
// segment) are to be contacted, and how. Only the sales manager changes them; customers behind
// their plan appear in their owner's agenda and home.

import { api } from '../ipc.js';
import { t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { manages } from '../users.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const form = $('plans-form');
let settings = { version: 0, plans: [] };
let segments = [];
let kinds = [];

export function init(info) {
  kinds = info.contact_kinds;
  $('plan-add').addEventListener('click', () => {
    collect();
    settings.plans.push({ tier: 'A', segment_id: null, kind: 'visit', every_days: 30 });
    render();
    form.querySelectorAll('[name$=".tier"]')[settings.plans.length - 1]?.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    collect();
    try {
      settings = await api.savePlans(settings);
      clearErrors(form);
      toast(t('plans.saved'));
      render();
    } catch (err) {
      showErrors(form, err, t('card.errors_title'));
    }
  });
  listen('user', render);
}

export async function load() {
  try {
    [settings, segments] = await Promise.all([api.plans(), api.segments()]);
  } catch (err) {
    toast(err.message);
  }
  render();
}

export function relabel() {
  collect();
  render();
}

function collect() {
  const rows = [...$('plan-rows').children];
  if (!rows.length) return;
  settings.plans = rows.map((tr, i) => {
    const v = (f) => form.elements[`plans.${i}.${f}`].value;
    return {
      tier: v('tier'),
      segment_id: v('segment_id') ? Number(v('segment_id')) : null,
      kind: v('kind'),
      every_days: Number(v('every_days')),
    };
  });
}

function select(name, options, value) {
  const s = document.createElement('select');
  s.name = name;
  s.append(...options.map(([v, text]) => new Option(text, v)));
  s.value = value;
  return s;
}

function render() {
  const manager = manages();
  $('plans-locked').hidden = manager;
  $('plan-rows').replaceChildren(...settings.plans.map((p, i) => {
    const tr = document.createElement('tr');
    const cell = (...nodes) => {
      const td = document.createElement('td');
      const error = document.createElement('small');
      error.className = 'field-error';
      error.dataset.for = nodes[0]?.name ?? '';
      td.append(...nodes, error);
      return td;
    };
    const segmentOptions = [['', t('plans.all_customers')], ...segments.map((s) => [String(s.id), s.name])];
    if (p.segment_id && !segments.some((s) => s.id === p.segment_id)) segmentOptions.push([String(p.segment_id), t('plans.deleted_segment')]);
    const days = document.createElement('input');
    days.name = `plans.${i}.every_days`;
    days.type = 'number';
    days.min = '1';
    days.max = '730';
    days.value = String(p.every_days);
    const remove = button('link danger', t('plans.remove'), () => {
      collect();
      settings.plans.splice(i, 1);
      render();
    });
    tr.append(
      cell(select(`plans.${i}.tier`, ['A', 'B', 'C'].map((x) => [x, x]), p.tier)),
      cell(select(`plans.${i}.segment_id`, segmentOptions, p.segment_id ? String(p.segment_id) : '')),
      cell(select(`plans.${i}.kind`, [['any', t('plans.any_kind')], ...kinds.map((k) => [k, t(`kind.${k}`)])], p.kind)),
      cell(days),
      cell(remove),
    );
    for (const el of tr.querySelectorAll('select, input, button')) el.disabled = !manager;
    return tr;
  }));
  $('plan-add').disabled = !manager;
  form.querySelector('button[type=submit]').disabled = !manager;
}
