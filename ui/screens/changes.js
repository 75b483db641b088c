// "History of changes" of a record (a customer, a person, a fleet line, a deal): who changed
// which field, when, from what to what, read from the audit trail the core writes with every
// change. Its field names and values are also how the conflict dialog shows a record.

import { api } from '../ipc.js';
import { formatDate, formatDateTime, formatMinorUnits, t } from '../i18n.js';
import { allFields } from '../custom-fields.js';
import { toast } from '../notify.js';
import { userName } from '../users.js';
import { sourceName } from '../process.js';
import { $ } from '../dom.js';


/** Field names of each kind of record that are not `field.<name>` in the catalogue. */
const LABELS = {
  customer: { owner_id: 'field.owner', assistant_ids: 'field.assistants', archived: 'changes.archived' },
  fleet_line: {
    brand: 'fleet.brand', model: 'fleet.model', category: 'fleet.category', weight_class: 'fleet.weight_class',
    gross_weight_kg: 'fleet.gross_weight_kg', vehicles: 'fleet.vehicles', vin: 'fleet.vin', plate: 'fleet.plate',
    first_registered: 'fleet.first_registered', mileage_km: 'fleet.mileage_km', mileage_read_on: 'fleet.mileage_read_on',
    ownership: 'fleet.ownership', supplier: 'fleet.supplier', renewal_due: 'fleet.renewal_due',
    renewal_manual: 'fleet.renewal_manual', inspection_due: 'fleet.inspection_due', notes: 'fleet.notes',
    deleted: 'changes.deleted',
  },
  deal: {
    title: 'deal.title', value: 'deal.value', currency: 'deal.currency', expected_close: 'deal.expected_close',
    owner_id: 'deal.owner', commit: 'deal.commit', vehicles: 'deal.vehicles', person_ids: 'deal.decision_makers',
    competitors: 'deal.competitors', notes: 'deal.notes',
  },
  person: {
    name: 'person.name', position: 'person.position', title: 'person.title', decision_role: 'person.decision_role',
    branch: 'person.branch', notes: 'person.notes', assistant_of: 'person.assistant_of', is_main: 'person.is_main',
    active: 'person.active',
  },
};

/** Values that are codes of a list, shown by their translated name. */
const CODES = { country: 'country.', business_type: 'business_type.', decision_role: 'decision_role.' };

/** A field's name in the screen's language (shared with the conflict dialog). */
export function fieldLabel(entity, field) {
  if (field.startsWith('custom.')) {
    const f = allFields().find((x) => String(x.id) === field.slice(7));
    return f ? f.label : field;
  }
  return t(LABELS[entity]?.[field] ?? `field.${field}`);
}

/** A stored value as a person reads it; `names` maps person ids to names. */
export function fieldValue(field, v, names = new Map()) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return t('changes.empty');
  if (typeof v === 'boolean') return t(v ? 'changes.yes' : 'changes.no');
  if (field === 'owner_id') return userName(v) || String(v);
  if (field === 'assistant_ids') return v.map((id) => userName(id) || String(id)).join(', ');
  if (field === 'assistant_of') return names.get(v) ?? String(v);
  if (field === 'person_ids') return v.map((id) => names.get(id) ?? String(id)).join(', ');
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
  if (field === 'annual_turnover' || field === 'value') return formatMinorUnits(v);
  if (field === 'lead_source') return sourceName(v);
  if (CODES[field]) return t(`${CODES[field]}${v}`);
  // A deal's vehicle and competitor lines: their filled-in parts, line by line.
  const part = (x) => (x && typeof x === 'object'
    ? Object.values(x).filter((y) => y !== null && y !== '').join(' ')
    : String(x));
  return Array.isArray(v) ? v.map(part).join('; ') : part(v);
}

/**
 * Opens the history of record `id` of `entity` ("customer" or "person") titled `name`;
 * `names` maps person ids to names (for "assistant of").
 */
export async function showChanges(entity, id, name, names = new Map()) {
  let changes;
  try {
    changes = await api.changes(entity, id);
  } catch (err) {
    toast(err.message);
    return;
  }
  $('changes-title').textContent = t('changes.title', { name });
  const rows = changes.slice().reverse().map((c) => {
    const tr = document.createElement('tr');
    const cells = c.field === ''
      ? [formatDateTime(c.changed_at), who(c), t('changes.created'), '', '']
      : [formatDateTime(c.changed_at), who(c), fieldLabel(entity, c.field), fieldValue(c.field, c.old, names), fieldValue(c.field, c.new, names)];
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $('changes-rows').replaceChildren(...rows);
  $('changes-table').hidden = rows.length === 0;
  $('changes-none').hidden = rows.length > 0;
  $('changes-dialog').showModal();
}

function who(c) {
  return c.changed_by == null ? t('changes.nobody') : (userName(c.changed_by) || String(c.changed_by));
}
