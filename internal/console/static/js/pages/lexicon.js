// The staff lexicon: concepts with their terms per language, change with
// If-Match, retire, export.
import { get, request } from '../api.js';
import { t } from '../i18n.js';
import { h, link, field, input, showErrors, submitting, pager, notice, announce } from '../ui.js';
import { reload } from './index.js';

const langs = ['zh', 'en', 'id', 'vi', 'th', 'ms'];
const th = (keys) => h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, t(k)))));
const terms = (c) => Object.entries(c.terms || {}).map(([l, ts]) => l + ': ' + ts.join(', ')).join(' · ');

export async function lexiconList(route) {
  const q = { limit: 20, ...route.query };
  const list = await get('/lexicon/concepts', q);
  const words = input({ type: 'search', value: q.q || '', name: 'q' });
  const form = h('form', { class: 'grid', role: 'search' }, field('q', t('filter.q'), words), h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = '#/lexicon' + (words.value ? '?q=' + encodeURIComponent(words.value) : ''); });
  const exp = h('button', { type: 'button', onclick: async () => {
    const r = await request('/lexicon/export', { raw: true });
    const a = h('a', { href: URL.createObjectURL(await r.blob()), download: 'lexicon.json' });
    document.body.append(a); a.click(); a.remove();
  } }, t('lex.export'));
  return [h('h1', {}, t('nav.lexicon')), h('div', { class: 'actions' }, link('#/lexicon/new', t('lex.new')), exp), form,
    list.items.length ? h('table', {}, th(['lex.id', 'lex.terms', 'lex.subsectors', 'lex.origin', 'field.status']),
      h('tbody', {}, list.items.map((c) => h('tr', {}, h('td', {}, link('#/lexicon/' + encodeURIComponent(c.id), c.id)), h('td', {}, terms(c)),
        h('td', {}, (c.subsectors || []).join(', ')), h('td', {}, t('lex.' + (c.origin === 'staff' ? 'staff' : 'shipped'))), h('td', {}, c.retired ? t('lex.retired') : t('lex.active')))))) : notice(t('list.empty')),
    pager(list, '/lexicon', route.query)];
}

export async function lexiconForm(route) {
  const id = route.parts[1] === 'new' ? null : decodeURIComponent(route.parts[1]);
  let c = { id: '', terms: {}, subsectors: [] };
  let etag = null;
  if (id) ({ data: c, etag } = await request('/lexicon/concepts/' + encodeURIComponent(id)));
  const cid = input({ value: c.id, disabled: !!id });
  const boxes = langs.map((l) => [l, input({ value: (c.terms[l] || []).join(', ') })]);
  const subs = input({ value: (c.subsectors || []).join(', ') });
  const after = h('div', {});
  const f = h('form', { class: 'grid', novalidate: true }, field('id', t('lex.id'), cid),
    h('fieldset', { class: 'grid', 'data-field': 'terms' }, h('legend', {}, t('lex.terms')), boxes.map(([l, el]) => field('terms.' + l, t('lex.lang', { l }), el)), h('p', { class: 'err' })),
    field('subsectors', t('lex.subsectors'), subs, t('lex.comma')),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const body = { terms: {}, subsectors: subs.value.split(',').map((x) => x.trim()).filter(Boolean) };
      for (const [l, el] of boxes) { const ts = el.value.split(',').map((x) => x.trim()).filter(Boolean); if (ts.length || (c.terms[l] || []).length) body.terms[l] = ts; }
      try {
        if (id) { await request('/lexicon/concepts/' + encodeURIComponent(id), { method: 'PATCH', body, headers: { 'If-Match': etag } }); announce(t('done')); reload(); }
        else { body.id = cid.value.trim(); const r = await request('/lexicon/concepts', { method: 'POST', body }); location.hash = '#/lexicon/' + encodeURIComponent(r.data.id); }
      } catch (err) {
        if (err.status !== 412) showErrors(f, err);
        else { after.replaceChildren(notice(t('lex.conflict'), 'bad'), h('button', { type: 'button', class: 'primary', onclick: reload }, t('agr.reload'))); after.querySelector('button').focus(); }
      }
    });
  });
  const out = [h('h1', {}, id || t('lex.new')), f, after];
  if (id && !c.retired) {
    out.push(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: async () => {
      try { await request('/lexicon/concepts/' + encodeURIComponent(id) + '/retire', { method: 'POST', body: {}, headers: { 'If-Match': etag } }); announce(t('done')); reload(); }
      catch (err) { after.replaceChildren(notice(err.status === 412 ? t('lex.conflict') : err.message, 'bad'), err.status === 412 ? h('button', { type: 'button', onclick: reload }, t('agr.reload')) : ''); }
    } }, t('lex.retire'))));
  } else if (c.retired) out.push(notice(t('lex.retired')));
  return out;
}
