// The office's sales process as the screens need it: stages (names in every language, from
// the office's settings, not the catalogue), reason lists, lead sources, and money shown with
// its currency.

import { api } from './ipc.js';
import { formatMinorUnits, language } from './i18n.js';
import { announce } from './signals.js';

let process = { version: 0, stages: [] };
let reasons = { version: 0, lost: [], postponed: [], disqualified: [], sources: [] };

export async function loadProcess() {
  [process, reasons] = await Promise.all([api.stages(), api.reasons()]);
  announce('process');
  return process;
}

export function processSettings() {
  return process;
}

export function reasonSettings() {
  return reasons;
}

/** A text of the office's in the screen's language, else English, else any. */
export function named(names) {
  const l = language().locale;
  return names?.[l] || names?.en || Object.values(names ?? {}).find(Boolean) || '';
}

export function stage(id) {
  return process.stages.find((s) => s.id === id);
}

export function stageName(id) {
  return named(stage(id)?.names);
}

/** Open stages in funnel order, then won: the steps a deal climbs. */
export function ladder() {
  return [...process.stages.filter((s) => s.kind === 'open'), ...process.stages.filter((s) => s.kind === 'won')];
}

export function ofKind(kind) {
  return process.stages.find((s) => s.kind === kind);
}

export function reasonName(list, code) {
  return named(reasons[list]?.find((r) => r.code === code)?.names) || code;
}

/** The office's name for a lead source (a retired one too), in the screen's language. */
export function sourceName(code) {
  return reasonName('sources', code);
}

/**
 * Fills a lead-source select with the office's sources in use, keeping `current` (a source
 * retired since, or one this workstation does not know yet) so a record never loses its own;
 * `blank` adds an empty first choice labelled so.
 */
export function fillSourceSelect(select, current, blank) {
  const options = reasons.sources.filter((r) => !r.retired).map((r) => new Option(named(r.names), r.code));
  if (current && !options.some((o) => o.value === current)) options.push(new Option(sourceName(current), current));
  if (blank != null) options.unshift(new Option(blank, ''));
  select.replaceChildren(...options);
  select.value = current ?? '';
}

/** Money in minor units with its currency code: "1,234.50 EUR". */
export function money(minor, currency) {
  return `${formatMinorUnits(minor ?? 0)} ${currency ?? ''}`.trim();
}

/** Whole units only, for dense columns: "1,235 EUR". */
export function moneyShort(minor, currency) {
  const text = formatMinorUnits(Math.round((minor ?? 0) / 100) * 100);
  return `${text.slice(0, -3)} ${currency ?? ''}`.trim();
}
