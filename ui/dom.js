// Building the page from code: the few helpers every screen uses. Text goes in only through
// `textContent`, never as markup, so untrusted text cannot become HTML.

const SVG = 'http://www.w3.org/2000/svg';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An HTML element with an optional class and text. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

/** An SVG element with its attributes and optional text. */
export function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

/** A `<button type="button">` (it never submits its form) with its class, text and click. */
export function button(className, text, onClick) {
  const b = el('button', className, text);
  b.type = 'button';
  if (onClick) b.addEventListener('click', onClick);
  return b;
}

/** A table's row of column heads, a `<th>` per text (an empty one over a column of actions). */
export function headRow(texts) {
  const row = document.createElement('tr');
  for (const text of texts) row.append(el('th', null, text));
  return row;
}
