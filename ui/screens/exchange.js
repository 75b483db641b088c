// CSV and Excel exchange with the ERP: the export profiles (list, editor, export with a
// progress bar) and the import wizard (choose a file, see its encoding and separator or its
// sheets, the first rows, map its
// columns to fields, check every row, decide on possible duplicates, import, open the
// rejected rows). Everything is computed by the core; this screen draws it with textContent.

import { api } from '../ipc.js';
import { formatDateTime, formatInteger, t, tOr } from '../i18n.js';
import { clearErrors, showErrors } from '../forms.js';
import { confirmAction, toast } from '../notify.js';
import { loadFields } from '../custom-fields.js';
import { fillSourceSelect } from '../process.js';
import { allUsers, manages } from '../users.js';
import { $, button, headRow } from '../dom.js';


const EXPORT_ENTITIES = ['customers', 'people', 'contacts', 'fleet', 'orders'];
const IMPORT_ENTITIES = ['customers', 'fleet', 'sightings', 'price_list'];
const DELIMITERS = [';', ',', '\t', '|'];
const ENCODINGS_OUT = ['utf-8-bom', 'utf-8', 'windows-1250', 'windows-1257', 'windows-1252'];
const ENCODINGS_IN = ['utf-8', 'utf-8-bom', 'windows-1250', 'windows-1257', 'windows-1252', 'gb18030', 'utf-16le', 'utf-16be'];
const DATE_FORMATS = [
  ['iso', '2026-03-07'], ['dmy_dot', '07.03.2026'], ['dmy_slash', '07/03/2026'], ['mdy_slash', '03/07/2026'], ['compact', '20260307'],
];

let profiles = [];
/** The profile being edited: {id, version, data} (id null for a new one). */
let editing = null;
/** Fields of the entity being edited (or imported). */
let editFields = [];
/** The import in progress: file, preview, mapping, last check, decisions. */
let wizard = null;
/** The customer card's value lists (countries, currencies, business types). */
let choices = { countries: [], currencies: [], business_types: [] };
/** The value used when a column is kept as a new office field. */
const KEEP = '__keep__';

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function fill(select, items, chosen) {
  select.replaceChildren(...items.map(([value, label]) => option(value, label)));
  if (chosen != null) select.value = chosen;
}

const delimiterLabel = (d) => t(`exchange.delimiter.${{ ';': 'semicolon', ',': 'comma', '\t': 'tab', '|': 'bar' }[d]}`);
const entityLabel = (e) => t(`exchange.entity.${e}`);
const fieldLabel = (f) => tOr(f.label, f.label);

export function init(info) {
  if (info?.choices) choices = info.choices;
  $('exchange-new-profile').addEventListener('click', () => edit(null));
  $('exchange-editor').addEventListener('submit', (e) => {
    e.preventDefault();
    saveProfile();
  });
  $('exchange-editor').querySelector('.cancel').addEventListener('click', closeEditor);
  $('exchange-delete-profile').addEventListener('click', deleteProfile);
  $('exchange-editor').elements.entity.addEventListener('change', async (e) => {
    editing.data.entity = e.target.value;
    editing.data.settings.columns = [];
    editFields = await api.exchangeFields(editing.data.entity);
    drawColumns();
  });
  $('exchange-editor').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeEditor();
  });
  $('exchange-kind').addEventListener('change', () => fillImportProfiles());
  $('exchange-choose').addEventListener('click', chooseFile);
  for (const id of ['exchange-encoding', 'exchange-delimiter', 'exchange-sheet']) $(id).addEventListener('change', () => preview());
  $('exchange-editor').elements.file_kind.addEventListener('change', textOnly);
  $('exchange-check').addEventListener('click', () => check());
  $('exchange-recheck').addEventListener('click', () => check());
  $('exchange-import').addEventListener('click', runImport);
  $('exchange-cancel').addEventListener('click', cancelWork);
  // Esc stops a check or an import under way, wherever the focus is.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('exchange-import-status').hidden) {
      e.preventDefault();
      cancelWork();
    }
  });
  $('exchange-save-mapping').addEventListener('click', saveMapping);
  $('exchange-open-rejected').addEventListener('click', async () => {
    try {
      await api.openRejected(wizard.rejectedFile);
    } catch (err) {
      toast(err.message);
    }
  });
}

export async function shown() {
  await refresh();
}

export function relabel() {
  if (!profiles.length) return;
  drawProfiles();
  fillImportKinds();
  if (editing) drawEditor();
  if (wizard?.preview) drawPreview();
  if (wizard?.check) drawCheck();
}

async function refresh() {
  try {
    profiles = await api.exchangeProfiles();
  } catch (err) {
    toast(err.message);
    return;
  }
  drawProfiles();
  fillImportKinds();
}

// --- export profiles ---

function drawProfiles() {
  const table = $('exchange-profiles');
  const head = headRow(['exchange.profile_name', 'exchange.entity', 'exchange.last_export', ''].map((key) => (key ? t(key) : '')));
  const rows = profiles.filter((p) => p.kind === 'export').map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.profile = p.name;
    const name = document.createElement('td');
    name.textContent = p.name;
    const entity = document.createElement('td');
    entity.textContent = entityLabel(p.entity);
    const last = document.createElement('td');
    last.textContent = p.last_run_at
      ? t('exchange.last_export_at', { when: formatDateTime(p.last_run_at), rows: formatInteger(p.last_rows ?? 0) })
      : t('exchange.never_exported');
    const actions = document.createElement('td');
    actions.className = 'exchange-actions';
    actions.append(
      button('primary exchange-export-changes', t('exchange.export_changes'), () => runExport(p, false)),
      button('exchange-export-full', t('exchange.export_full'), () => runExport(p, true)),
      button('link exchange-edit', t('exchange.edit'), () => edit(p)),
    );
    tr.append(name, entity, last, actions);
    return tr;
  });
  table.replaceChildren(head, ...rows);
}

function progressText(p) {
  return p.total ? `${formatInteger(p.done)} / ${formatInteger(p.total)}` : formatInteger(p.done);
}

async function runExport(profile, full) {
  const status = $('exchange-export-status');
  const bar = $('exchange-export-progress');
  const text = $('exchange-export-text');
  const buttons = document.querySelectorAll('#exchange-profiles button');
  buttons.forEach((b) => { b.disabled = true; });
  status.hidden = false;
  bar.removeAttribute('value');
  text.textContent = t('exchange.exporting', { name: profile.name });
  try {
    const report = await api.exportProfile(profile.name, full, profile.settings.format.kind ?? 'csv', (p) => {
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      text.textContent = `${t('exchange.exporting', { name: profile.name })} ${progressText(p)}`;
    });
    if (!report) {
      status.hidden = true;
      return;
    }
    bar.max = 1;
    bar.value = 1;
    const key = report.full ? 'exchange.exported_full' : 'exchange.exported_changes';
    text.textContent = t(key, { rows: formatInteger(report.rows), path: report.path });
    if (report.unmappable) text.textContent += ` ${t('exchange.unmappable', { n: formatInteger(report.unmappable) })}`;
    profiles = await api.exchangeProfiles();
    drawProfiles();
  } catch (err) {
    text.textContent = err.message;
  } finally {
    document.querySelectorAll('#exchange-profiles button').forEach((b) => { b.disabled = false; });
  }
}

// --- the profile editor ---

async function edit(profile) {
  editing = profile
    ? { id: profile.id, version: profile.version, data: structuredClone({ kind: profile.kind, name: profile.name, entity: profile.entity, settings: profile.settings }) }
    : {
      id: null,
      version: 0,
      data: {
        kind: 'export',
        name: '',
        entity: 'customers',
        settings: {
          columns: [],
          format: { delimiter: ';', decimal: ',', date_format: 'iso', encoding: 'utf-8-bom', line_ending: 'crlf', neutralise: true, header: true },
          detect: true,
        },
      },
    };
  try {
    editFields = await api.exchangeFields(editing.data.entity);
  } catch (err) {
    toast(err.message);
    return;
  }
  drawEditor();
  const form = $('exchange-editor');
  clearErrors(form);
  form.hidden = false;
  form.elements.name.focus();
}

function drawEditor() {
  const form = $('exchange-editor');
  const f = editing.data.settings.format;
  form.querySelector('.subform-title').textContent = editing.id ? t('exchange.edit_profile', { name: editing.data.name }) : t('exchange.new_profile');
  form.elements.name.value = editing.data.name;
  fill(form.elements.entity, EXPORT_ENTITIES.map((e) => [e, entityLabel(e)]), editing.data.entity);
  fill(form.elements.file_kind, [['csv', t('exchange.file_kind.csv')], ['xlsx', t('exchange.file_kind.xlsx')]], f.kind ?? 'csv');
  fill(form.elements.delimiter, DELIMITERS.map((d) => [d, delimiterLabel(d)]), f.delimiter);
  fill(form.elements.decimal, [[',', t('exchange.decimal.comma')], ['.', t('exchange.decimal.point')]], f.decimal);
  fill(form.elements.date_format, DATE_FORMATS, f.date_format);
  fill(form.elements.encoding, ENCODINGS_OUT.map((e) => [e, t(`exchange.encoding.${e}`)]), f.encoding);
  fill(form.elements.line_ending, [['crlf', t('exchange.line_ending.crlf')], ['lf', t('exchange.line_ending.lf')]], f.line_ending);
  form.elements.neutralise.checked = f.neutralise;
  form.elements.header.checked = f.header;
  $('exchange-delete-profile').hidden = !editing.id;
  textOnly();
  drawColumns();
}

/** A workbook has no separator, encoding, line ends or formulas to neutralise. */
function textOnly() {
  const e = $('exchange-editor').elements;
  const workbook = e.file_kind.value === 'xlsx';
  for (const name of ['delimiter', 'decimal', 'date_format', 'encoding', 'line_ending', 'neutralise']) {
    e[name].closest('label').hidden = workbook;
  }
}

function drawColumns() {
  const columns = editing.data.settings.columns;
  const chosen = new Set(columns.map((c) => c.field));
  const available = editFields.filter((f) => f.export && !chosen.has(f.key)).map((f) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = fieldLabel(f);
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'exchange-add';
    add.dataset.field = f.key;
    add.textContent = t('exchange.add_column');
    add.setAttribute('aria-label', `${t('exchange.add_column')} ${fieldLabel(f)}`);
    add.addEventListener('click', () => {
      readEditor();
      columns.push({ field: f.key, header: f.key });
      drawColumns();
      $('exchange-chosen').querySelector(`li[data-field="${CSS.escape(f.key)}"] input`)?.focus();
    });
    li.append(name, add);
    return li;
  });
  $('exchange-available').replaceChildren(...available);
  const rows = columns.map((c, i) => {
    const li = document.createElement('li');
    li.dataset.field = c.field;
    const def = editFields.find((f) => f.key === c.field);
    const name = document.createElement('span');
    name.className = 'exchange-field';
    name.textContent = def ? fieldLabel(def) : c.field;
    const header = document.createElement('input');
    header.value = c.header;
    header.maxLength = 100;
    header.setAttribute('aria-label', t('exchange.header_of', { field: name.textContent }));
    header.addEventListener('input', () => { c.header = header.value; });
    const move = (label, delta) => {
      const b = button(null, label);
      b.title = t(delta < 0 ? 'exchange.move_up' : 'exchange.move_down');
      b.setAttribute('aria-label', b.title);
      b.disabled = i + delta < 0 || i + delta >= columns.length;
      b.addEventListener('click', () => {
        readEditor();
        [columns[i], columns[i + delta]] = [columns[i + delta], columns[i]];
        drawColumns();
      });
      return b;
    };
    const remove = button(null, '×');
    remove.title = t('exchange.remove_column');
    remove.setAttribute('aria-label', t('exchange.remove_column'));
    remove.addEventListener('click', () => {
      columns.splice(i, 1);
      drawColumns();
    });
    li.append(name, header, move('↑', -1), move('↓', 1), remove);
    return li;
  });
  $('exchange-chosen').replaceChildren(...rows);
}

function readEditor() {
  const form = $('exchange-editor');
  const f = editing.data.settings.format;
  editing.data.name = form.elements.name.value;
  f.delimiter = form.elements.delimiter.value;
  f.decimal = form.elements.decimal.value;
  f.date_format = form.elements.date_format.value;
  f.encoding = form.elements.encoding.value;
  f.line_ending = form.elements.line_ending.value;
  f.neutralise = form.elements.neutralise.checked;
  f.header = form.elements.header.checked;
  f.kind = form.elements.file_kind.value;
}

async function saveProfile() {
  readEditor();
  const form = $('exchange-editor');
  try {
    await api.saveExchangeProfile(editing.id, editing.version, editing.data);
    toast(t('exchange.profile_saved', { name: editing.data.name.trim() }));
    closeEditor();
    await refresh();
  } catch (err) {
    showErrors(form, err, t('exchange.fix_profile'));
  }
}

async function deleteProfile() {
  if (!editing?.id) return;
  if (!(await confirmAction(t('exchange.delete_question', { name: editing.data.name }), t('exchange.delete_profile')))) return;
  try {
    await api.deleteExchangeProfile(editing.id);
    closeEditor();
    await refresh();
  } catch (err) {
    toast(err.message);
  }
}

function closeEditor() {
  $('exchange-editor').hidden = true;
  editing = null;
}

// --- the import wizard ---

/** Opens the wizard on the customer list and asks for the file (the start page's first way in). */
export async function importCustomers() {
  await refresh();
  $('exchange-kind').value = 'customers';
  fillImportProfiles();
  $('exchange-choose').focus();
  await chooseFile();
}

function fillImportKinds() {
  const kind = $('exchange-kind');
  fill(kind, IMPORT_ENTITIES.map((e) => [e, entityLabel(e)]), kind.value || 'customers');
  fillImportProfiles();
}

function fillImportProfiles() {
  const entity = $('exchange-kind').value;
  const select = $('exchange-import-profile');
  const mine = profiles.filter((p) => p.kind === 'import' && p.entity === entity);
  const before = select.value;
  fill(select, mine.map((p) => [p.name, p.name]));
  if (mine.some((p) => p.name === before)) select.value = before;
}

function importProfile() {
  const name = $('exchange-import-profile').value;
  const entity = $('exchange-kind').value;
  return profiles.find((p) => p.kind === 'import' && p.entity === entity && p.name === name);
}

async function chooseFile() {
  let path;
  try {
    path = await api.chooseImportFile();
  } catch (err) {
    toast(err.message);
    return;
  }
  if (!path) return;
  const profile = importProfile();
  const entity = $('exchange-kind').value;
  wizard = {
    path,
    entity,
    profile,
    settings: structuredClone(profile?.settings ?? { columns: [], format: { delimiter: ';', decimal: ',', date_format: 'iso', encoding: 'utf-8', line_ending: 'crlf', neutralise: true, header: true }, detect: true }),
    encoding: null,
    delimiter: null,
    decisions: {},
  };
  wizard.fields = await api.exchangeFields(entity).catch(() => []);
  wizard.defaults = {};
  for (const id of ['exchange-result', 'exchange-done', 'exchange-import-status']) $(id).hidden = true;
  $('exchange-mapping-name').value = '';
  await preview();
}

async function preview() {
  if (!wizard) return;
  const encoding = wizard.preview ? $('exchange-encoding').value : null;
  const delimiter = wizard.preview ? $('exchange-delimiter').value : null;
  const sheet = wizard.preview?.sheets.length ? $('exchange-sheet').value : null;
  try {
    wizard.preview = await api.previewImport(wizard.path, wizard.entity, wizard.settings, encoding, delimiter, sheet);
  } catch (err) {
    toast(err.message);
    return;
  }
  wizard.mapping = [...wizard.preview.mapping];
  wizard.guessed = [...(wizard.preview.guessed ?? [])];
  wizard.check = null;
  $('exchange-result').hidden = true;
  drawPreview();
  $('exchange-preview').hidden = false;
  $('exchange-check').focus();
}

function drawPreview() {
  const p = wizard.preview;
  $('exchange-file-name').textContent = wizard.path.split(/[\\/]/).pop();
  $('exchange-file-rows').textContent = t('exchange.file_rows', { rows: formatInteger(p.total_rows) });
  $('exchange-malformed').hidden = !p.malformed;
  // A workbook: its sheets instead of an encoding and a separator; its rejected rows go to CSV.
  const workbook = p.sheets.length > 0;
  $('exchange-sheet-label').hidden = !workbook;
  $('exchange-workbook-note').hidden = !workbook;
  for (const label of document.querySelectorAll('#exchange-preview .exchange-text-only')) label.hidden = workbook;
  if (workbook) fill($('exchange-sheet'), p.sheets.map((s) => [s, s]), p.sheet);
  $('exchange-header-line').hidden = p.header_line <= 1;
  $('exchange-header-line').textContent = t('exchange.header_line', { line: formatInteger(p.header_line) });
  fill($('exchange-encoding'), ENCODINGS_IN.map((e) => [e, t(`exchange.encoding.${e}`)]), p.encoding);
  fill($('exchange-delimiter'), DELIMITERS.map((d) => [d, delimiterLabel(d)]), p.delimiter);
  fill($('exchange-decimal'), [[',', t('exchange.decimal.comma')], ['.', t('exchange.decimal.point')]], wizard.settings.format.decimal);
  fill($('exchange-date-format'), DATE_FORMATS, wizard.settings.format.date_format);
  const table = $('exchange-preview-table');
  const mapRow = document.createElement('tr');
  mapRow.className = 'exchange-map';
  const headRow = document.createElement('tr');
  p.headers.forEach((h, i) => {
    const th = document.createElement('th');
    const select = document.createElement('select');
    select.dataset.column = String(i);
    select.setAttribute('aria-label', t('exchange.map_column', { column: h }));
    select.append(option('', t('exchange.not_imported')));
    for (const f of wizard.fields.filter((x) => x.import)) select.append(option(f.key, fieldLabel(f)));
    if (wizard.entity === 'customers' && manages()) select.append(option(KEEP, t('exchange.keep_as_field')));
    select.value = wizard.mapping[i] ?? '';
    select.addEventListener('change', () => {
      if (select.value === KEEP) {
        keepAsField(i, h);
        return;
      }
      wizard.mapping[i] = select.value || null;
      wizard.guessed[i] = false;
      drawUnmapped();
    });
    th.append(select);
    if (wizard.guessed[i] && wizard.mapping[i]) {
      const guess = document.createElement('small');
      guess.className = 'guessed';
      guess.textContent = t('exchange.guessed');
      th.append(guess);
    }
    mapRow.append(th);
    const name = document.createElement('th');
    name.textContent = h;
    headRow.append(name);
  });
  const rows = p.rows.map((r) => {
    const tr = document.createElement('tr');
    p.headers.forEach((_, i) => {
      const td = document.createElement('td');
      td.textContent = r[i] ?? '';
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(mapRow, headRow, ...rows);
  drawUnmapped();
  drawDefaults();
}

/** The columns nothing is imported from, named so that none is left out unseen. */
function drawUnmapped() {
  const p = wizard.preview;
  const names = p.headers
    .map((h, i) => (wizard.mapping[i] ? null : h.trim() || `#${i + 1}`))
    .filter((h, i) => h && (p.headers[i].trim() || p.rows.some((r) => (r[i] ?? '').trim())));
  const box = $('exchange-unmapped');
  box.hidden = names.length === 0;
  box.textContent = t('exchange.unmapped', { columns: names.join(', ') });
}

/** Values for every row where the file has none: country, owner, source, currency, type. */
function drawDefaults() {
  const box = $('exchange-defaults');
  box.hidden = wizard.entity !== 'customers';
  if (box.hidden) return;
  const d = wizard.defaults;
  const home = wizard.preview.home_country;
  const fromFile = t('exchange.default_from_file');
  const countries = choices.countries.map((c) => [c, `${t('country.' + c)} (${c})`]).sort((a, b) => a[1].localeCompare(b[1]));
  fill(box.elements.country, [['', home ? t('exchange.default_home', { country: t('country.' + home) }) : fromFile], ...countries], d.country ?? '');
  const users = allUsers().filter((u) => u.active);
  fill(box.elements.owner, [['', fromFile], ...users.map((u) => [u.initials, `${u.name} (${u.initials})`])], d.owner ?? '');
  fillSourceSelect(box.elements.lead_source, d.lead_source ?? '', fromFile);
  fill(box.elements.turnover_currency, [['', fromFile], ...choices.currencies.map((c) => [c, c])], d.turnover_currency ?? '');
  fill(box.elements.business_type, [['', fromFile], ...choices.business_types.map((b) => [b, t('business_type.' + b)])], d.business_type ?? '');
  for (const select of box.querySelectorAll('select')) {
    select.onchange = () => {
      if (select.value) wizard.defaults[select.name] = select.value;
      else delete wizard.defaults[select.name];
    };
  }
}

/** Keeps column `i` as a new office field (text) named by its header, and maps it there. */
async function keepAsField(i, header) {
  try {
    const field = await api.defineField({ label: header.trim() || `#${i + 1}`, kind: 'text', choices: [], retired: false });
    wizard.fields = await api.exchangeFields(wizard.entity);
    wizard.mapping[i] = `custom.${field.id}`;
    wizard.guessed[i] = false;
    toast(t('exchange.kept_as_field', { name: header.trim() || `#${i + 1}` }));
    await loadFields();
  } catch (err) {
    toast(err.message);
  }
  drawPreview();
}

/** The import as the wizard now says it: mapping, format, overrides, decisions. */
function options() {
  const p = wizard.preview;
  const columns = [];
  // A column left out is named with no field, so the import does not guess it again.
  p.headers.forEach((h, i) => {
    columns.push({ field: wizard.mapping[i] ?? '', header: h });
  });
  const format = { ...wizard.settings.format, decimal: $('exchange-decimal').value, date_format: $('exchange-date-format').value };
  return {
    entity: wizard.entity,
    settings: { columns, format, detect: false },
    encoding: $('exchange-encoding').value,
    delimiter: $('exchange-delimiter').value,
    decisions: wizard.decisions,
    duplicates: { action: 'skip' },
    sheet: p.sheet,
    defaults: wizard.entity === 'customers' ? { ...wizard.defaults } : {},
  };
}

/** Asks the core to stop; the running command then ends with the code `cancelled`. */
function cancelWork() {
  $('exchange-cancel').disabled = true;
  api.cancelImport().catch((err) => toast(err.message));
}

function showProgress(label) {
  const status = $('exchange-import-status');
  const bar = $('exchange-import-progress');
  const text = $('exchange-import-text');
  $('exchange-import-note').hidden = true;
  $('exchange-cancel').disabled = false;
  status.hidden = false;
  $('exchange-cancel').focus();
  bar.removeAttribute('value');
  text.textContent = label;
  return (p) => {
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    text.textContent = `${label} ${t(`exchange.stage.${p.stage}`)} ${progressText(p)}`;
  };
}

function importError(err) {
  if (err.code === 'cancelled') {
    // The person's own choice, not a failure: said calmly, beside the buttons to go on.
    const note = $('exchange-import-note');
    note.hidden = false;
    note.textContent = err.message;
    // Back to the button that started it, for the keyboard (Cancel is hidden now), once the
    // buttons are enabled again.
    const again = $($('exchange-result').hidden ? 'exchange-check' : 'exchange-import');
    setTimeout(() => again.focus());
    return;
  }
  const box = $('exchange-import-error');
  box.hidden = false;
  box.textContent = err.fields?.length ? err.fields.map((f) => f.message).join(' ') : err.message;
}

async function check() {
  $('exchange-import-error').hidden = true;
  const busy = document.querySelectorAll('#exchange-preview button, #exchange-result button');
  busy.forEach((b) => { b.disabled = true; });
  try {
    wizard.check = await api.checkImport(wizard.path, options(), showProgress(t('exchange.checking')));
    $('exchange-import-status').hidden = true;
    drawCheck();
    $('exchange-result').hidden = false;
    $('exchange-import').focus();
  } catch (err) {
    $('exchange-import-status').hidden = true;
    importError(err);
  } finally {
    busy.forEach((b) => { b.disabled = false; });
  }
}

function summary(c) {
  return t('exchange.summary', {
    rows: formatInteger(c.rows),
    create: formatInteger(c.create),
    update: formatInteger(c.update),
    unchanged: formatInteger(c.unchanged),
    duplicates: formatInteger(c.duplicates + c.skipped),
    rejected: formatInteger(c.rejected),
  });
}

function drawCheck() {
  const c = wizard.check;
  $('exchange-summary').textContent = summary(c);
  $('exchange-truncated').hidden = !c.truncated;
  const head = headRow(['exchange.line', 'exchange.status', 'exchange.what', 'exchange.details'].map((key) => t(key)));
  const rows = c.reports.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.line = String(r.line);
    tr.dataset.status = r.status;
    tr.className = `exchange-row-${r.status}`;
    const line = document.createElement('td');
    line.textContent = formatInteger(r.line);
    const status = document.createElement('td');
    status.textContent = t(`exchange.status.${r.status}`);
    const what = document.createElement('td');
    what.textContent = r.label;
    const details = document.createElement('td');
    for (const p of [...r.problems, ...r.warnings]) {
      const d = document.createElement('div');
      d.className = r.problems.includes(p) ? 'bad' : 'muted';
      d.textContent = `${p.column}: ${p.message}`;
      details.append(d);
    }
    if (r.changed.length) {
      const d = document.createElement('div');
      d.className = 'muted';
      d.textContent = t('exchange.changes', { fields: r.changed.join(', ') });
      details.append(d);
    }
    if (r.candidates.length) details.append(decisionSelect(r));
    tr.append(line, status, what, details);
    return tr;
  });
  $('exchange-rows').replaceChildren(head, ...rows);
}

/** Skip, update one of the stored customers it resembles, or create it all the same. */
function decisionSelect(r) {
  const select = document.createElement('select');
  select.className = 'exchange-decision';
  select.setAttribute('aria-label', t('exchange.decision_for', { line: r.line }));
  select.append(option('skip', t('exchange.decision.skip')));
  for (const c of r.candidates) {
    const where = [c.city, c.vat_id, c.erp_code].filter(Boolean).join(', ');
    select.append(option(`update:${c.id}`, t('exchange.decision.update', { name: where ? `${c.name} (${where})` : c.name })));
  }
  select.append(option('create', t('exchange.decision.create')));
  const d = wizard.decisions[r.line];
  select.value = d ? (d.action === 'update' ? `update:${d.target}` : d.action) : 'skip';
  select.addEventListener('change', () => {
    const [action, target] = select.value.split(':');
    wizard.decisions[r.line] = action === 'update' ? { action, target: Number(target) } : { action };
  });
  return select;
}

async function runImport() {
  const busy = document.querySelectorAll('#exchange-preview button, #exchange-result button');
  busy.forEach((b) => { b.disabled = true; });
  try {
    const report = await api.runImport(wizard.path, options(), showProgress(t('exchange.importing')));
    $('exchange-import-status').hidden = true;
    $('exchange-result').hidden = true;
    $('exchange-preview').hidden = true;
    $('exchange-done').hidden = false;
    $('exchange-done-text').textContent = t('exchange.imported', {
      customers: formatInteger(report.customers_created),
      updated: formatInteger(report.customers_updated + report.lines_updated + report.prices_updated + report.people_updated),
      people: formatInteger(report.people_created),
      lines: formatInteger(report.lines_created),
      sightings: formatInteger(report.sightings_created),
      prices: formatInteger(report.prices_created),
      rejected: formatInteger(report.rejected),
      skipped: formatInteger(report.duplicates + report.skipped),
    });
    wizard.rejectedFile = report.rejected_file;
    $('exchange-rejected-path').textContent = report.rejected_file ? t('exchange.rejected_file', { path: report.rejected_file }) : '';
    $('exchange-open-rejected').hidden = !report.rejected_file;
  } catch (err) {
    $('exchange-import-status').hidden = true;
    importError(err);
  } finally {
    busy.forEach((b) => { b.disabled = false; });
  }
}

/** Saves the wizard's mapping and format as an import profile (new, or over the one named). */
async function saveMapping() {
  const name = $('exchange-mapping-name').value.trim();
  const o = options();
  const existing = profiles.find((p) => p.kind === 'import' && p.name === name);
  const settings = { ...o.settings, columns: o.settings.columns.filter((c) => c.field), detect: true };
  const data = { kind: 'import', name, entity: wizard.entity, settings };
  try {
    const saved = await api.saveExchangeProfile(existing?.id ?? null, existing?.version ?? 0, data);
    toast(t('exchange.profile_saved', { name: saved.name }));
    profiles = await api.exchangeProfiles();
    fillImportProfiles();
    $('exchange-import-profile').value = saved.name;
  } catch (err) {
    importError(err);
  }
}
