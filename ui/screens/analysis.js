// The customer card's Analysis tab: the customer along the seven P's of the seeds (profile,
// persistency, profitability, performance, prospecting, product, promotion) over a period,
// purchases per year as a chart, and the same figures exported as CSV.

import { api } from '../ipc.js';
import { t } from '../i18n.js';
import { toast } from '../notify.js';
import { drawChart } from '../report-view.js';
import { $ } from '../dom.js';

let customerId = null;
let seq = 0;
let output = null;

export function init() {
  for (const id of ['analysis-from', 'analysis-to']) $(id).addEventListener('change', refresh);
  $('analysis-export').addEventListener('click', async () => {
    if (customerId == null) return;
    try {
      const done = await api.reportExport('customer', query());
      if (done) toast(t('reports.exported', { rows: done.rows, path: done.path }));
    } catch (err) {
      toast(err.message);
    }
  });
}

export function relabel() {
  if (output && !$('panel-analysis').hidden) refresh();
}

function query() {
  return { from: $('analysis-from').value || null, to: $('analysis-to').value || null, customer_id: customerId };
}

/** Shows customer `id`'s analysis (the period stays as chosen). */
export async function load(id) {
  if (id !== customerId) output = null;
  customerId = id;
  await refresh();
}

async function refresh() {
  if (customerId == null) return;
  const mine = ++seq;
  try {
    const out = await api.report('customer', query());
    if (mine !== seq) return;
    output = out;
    draw();
  } catch (err) {
    if (mine === seq) toast(err.message);
  }
}

function draw() {
  const out = output;
  $('analysis-from').value = out.from;
  $('analysis-to').value = out.to;
  // One box per P, its figures in the order Rust gave them.
  const boxes = new Map();
  for (const [p, figure, value] of out.table.rows) {
    if (!boxes.has(p)) {
      const box = document.createElement('section');
      box.className = 'analysis-p';
      const h = document.createElement('h3');
      h.textContent = p;
      const dl = document.createElement('dl');
      box.append(h, dl);
      boxes.set(p, { box, dl });
    }
    const { dl } = boxes.get(p);
    const dt = document.createElement('dt');
    dt.textContent = figure;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
  $('analysis-ps').replaceChildren(...[...boxes.values()].map((b) => b.box));
  drawChart($('analysis-chart'), $('analysis-legend'), out.chart);
}
