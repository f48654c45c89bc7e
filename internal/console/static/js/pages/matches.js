import { get, request, user } from '../api.js';
import { t, code, num, dateTime } from '../i18n.js';
import { h, link, field, input, select, notice, bar, instName, announce } from '../ui.js';
import { reload } from './index.js';

const statuses = ['suggested', 'introduced', 'negotiating', 'agreed', 'declined', 'closed'];
const next = { suggested: ['introduced', 'declined', 'closed'], introduced: ['negotiating', 'agreed', 'declined', 'closed'],
  negotiating: ['agreed', 'declined', 'closed'], agreed: ['closed'], declined: [], closed: [] };

// board: one column per status, each one page of the newest records.
export async function board() {
  const cols = await Promise.all(statuses.map((s) => get('/matches', { status: s, sort: '-updated_at', limit: 10 })));
  return [h('h1', {}, t('nav.board')), h('div', { class: 'board' }, statuses.map((s, i) => h('section', { 'aria-labelledby': 'col-' + s },
    h('h2', { id: 'col-' + s }, code('mstatus', s), ' ', h('span', { class: 'badge' }, num(cols[i].total))),
    cols[i].items.map((m) => h('div', { class: 'card' }, link('#/matches/' + m.id, t('match.card', { score: num(Math.round(m.score)) })),
      h('div', { class: 'muted' }, code('sector', m.sector)), h('div', {}, instName(m.demand_institution_id), ' ← ', instName(m.offer_institution_id)))),
    cols[i].next_cursor ? h('p', { class: 'muted' }, t('list.more', { n: num(cols[i].total - cols[i].items.length) })) : '')))];
}

export async function matchDetail(route) {
  const id = route.parts[1];
  const { data: m, etag } = await request('/matches/' + id);
  const [demand, offer] = await Promise.all([get('/demands/' + m.demand_id).catch(() => null), get('/offers/' + m.offer_id).catch(() => null)]);
  const msg = h('div', { id: 'match-msg' });
  const fail = (err) => msg.replaceChildren(notice(err.status === 412 ? t('err.conflict') : err.message, 'bad'),
    err.status === 412 ? h('button', { type: 'button', onclick: reload }, t('reload')) : '');
  const reason = input({ maxlength: 1000 });
  const move = (status) => async () => {
    try { await request('/matches/' + id, { method: 'PATCH', body: reason.value ? { status, reason: reason.value } : { status }, headers: { 'If-Match': etag } }); announce(t('done')); reload(); }
    catch (err) { fail(err); }
  };
  const staff = ['admin', 'staff'].includes(user().role);
  const side = select([['demand', t('match.side.demand')], ['offer', t('match.side.offer')]], 'demand');
  const note = input({ maxlength: 2000 });
  const interest = (yes) => async () => {
    const body = { interested: yes, note: note.value };
    if (staff) body.side = side.value;
    try { await request('/matches/' + id + '/interest', { method: 'POST', body }); announce(t('done')); reload(); }
    catch (err) { fail(err); }
  };
  const showInterest = (x) => (x ? (x.interested ? t('yes') : t('no')) + (x.note ? ' — ' + x.note : '') + ' · ' + dateTime(x.at) : '—');
  const params = new URLSearchParams({ match_id: m.id, offer_id: m.offer_id, demand_id: m.demand_id, sector: m.sector,
    provider: m.offer_institution_id, recipient: m.demand_institution_id, title: offer ? offer.title : '' });
  return [h('h1', {}, t('match.title', { score: num(Math.round(m.score * 10) / 10) })),
    h('dl', { class: 'props' },
      h('dt', {}, t('field.status')), h('dd', { id: 'match-status' }, code('mstatus', m.status), m.status_reason ? ' — ' + m.status_reason : ''),
      h('dt', {}, t('match.demand')), h('dd', {}, demand ? link('#/demands/' + m.demand_id, demand.title) : '—', ' · ', instName(m.demand_institution_id)),
      h('dt', {}, t('match.offer')), h('dd', {}, offer ? link('#/offers/' + m.offer_id, offer.title) : '—', ' · ', instName(m.offer_institution_id)),
      h('dt', {}, t('match.interest.demand')), h('dd', {}, showInterest(m.demand_interest)),
      h('dt', {}, t('match.interest.offer')), h('dd', {}, showInterest(m.offer_interest)),
      h('dt', {}, t('matches.algorithm', { v: '' })), h('dd', {}, m.algorithm_version)),
    h('h2', {}, t('match.components')),
    h('div', {}, Object.entries(m.components || {}).map(([n, c]) => bar(t('comp.' + n), c.score, 1, num(Math.round(c.score * 100)) + '%'))),
    h('ul', {}, (m.reasons || []).map((r) => h('li', {}, r))),
    staff && next[m.status].length ? [h('h2', {}, t('match.move')), field('reason', t('act.reason'), reason),
      h('div', { class: 'actions' }, next[m.status].map((s) => h('button', { type: 'button', class: s === 'introduced' ? 'primary' : '', onclick: move(s) }, t('match.to.' + s))))] : '',
    h('h2', {}, t('match.interest')),
    h('div', { class: 'actions' }, staff ? field('side', t('match.side'), side) : '', field('note', t('match.note'), note),
      h('button', { type: 'button', onclick: interest(true) }, t('match.interested')), h('button', { type: 'button', onclick: interest(false) }, t('match.notinterested'))),
    msg,
    staff ? h('p', {}, link('#/agreements/new?' + params, t('match.record'))) : ''];
}
