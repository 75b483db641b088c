// The agenda: my overdue, today's and this week's actions, planned visits, and customers
// going cold. The manager can look at anyone's. Completing an action asks for the outcome
// and offers to log it as a contact with the next action, in one form.

import { api } from '../ipc.js';
import { formatDate, formatLocalDateTime, isoDay, isoNow, t } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { toast } from '../notify.js';
import { fillWhoseSelect, manages, myId, userInitials, whose } from '../users.js';
import { markSent } from './materials.js';
import { loadProcess, reasonName } from '../process.js';
import { $, button } from '../dom.js';
import { listen } from '../signals.js';

const dialog = $('complete-dialog');
const form = $('complete-form');
let kinds = [];
let coldDays = 60;
let openCustomer = () => {};
let openDeal = () => {};
let openCampaign = () => {};
let completing = null;

export function init(info, open, openDealPage, openCampaignList) {
  kinds = info.contact_kinds;
  coldDays = info.cold_after_days;
  listen('cold-days', (days) => {
    coldDays = days;
  });
  // Another person sits here: their "mine", and for a manager everyone's.
  listen('user', () => {
    relabel();
    if (!$('screen-agenda').hidden) refresh();
  });
  openCustomer = open;
  openDeal = openDealPage;
  openCampaign = openCampaignList;
  $('agenda-user').addEventListener('change', refresh);
  const pack = $('visit-pack-form');
  pack.elements.day.value = isoDay(1);
  pack.addEventListener('submit', (e) => {
    e.preventDefault();
    saveVisitPack();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    complete();
  });
  form.querySelector('.cancel').addEventListener('click', () => dialog.close());
  form.elements.log.addEventListener('change', () => {
    form.querySelector('[data-when-log]').hidden = !form.elements.log.checked;
  });
  relabel();
}

/** The visit pack of the chosen day for the agenda's person: offers and a page per customer. */
async function saveVisitPack() {
  const pack = $('visit-pack-form');
  const userId = whose($('agenda-user'));
  try {
    const path = await api.saveVisitPack(pack.elements.day.value, userId);
    if (path) toast(t('visit_pack.saved', { path }));
  } catch (err) {
    toast(err.message);
  }
}

export function relabel() {
  const select = form.elements.kind;
  select.replaceChildren(...kinds.map((k) => new Option(t(`kind.${k}`), k)));
  fillWhose();
}

/** "Me", or (for a manager) anyone and everyone. */
function fillWhose() {
  fillWhoseSelect($('agenda-user'), { everyone: manages(), colleagues: manages() });
}

export async function shown() {
  fillWhose();
  await refresh();
}

export async function refresh() {
  const user = whose($('agenda-user'));
  try {
    const [agenda, cold, calls, plans] = await Promise.all([
      api.agenda(user),
      api.goingCold(user),
      api.campaignActions(user),
      api.planStatus(user),
      loadProcess(),
    ]);
    const today = isoDay();
    fill('overdue', agenda.overdue, (i) => t('agenda.due', { date: formatDate(i.next_due) }));
    fill('today', agenda.today, () => '');
    fill('upcoming', agenda.upcoming, (i) => formatDate(i.next_due));
    fill('visits', agenda.visits, (i) => (i.next_due === today ? t('agenda.today') : formatDate(i.next_due)));
    $('count-materials').textContent = agenda.materials.length || '';
    $('agenda-materials').replaceChildren(...agenda.materials.map((m) => {
      const li = item(
        m.customer_name,
        [m.name, m.due ? t('agenda.due', { date: formatDate(m.due) }) : t('materials.never_sent')].join(' · '),
        () => openCustomer(m.customer_id),
      );
      const sent = button('done', t('materials.sent_today'), async () => {
        try {
          const current = (await api.materials(m.customer_id)).find((x) => x.id === m.material_id);
          if (current) await markSent(m.customer_id, current);
          await refresh();
        } catch (err) {
          toast(err.message);
        }
      });
      li.append(sent);
      return li;
    }));
    $('count-service').textContent = agenda.service.length || '';
    $('agenda-service').replaceChildren(...agenda.service.map((v) => item(
      v.customer_name,
      [
        v.inspection_due < today ? t('agenda.inspection_missed', { date: formatDate(v.inspection_due) }) : t('agenda.inspection_due', { date: formatDate(v.inspection_due) }),
        `${v.vehicles > 1 ? `${v.vehicles} × ` : ''}${v.brand} ${v.model}`.trim(),
        v.plate || v.vin,
      ].filter(Boolean).join(' · '),
      () => openCustomer(v.customer_id),
    )));
    $('count-revisits').textContent = agenda.revisits.length || '';
    $('agenda-revisits').replaceChildren(...agenda.revisits.map((r) => {
      const li = item(
        r.customer_name,
        [r.revisit_on < today ? t('agenda.due', { date: formatDate(r.revisit_on) }) : formatDate(r.revisit_on), r.title,
          reasonName('postponed', r.close_reason), whose($('agenda-user')) === myId() ? '' : userInitials(r.owner_id)].filter(Boolean).join(' · '),
        () => openCustomer(r.customer_id),
      );
      const open = button('done', t('agenda.open_deal'), () => openDeal(r.deal_id));
      li.append(open);
      return li;
    }));
    $('count-campaigns').textContent = calls.length || '';
    $('agenda-campaigns').replaceChildren(...calls.map((c) => {
      const li = item(
        c.customer,
        [c.city, t(`campaign.channel.${c.channel}`), t('agenda.campaign_until', { campaign: c.campaign, date: formatDate(c.ends_on) })]
          .filter(Boolean).join(' · '),
        () => openCustomer(c.customer_id),
      );
      const answer = button('done', t('campaigns.col.response'), () => openCampaign(c.campaign_id, c.customer_id));
      li.append(answer);
      return li;
    }));
    $('count-plans').textContent = plans.behind_total || '';
    $('agenda-plans').replaceChildren(...plans.behind.map((b) => item(b.name, planText(b), () => openCustomer(b.customer_id))));
    $('cold-hint').textContent = t('agenda.cold_hint', { days: coldDays });
    $('count-cold').textContent = cold.length || '';
    $('agenda-cold').replaceChildren(...cold.map((c) => item(
      c.name,
      [c.city, c.last_contact_at ? t('agenda.last_contact', { date: formatLocalDateTime(c.last_contact_at) }) : t('agenda.never_contacted')]
        .filter(Boolean).join(' · '),
      () => openCustomer(c.customer_id),
    )));
  } catch (err) {
    toast(err.message);
  }
}

/** "Tier A · a visit every 30 days · last on 14/10/2026": why a customer is behind its plan. */
export function planText(b) {
  return [
    t('plans.tier_label', { tier: b.tier }),
    t('plans.rule', { kind: b.kind === 'any' ? t('plans.any_kind') : t(`kind.${b.kind}`), days: b.every_days }),
    b.last ? t('plans.last', { date: formatDate(b.last) }) : t('plans.never'),
    userInitials(b.owner_id),
  ].filter(Boolean).join(' · ');
}

function fill(bucket, items, when) {
  $(`count-${bucket}`).textContent = items.length || '';
  $(`agenda-${bucket}`).replaceChildren(...items.map((i) => {
    const li = item(
      i.customer_name,
      [when(i), t(`kind.${i.next_kind}`), i.next_action, whose($('agenda-user')) === myId() ? '' : userInitials(i.next_user_id)]
        .filter(Boolean).join(' · '),
      () => openCustomer(i.customer_id),
    );
    const done = button('done', t('agenda.done'), () => openComplete(i));
    li.append(done);
    return li;
  }));
}

/** A row of an action list: the customer (a link) and what to do. Home draws the same rows. */
export function item(title, detail, open) {
  const li = document.createElement('li');
  li.className = 'action';
  const link = button('link customer', title, open);
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = detail;
  li.append(link, meta);
  return li;
}

function openComplete(action) {
  completing = action;
  clearErrors(form);
  form.reset();
  $('complete-what').textContent = `${action.customer_name}: ${action.next_action}`;
  form.elements.kind.value = action.next_kind || 'phone';
  form.elements.log.checked = true;
  form.querySelector('[data-when-log]').hidden = false;
  form.elements.next_action.value = t('contact.default_next');
  form.elements.next_due.value = isoDay(3);
  dialog.showModal();
  form.elements.outcome.focus();
}

async function complete() {
  const f = form.elements;
  const outcome = f.outcome.value;
  const nextAction = f.next_action.value.trim();
  const followUp = f.log.checked
    ? {
      happened_at: isoNow(),
      kind: f.kind.value,
      user_id: myId(),
      agreed: outcome,
      duration_min: f.kind.value === 'visit' ? 60 : 5,
      next_action: nextAction,
      next_kind: nextAction ? 'phone' : '',
      next_due: nextAction ? f.next_due.value || null : null,
      next_user_id: nextAction ? myId() : null,
    }
    : null;
  try {
    await api.completeAction(completing.contact_id, outcome, followUp);
    dialog.close();
    toast(t('agenda.completed'));
    await refresh();
  } catch (err) {
    showErrors(form, err, t('card.errors_title'));
  }
}
