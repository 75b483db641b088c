// Translation and locale formatting on screen. The catalogue and the number/date rules come
// from parc-core (app_info / set_locale), so the screen and Rust speak with one voice.

let lang = { locale: 'en', catalog: {}, format: { decimal: '.', group: ',', date_order: 'dmy', date_sep: '/' }, locales: [] };

export function setLanguage(language) {
  lang = language;
  document.documentElement.lang = lang.locale === 'zh' ? 'zh-CN' : lang.locale;
  translateStatic(document);
}

export function language() {
  return lang;
}

/** Translates `key`, filling {placeholders} from `args`; shows the key if it is missing. */
export function t(key, args = {}) {
  const text = lang.catalog[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
}

/** Translates `key` when the catalogue has it, else shows `fallback` as it is (an office's own
 *  categories have no translation). */
export function tOr(key, fallback) {
  return key in lang.catalog ? lang.catalog[key] : fallback;
}

/** Fills every element marked with data-i18n* attributes; text goes in as text, never HTML. */
export function translateStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** A stored timestamp (RFC 3339, UTC) as the locale writes local date and time. */
/** Fills a CSV / Excel select (what a table is saved as), keeping its choice. */
export function fillFileKinds(select) {
  const keep = select.value || 'csv';
  select.replaceChildren(new Option(t('exchange.file_kind.csv'), 'csv'), new Option(t('exchange.file_kind.xlsx'), 'xlsx'));
  select.value = keep;
}

export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const { date_order: order, date_sep: s } = lang.format;
  const day = order === 'ymd'
    ? `${d.getFullYear()}${s}${pad(d.getMonth() + 1)}${s}${pad(d.getDate())}`
    : `${pad(d.getDate())}${s}${pad(d.getMonth() + 1)}${s}${d.getFullYear()}`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A calendar date `YYYY-MM-DD` as the locale writes it. */
export function formatDate(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd ?? '');
  if (!m) return ymd ?? '';
  const { date_order: order, date_sep: s } = lang.format;
  return order === 'ymd' ? `${m[1]}${s}${m[2]}${s}${m[3]}` : `${m[3]}${s}${m[2]}${s}${m[1]}`;
}

/** A month `YYYY-MM` as the locale writes it. */
export function formatMonth(ym) {
  const m = /^(\d{4})-(\d{2})/.exec(ym ?? '');
  if (!m) return ym ?? '';
  const { date_order: order, date_sep: s } = lang.format;
  return order === 'ymd' ? `${m[1]}${s}${m[2]}` : `${m[2]}${s}${m[1]}`;
}

/** A percentage given to one decimal (37.5), with the locale's decimal sign; '' for none. */
export function formatPercent(pct) {
  if (pct == null) return '';
  const [whole, frac = '0'] = pct.toFixed(1).split('.');
  return `${whole}${lang.format.decimal}${frac}%`;
}

/** A local date-time `YYYY-MM-DDTHH:MM` (as contacts are stored) as the locale writes it. */
export function formatLocalDateTime(value) {
  return `${formatDate(value)} ${(value ?? '').slice(11, 16)}`.trim();
}

/** Today, or `days` from today, as `YYYY-MM-DD` on this computer's calendar. */
export function isoDay(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Now, local, to the minute: `YYYY-MM-DDTHH:MM`. */
export function isoNow() {
  const d = new Date();
  return `${isoDay()}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatInteger(n) {
  const digits = String(Math.abs(Math.trunc(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, lang.format.group);
  return (n < 0 ? '-' : '') + grouped;
}

/** Money held as integer minor units, shown with the locale's separators and no symbol. */
export function formatMinorUnits(minor) {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${formatInteger(Math.floor(abs / 100))}${lang.format.decimal}${pad(abs % 100)}`;
}

/**
 * Reads an amount typed in the locale's way ("1.250.000,50" in Italian, "1 250 000,50" in
 * Polish) into integer minor units. Returns null for an empty field and NaN when unreadable.
 */
export function parseMinorUnits(text) {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return null;
  const { decimal, group } = lang.format;
  if (group !== decimal && group.trim() !== '') s = s.split(group).join('');
  s = s.replace(decimal, '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN;
  const [whole, frac = ''] = s.split('.');
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : NaN;
}

/** A whole number as typed, allowing the locale's group separator. Null when empty, NaN when not a number. */
export function parseInteger(text) {
  const s = text.trim().replace(/[\s\u00a0\u202f']/g, '').split(lang.format.group).join('');
  if (s === '') return null;
  return /^\d{1,9}$/.test(s) ? Number(s) : NaN;
}

/**
 * A decimal number typed the locale's way, as canonical text with a `.` point ("1.234,5" in
 * Italian → "1234.5"). Null when empty, NaN when unreadable.
 */
export function parseDecimal(text) {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return null;
  const { decimal, group } = lang.format;
  if (group !== decimal && group.trim() !== '') s = s.split(group).join('');
  s = s.replace(decimal, '.');
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(s) ? s : NaN;
}

/**
 * A percentage typed the locale's way ("12,5") as basis points (1250), at most two decimals.
 * Null when empty, NaN when unreadable.
 */
export function parsePercentBp(text) {
  const canon = parseDecimal(text);
  if (canon === null || Number.isNaN(canon)) return canon;
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(canon);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
}

/** Canonical decimal text ("-1234.5") shown with the locale's separators. */
export function formatDecimal(canonical) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(canonical ?? '');
  if (!m) return canonical ?? '';
  return `${m[1]}${formatInteger(Number(m[2]))}${m[3] ? lang.format.decimal + m[3] : ''}`;
}

/** A file size for people: bytes, kB or MB with the locale's decimal mark. */
export function formatSize(bytes) {
  if (bytes < 1024) return `${formatInteger(bytes)} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'kB'] : [bytes / (1024 * 1024), 'MB'];
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${String(rounded).replace('.', lang.format.decimal)} ${unit}`;
}
