// Small DOM helpers: element builder, forms with field errors, pager, bars.
import { t, num } from './i18n.js';
import { get } from './api.js';

// h builds an element: h('a', {href: '#/x', onclick: fn}, 'text', child...).
export function h(tag, attrs, ...kids) {
  const el = tag === 'svg' || tag === 'rect' || tag === 'text' || tag === 'g' || tag === 'title'
    ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'multiple') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  add(el, kids);
  return el;
}
function add(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) add(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

export function link(href, ...kids) { return h('a', { href }, ...kids); }
export function button(label, onclick, cls) { return h('button', { type: 'button', class: cls, onclick }, label); }

export function announce(msg) {
  const live = document.getElementById('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = msg; }, 50);
}

export function notice(msg, kind) { return h('div', { class: 'notice ' + (kind || ''), role: kind === 'bad' ? 'alert' : 'status' }, msg); }

// field makes a labelled control whose error line sits beside it.
let seq = 0;
export function field(name, label, control, help) {
  const id = 'f-' + name.replace(/[^\w-]/g, '_') + '-' + (++seq);
  control.id = id;
  control.name = control.name || name;
  const err = h('p', { class: 'err', id: id + '-err' });
  control.setAttribute('aria-describedby', id + '-err');
  return h('div', { class: 'field', 'data-field': name }, h('label', { for: id }, label), control,
    help ? h('span', { class: 'muted' }, help) : null, err);
}

export function input(attrs) { return h('input', { type: 'text', ...attrs }); }
export function select(options, value, attrs) {
  // options: [[value, label], ...]
  return h('select', attrs || {}, options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l)));
}

// showErrors puts a problem document's field errors next to their fields;
// what names no field (or no field of this form) goes in the summary.
export function showErrors(form, err) {
  for (const el of form.querySelectorAll('.err')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('.summary') || form.prepend(h('div', { class: 'summary' })) || form.querySelector('.summary');
  summary.replaceChildren();
  if (!err) return;
  const rest = [];
  let first = null;
  for (const fe of err.errors || []) {
    const base = String(fe.field).split(/[.[]/)[0];
    const box = form.querySelector(`[data-field="${CSS.escape(fe.field)}"]`) || form.querySelector(`[data-field="${CSS.escape(base)}"]`);
    if (!box) { rest.push(fe.field + ': ' + fe.message); continue; }
    const line = box.querySelector('.err');
    line.textContent = (line.textContent ? line.textContent + ' ' : '') + fe.message;
    const ctl = box.querySelector('input,select,textarea');
    if (ctl) { ctl.setAttribute('aria-invalid', 'true'); first = first || ctl; }
  }
  const head = err.status === 412 ? t('err.conflict') : (err.message || t('err.generic'));
  summary.append(notice([head, ...rest].join(' · '), 'bad'));
  (first || summary).focus?.();
}

// submitting disables a form's buttons while a call runs.
export async function submitting(form, fn) {
  const btns = [...form.querySelectorAll('button')];
  btns.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally {
    btns.forEach((b) => { b.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}

// pager shows the total and a link to the next page (the cursor is in the URL).
export function pager(list, route, query) {
  const q = new URLSearchParams(query);
  q.delete('cursor');
  const first = route + (q.toString() ? '?' + q : '');
  const parts = [h('span', { class: 'muted' }, t('list.total', { n: num(list.total) }))];
  if (query.cursor) parts.push(link('#' + first, t('list.first')));
  if (list.next_cursor) { q.set('cursor', list.next_cursor); parts.push(link('#' + route + '?' + q, t('list.next'))); }
  return h('nav', { class: 'pager', 'aria-label': t('list.pages') }, parts);
}

// bar draws one labelled horizontal bar; value from 0 to max.
export function bar(label, value, max, shown) {
  const fill = h('div', { class: 'fill' });
  fill.style.width = (max > 0 ? Math.max(0, Math.min(1, value / max)) * 100 : 0) + '%';
  return h('div', { class: 'bar' }, h('span', {}, label),
    h('div', { class: 'track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': max, 'aria-valuenow': value }, fill),
    h('span', { class: 'num' }, shown ?? num(value)));
}

// barChart is an SVG bar chart of [label, value] rows with a text fallback.
export function barChart(title, rows) {
  const max = Math.max(1, ...rows.map((r) => r[1] || 0));
  const w = 640, rowH = 26, left = 170, height = rows.length * rowH + 10;
  const svg = h('svg', { class: 'chart', viewBox: `0 0 ${w} ${height}`, width: '100%', role: 'img', 'aria-label': title });
  svg.append(h('title', {}, title));
  rows.forEach(([label, v], i) => {
    const y = 5 + i * rowH;
    const bw = Math.round(((v || 0) / max) * (w - left - 60));
    svg.append(h('g', {},
      h('text', { x: left - 6, y: y + 16, 'text-anchor': 'end' }, String(label).slice(0, 26)),
      h('rect', { class: 'b', x: left, y: y + 3, width: bw, height: rowH - 8 }),
      h('text', { x: left + bw + 6, y: y + 16 }, v == null ? '—' : num(v))));
  });
  return svg;
}

// Institution names, looked up once per page load.
const names = new Map();
export function instName(id) {
  const span = h('span', {}, id ? id.slice(0, 8) : '—');
  if (!id) return span;
  if (!names.has(id)) names.set(id, get('/institutions/' + id).then((i) => i.name).catch(() => null));
  names.get(id).then((n) => { if (n) span.textContent = n; });
  return span;
}

// vocabulary is fetched once.
let vocab = null;
export function vocabulary() { if (!vocab) vocab = get('/vocabulary'); return vocab; }
