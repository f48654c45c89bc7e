import { get, request, user } from '../api.js';
import { t, code, num, dateTime, money } from '../i18n.js';
import { h, link, field, input, select, showErrors, submitting, pager, notice, bar, instName, vocabulary, announce } from '../ui.js';
import { reload } from './index.js';
import { watchButton } from './notifications.js';

const statuses = ['draft', 'pending_review', 'published', 'rejected', 'withdrawn', 'expired'];
const single = (kind) => (kind === 'offers' ? 'offer' : 'demand');
const staff = () => ['admin', 'staff'].includes(user().role);

export async function listingList(route) {
  const kind = route.parts[0];
  const q = { limit: 20, ...route.query };
  const voc = await vocabulary();
  const list = await get('/' + kind, q);
  const form = h('form', { class: 'grid', role: 'search' },
    field('q', t('filter.q'), input({ type: 'search', value: q.q || '' })),
    field('status', t('field.status'), select([['', t('any')], ...statuses.map((s) => [s, code('status', s)])], q.status)),
    field('sector', t('field.sector'), select([['', t('any')], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], q.sector)),
    field('country', t('field.country'), input({ value: q.country || '', maxlength: 2, size: 3 })),
    field('sort', t('filter.sort'), select([['-created_at', t('sort.newest')], ['created_at', t('sort.oldest')], ['-updated_at', t('sort.updated')], ['title', t('sort.title')], ['-trl', t('sort.trl')]], q.sort || '-created_at')),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = '#/' + kind + '?' + p;
  });
  return [h('h1', {}, t('nav.' + kind)),
    h('div', { class: 'actions' }, link('#/' + kind + '/new', t(kind + '.new')), user().role === 'analyst' ? '' : link('#/saved-searches/new?' + new URLSearchParams(
      Object.entries({ kind: single(kind), q: q.q, sector: q.sector, country: q.country }).filter(([, v]) => v)), t('saved.from_filters'))),
    form, table(kind, list.items), pager(list, '/' + kind, route.query)];
}

function table(kind, items) {
  if (!items.length) return notice(t('list.empty'));
  return h('table', {}, h('thead', {}, h('tr', {}, ['field.title', 'field.institution', 'field.sector', 'field.status', 'field.updated'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((o) => h('tr', {},
      h('td', {}, link('#/' + kind + '/' + o.id, o.title), o.visibility === 'confidential' ? [' ', h('span', { class: 'badge' }, t('vis.confidential'))] : ''),
      h('td', {}, instName(o.institution_id)), h('td', {}, code('sector', o.sector)),
      h('td', {}, code('status', o.status)), h('td', {}, dateTime(o.updated_at))))));
}

// changesTable shows audit changes: field, before, after.
function changesTable(changes) {
  const show = (v) => (v == null ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const rows = Object.entries(changes || {});
  if (!rows.length) return null;
  return h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('hist.field')), h('th', { scope: 'col' }, t('hist.before')), h('th', { scope: 'col' }, t('hist.after')))),
    h('tbody', {}, rows.map(([f, c]) => h('tr', {}, h('td', {}, f), h('td', {}, show(c.old)), h('td', {}, show(c.new))))));
}

// sinceReview lists what changed after the last publish or reject.
export function sinceReview(history) {
  const items = history.items || [];
  let last = -1;
  items.forEach((e, i) => { if (e.action === 'published' || e.action === 'rejected') last = i; });
  const after = items.slice(last + 1).filter((e) => Object.keys(e.changes || {}).length);
  const merged = {};
  for (const e of after) for (const [f, c] of Object.entries(e.changes)) merged[f] = merged[f] ? { old: merged[f].old, new: c.new } : c;
  return { reviewed: last >= 0, changes: merged };
}

async function act(kind, o, etag, action, body) {
  try {
    await request('/' + kind + '/' + o.id + '/' + action, { method: 'POST', body: body || {}, headers: etag ? { 'If-Match': etag } : {} });
    announce(t('done'));
    reload();
  } catch (err) {
    const box = document.getElementById('action-msg');
    box.replaceChildren(notice(err.status === 412 ? t('err.conflict') : err.message, 'bad'),
      err.status === 412 ? h('button', { type: 'button', onclick: reload }, t('reload')) : '');
  }
}

function reviewActions(kind, o, etag) {
  const out = [];
  const reason = input({ maxlength: 1000 });
  if (o.status === 'draft') out.push(h('button', { type: 'button', onclick: () => act(kind, o, etag, 'submit') }, t('act.submit')));
  if (o.status === 'pending_review' && staff()) {
    out.push(h('button', { type: 'button', class: 'primary', onclick: () => act(kind, o, etag, 'publish') }, t('act.publish')));
    out.push(field('reason', t('act.reason'), reason),
      h('button', { type: 'button', class: 'danger', onclick: () => act(kind, o, etag, 'reject', { reason: reason.value }) }, t('act.reject')));
  }
  if (['draft', 'pending_review', 'published'].includes(o.status)) out.push(h('button', { type: 'button', onclick: () => act(kind, o, etag, 'withdraw', {}) }, t('act.withdraw')));
  return [h('div', { class: 'actions' }, out), h('div', { id: 'action-msg' })];
}

export async function listingDetail(route) {
  const [kind, id] = route.parts;
  const { data: o, etag } = await request('/' + kind + '/' + id);
  const history = await get('/' + kind + '/' + id + '/history').catch(() => ({ items: [] }));
  const props = [
    ['field.institution', instName(o.institution_id)], ['field.status', code('status', o.status) + (o.status_reason ? ' — ' + o.status_reason : '')],
    ['field.sector', code('sector', o.sector) + (o.subsector ? ' / ' + code('sub', o.subsector) : '')],
    ['field.language', o.language], ['field.visibility', t('vis.' + (o.visibility || 'public'))],
    kind === 'offers' ? ['field.trl', o.trl] : ['field.min_trl', o.min_trl],
    ['field.modes', (o.transfer_modes || []).map((m) => code('mode', m)).join(', ')],
    ['field.keywords', (o.keywords || []).join(', ')],
    kind === 'offers' ? ['field.price', o.price_min != null ? money(o.price_min, o.currency) + ' – ' + money(o.price_max, o.currency) : '—']
      : ['field.budget', o.budget_min != null ? money(o.budget_min, o.currency) + ' – ' + money(o.budget_max, o.currency) : '—'],
    ['field.updated', dateTime(o.updated_at)], ['field.version', o.version],
  ];
  // translations, when the API sends them: a list of {language, title, summary} or a map by language
  const tr = Array.isArray(o.translations) ? o.translations.map((x) => [x.language || x.lang || '', x])
    : o.translations ? Object.entries(o.translations) : [];
  return [h('h1', {}, o.title), h('p', {}, o.summary),
    h('dl', { class: 'props' }, props.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v ?? '—')])),
    o.description ? h('p', {}, o.description) : '',
    tr.length ? [h('h2', {}, t('listing.translations')), tr.map(([lang, x]) => h('div', { class: 'card', lang }, h('strong', {}, lang + ': ' + (x.title || '')), h('p', {}, x.summary || '')))] : '',
    h('h2', {}, t('listing.actions')), h('p', {}, link('#/' + kind + '/' + id + '/edit', t('listing.edit'))), reviewActions(kind, o, etag),
    o.status === 'published' ? h('p', {}, link('#/' + kind + '/' + id + '/matches', t('listing.matches'))) : '',
    h('div', { class: 'actions' }, watchButton(kind, o)),
    h('h2', {}, t('listing.history')),
    h('ol', {}, (history.items || []).map((e) => h('li', {}, h('strong', {}, e.action), ' · ', dateTime(e.at), ' · ', e.actor_role || e.actor_kind || '', changesTable(e.changes))))];
}

export async function reviewQueue(route) {
  const kind = route.query.kind === 'demands' ? 'demands' : 'offers';
  const list = await get('/' + kind, { status: 'pending_review', sort: 'updated_at', limit: 20, cursor: route.query.cursor });
  const histories = await Promise.all(list.items.map((o) => get('/' + kind + '/' + o.id + '/history').catch(() => ({ items: [] }))));
  const tabs = h('div', { class: 'actions', role: 'group', 'aria-label': t('review.kind') },
    ['offers', 'demands'].map((k) => h('a', { href: '#/review?kind=' + k, 'aria-current': k === kind ? 'page' : null }, t('nav.' + k))));
  const items = list.items.map((o, i) => {
    const since = sinceReview(histories[i]);
    return h('section', { class: 'suggestion', 'aria-labelledby': 'rv-' + o.id },
      h('h2', { id: 'rv-' + o.id }, link('#/' + kind + '/' + o.id, o.title)),
      h('p', { class: 'muted' }, instName(o.institution_id), ' · ', code('sector', o.sector), ' · ', dateTime(o.updated_at)),
      h('p', {}, o.summary),
      h('h3', {}, since.reviewed ? t('review.changed') : t('review.first')),
      since.reviewed ? (changesTable(since.changes) || h('p', {}, t('review.nochange'))) : '',
      reviewActions(kind, o, '"' + o.version + '"'));
  });
  return [h('h1', {}, t('nav.review')), tabs, items.length ? items : notice(t('review.empty')), pager(list, '/review', { ...route.query, kind })];
}

export async function listingMatches(route) {
  const [kind, id] = route.parts;
  const other = kind === 'offers' ? 'demand' : 'offer';
  const [listing, res] = await Promise.all([get('/' + kind + '/' + id), get('/' + kind + '/' + id + '/matches', { limit: 20, min_score: route.query.min_score })]);
  const out = [h('h1', {}, t('matches.title', { title: listing.title })), h('p', { class: 'muted' }, t('matches.algorithm', { v: res.algorithm_version }))];
  if (!res.items.length) out.push(notice(t('matches.none')));
  for (const s of res.items) {
    const c = s[other];
    const msg = h('div', {});
    const create = h('button', { type: 'button', class: 'primary', onclick: async () => {
      create.disabled = true;
      try {
        const body = kind === 'offers' ? { offer_id: id, demand_id: s.demand_id } : { demand_id: id, offer_id: s.offer_id };
        const r = await request('/matches', { method: 'POST', body });
        location.hash = '#/matches/' + r.data.id;
      } catch (err) {
        create.disabled = false;
        msg.replaceChildren(notice(err.message, 'bad'));
      }
    } }, t('matches.create'));
    out.push(h('section', { class: 'suggestion', 'aria-label': c ? c.title : '' },
      h('div', { class: 'actions' }, h('span', { class: 'score' }, num(Math.round(s.score * 10) / 10)), c ? link('#/' + other + 's/' + c.id, c.title) : ''),
      c ? h('p', { class: 'muted' }, instName(c.institution_id), ' · ', code('sector', c.sector), ' · TRL ', c.trl) : '',
      h('div', {}, Object.entries(s.components).map(([name, comp]) => bar(t('comp.' + name) + ' (×' + num(comp.weight) + ')', comp.score, 1, num(Math.round(comp.score * 100)) + '%'))),
      h('ul', {}, s.reasons.map((r) => h('li', {}, r))), create, msg));
  }
  return out;
}

// listingForm creates a listing, or edits one (route …/{id}/edit) with If-Match.
export async function listingForm(route) {
  const kind = route.parts[0];
  const id = route.parts[2] === 'edit' ? route.parts[1] : null;
  const voc = await vocabulary();
  const me = user();
  let o = { language: 'en', sector: voc.sectors[0].sector, trl: 5, min_trl: 5, visibility: 'public', transfer_modes: [] };
  let etag = null;
  if (id) ({ data: o, etag } = await request('/' + kind + '/' + id));
  const trlName = kind === 'offers' ? 'trl' : 'min_trl';
  const title = input({ maxlength: 200, required: true, value: o.title || '' });
  const summary = h('textarea', { maxlength: 500 }, o.summary || '');
  const lang = select(voc.first_class_languages.map((l) => [l, l]), o.language);
  const sector = select(voc.sectors.map((s) => [s.sector, code('sector', s.sector)]), o.sector);
  const trl = input({ type: 'number', min: 1, max: 9, value: String(o[trlName] || '') });
  const inst = input({ value: me.institution_id || route.query.institution_id || '' });
  const vis = select([['public', t('vis.public')], ['confidential', t('vis.confidential')]], o.visibility || 'public');
  const modes = voc.transfer_modes.map((m) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: m, name: 'transfer_modes', checked: (o.transfer_modes || []).includes(m) }), code('mode', m)));
  const form = h('form', { class: 'grid', novalidate: true },
    me.role === 'partner' || id ? '' : field('institution_id', t('field.institution_id'), inst),
    field('title', t('field.title'), title), field('summary', t('field.summary'), summary),
    field('language', t('field.language'), lang), field('sector', t('field.sector'), sector),
    field(trlName, t('field.' + trlName), trl),
    field('visibility', t('field.visibility'), vis),
    h('fieldset', { 'data-field': 'transfer_modes' }, h('legend', {}, t('field.modes')), modes, h('p', { class: 'err' })),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  const after = h('div', {});
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(form, async () => {
      const body = { title: title.value, summary: summary.value, language: lang.value, sector: sector.value, visibility: vis.value,
        transfer_modes: modes.map((l) => l.firstChild).filter((c) => c.checked).map((c) => c.value) };
      body[trlName] = Number(trl.value);
      try {
        if (id) {
          if (body.sector === o.sector) delete body.sector; // keeps a subsector the form does not show
          await request('/' + kind + '/' + id, { method: 'PATCH', body, headers: { 'If-Match': etag } });
          location.hash = '#/' + kind + '/' + id;
          return;
        }
        if (me.role !== 'partner') body.institution_id = inst.value;
        if (kind === 'offers') body.ip_status = 'none';
        const r = await request('/' + kind, { method: 'POST', body });
        location.hash = '#/' + kind + '/' + r.data.id;
      } catch (err) {
        if (err.status !== 412) { showErrors(form, err); return; }
        after.replaceChildren(notice(t('err.conflict'), 'bad'), h('button', { type: 'button', class: 'primary', onclick: reload }, t('reload')));
      }
    });
  });
  return [h('h1', {}, id ? t('listing.edit') + ': ' + o.title : t(kind + '.new')), form, after];
}
