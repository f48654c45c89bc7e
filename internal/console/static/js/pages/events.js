// Matchmaking events: list, detail and status, registrations, meeting
// requests, the schedule run, the agenda board, agendas, outcomes, figures.
import { get, request, user } from '../api.js';
import { t, code, num, date, dateTime } from '../i18n.js';
import { h, link, field, input, select, showErrors, submitting, pager, notice, instName, vocabulary, announce, bar } from '../ui.js';
import { reload } from './index.js';

const staff = () => ['admin', 'staff'].includes(user().role);
const statuses = ['draft', 'open', 'agenda_published', 'finished', 'cancelled'];
const next = { draft: ['open', 'cancelled'], open: ['agenda_published', 'draft', 'cancelled'], agenda_published: ['finished', 'open', 'cancelled'], finished: [], cancelled: [] };
const outcomes = ['no_interest', 'follow_up', 'negotiating', 'agreement_expected'];
const th = (keys) => h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, t(k)))));
const time = (s, tz) => (s ? new Intl.DateTimeFormat(document.documentElement.lang || 'en', { timeStyle: 'short', timeZone: tz }).format(new Date(s)) : '—');

// zoned turns a datetime-local value read in the IANA zone tz into RFC 3339.
export function zoned(local, tz) {
  if (!local) return undefined;
  const [d, tm] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [hh, mi] = (tm || '00:00').split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, da, hh, mi);
  let off = 0;
  try {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(guess)).map((x) => [x.type, x.value]));
    off = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - guess;
  } catch { /* unknown zone: the API says so */ }
  return new Date(guess - off).toISOString().replace('.000Z', 'Z');
}

function tabs(id, here) {
  const items = [['', 'event.overview'], ['/registrations', 'event.registrations'], ['/requests', 'event.requests'], ['/board', 'event.board'], ['/stats', 'event.stats']];
  // partners see no figures; analysts nothing that names people
  const role = user().role;
  const shown = items.filter(([p]) => (role === 'partner' ? p !== '/stats' : role === 'analyst' ? p === '' || p === '/stats' : true));
  return h('nav', { class: 'actions', 'aria-label': t('event.sections') }, shown
    .map(([p, k]) => h('a', { href: '#/events/' + id + p, 'aria-current': p === here ? 'page' : null }, t(k))));
}

async function act(fn, box) {
  try { await fn(); announce(t('done')); reload(); } catch (err) {
    box.replaceChildren(notice(err.status === 412 ? t('err.conflict') : err.message, 'bad'), err.status === 412 ? h('button', { type: 'button', onclick: reload }, t('reload')) : '');
  }
}

export async function eventList(route) {
  const q = { limit: 20, ...route.query };
  const list = await get('/events', q);
  const form = h('form', { class: 'grid', role: 'search' },
    field('status', t('field.status'), select([['', t('any')], ...statuses.map((s) => [s, code('estatus', s)])], q.status)),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = '#/events?' + p;
  });
  return [h('h1', {}, t('nav.events')), staff() ? h('div', { class: 'actions' }, link('#/events/new', t('event.new'))) : '', form,
    list.items.length ? h('table', {}, th(['event.name', 'event.dates', 'event.city', 'field.status']),
      h('tbody', {}, list.items.map((e) => h('tr', {}, h('td', {}, link('#/events/' + e.id, e.name)), h('td', {}, date(e.starts_on) + ' – ' + date(e.ends_on)),
        h('td', {}, e.city || ''), h('td', {}, code('estatus', e.status)))))) : notice(t('list.empty')),
    pager(list, '/events', route.query)];
}

export async function eventForm() {
  const voc = await vocabulary();
  const name = input({ maxlength: 200 });
  const tz = input({ value: 'Asia/Shanghai' });
  const starts = input({ type: 'date' });
  const ends = input({ type: 'date' });
  const venue = input({});
  const city = input({});
  const sTitle = input({});
  const sSector = select([['', '—'], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], '');
  const sStart = input({ type: 'datetime-local' });
  const sEnd = input({ type: 'datetime-local' });
  const slot = input({ type: 'number', min: 5, max: 240, value: 30 });
  const brk = input({ type: 'number', min: 0, value: 5 });
  const tables = input({ type: 'number', min: 1, max: 1000, value: 10 });
  const f = h('form', { class: 'grid', novalidate: true },
    field('name', t('event.name'), name), field('time_zone', t('event.tz'), tz), field('starts_on', t('event.starts_on'), starts),
    field('ends_on', t('event.ends_on'), ends), field('venue', t('event.venue'), venue), field('city', t('event.city'), city),
    h('fieldset', { class: 'grid' }, h('legend', {}, t('event.session')),
      field('sessions.title', t('field.title'), sTitle), field('sessions.sector', t('field.sector'), sSector),
      field('sessions.starts_at', t('event.s_start'), sStart), field('sessions.ends_at', t('event.s_end'), sEnd),
      field('sessions.slot_minutes', t('event.slot_minutes'), slot), field('sessions.break_minutes', t('event.break'), brk),
      field('sessions.tables', t('event.tables'), tables)),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('event.create'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const body = { name: name.value, time_zone: tz.value, starts_on: starts.value, ends_on: ends.value, venue: venue.value || undefined, city: city.value || undefined, sessions: [] };
      if (sStart.value || sSector.value) {
        body.sessions.push({ title: sTitle.value || undefined, sector: sSector.value, starts_at: zoned(sStart.value, tz.value), ends_at: zoned(sEnd.value, tz.value),
          slot_minutes: Number(slot.value), break_minutes: Number(brk.value), tables: Number(tables.value) });
      }
      try {
        const r = await request('/events', { method: 'POST', body });
        location.hash = '#/events/' + r.data.id;
      } catch (err) {
        // sessions[0].x names the field of the one session of this form
        showErrors(f, { ...err, message: err.message, status: err.status, errors: err.errors.map((x) => ({ ...x, field: String(x.field).replace(/^sessions\[0\]\./, 'sessions.') })) });
      }
    });
  });
  return [h('h1', {}, t('event.new')), f];
}

export async function eventDetail(route) {
  const id = route.parts[1];
  regs.delete(id);
  const { data: ev, etag } = await request('/events/' + id);
  const msg = h('div', { id: 'action-msg' });
  const out = [h('h1', {}, ev.name), tabs(id, ''),
    h('dl', { class: 'props' },
      h('dt', {}, t('field.status')), h('dd', { id: 'event-status' }, code('estatus', ev.status)),
      h('dt', {}, t('event.dates')), h('dd', {}, date(ev.starts_on) + ' – ' + date(ev.ends_on)),
      h('dt', {}, t('event.tz')), h('dd', {}, ev.time_zone),
      h('dt', {}, t('event.venue')), h('dd', {}, [ev.venue, ev.city].filter(Boolean).join(', ') || '—')),
    h('h2', {}, t('event.sessions')),
    ev.sessions.length ? h('table', {}, th(['field.title', 'field.sector', 'event.s_start', 'event.s_end', 'event.slots', 'event.tables']),
      h('tbody', {}, ev.sessions.map((s) => h('tr', {}, h('td', {}, link('#/events/' + id + '/board?session=' + s.id, s.title || code('sector', s.sector))),
        h('td', {}, code('sector', s.sector)), h('td', {}, dateTime(s.starts_at, ev.time_zone)), h('td', {}, dateTime(s.ends_at, ev.time_zone)),
        h('td', { class: 'num' }, num((s.slots || []).length) + ' × ' + t('event.minutes', { n: num(s.slot_minutes) })), h('td', { class: 'num' }, num(s.tables)))))) : notice(t('list.empty'))];
  if (staff()) {
    out.push(h('h2', {}, t('event.change_status')), h('div', { class: 'actions' }, next[ev.status].map((s) =>
      h('button', { type: 'button', onclick: () => act(() => request('/events/' + id, { method: 'PATCH', body: { status: s }, headers: { 'If-Match': etag } }), msg) }, t('event.move_to', { s: code('estatus', s) })))), msg);
    out.push(scheduleBox(id));
  }
  return out;
}

function scheduleBox(id) {
  const over = h('input', { type: 'checkbox' });
  const result = h('div', { id: 'schedule-result' });
  const f = h('form', { class: 'grid' }, h('div', { class: 'field' }, h('label', { class: 'check' }, over, t('event.start_over'))),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('event.schedule'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      try {
        const r = await request('/events/' + id + '/schedule', { method: 'POST', body: { start_over: over.checked } });
        const d = r.data;
        result.replaceChildren(notice(t('event.scheduled', { c: num(d.created), k: num(d.kept), m: num(d.moved), x: num(d.cancelled) }), 'ok'),
          h('h3', {}, t('event.left_out', { n: num(d.left_out.length) })),
          d.left_out.length ? h('table', {}, th(['event.side_a', 'event.side_b', 'event.kind', 'event.reason']),
            h('tbody', {}, d.left_out.map((l) => h('tr', {}, h('td', {}, regName(id, l.a_registration_id)), h('td', {}, regName(id, l.b_registration_id)),
              h('td', {}, code('mkind', l.kind)), h('td', {}, code('reason', l.reason)))))) : '');
        announce(t('done'));
      } catch (err) { showErrors(f, err); }
    });
  });
  return [h('h2', {}, t('event.schedule')), f, result];
}

// registration id → institution name, one list per event and page load.
const regs = new Map();
function registrations(id) {
  if (!regs.has(id)) regs.set(id, get('/events/' + id + '/registrations', { limit: 100 }).then((l) => l.items).catch(() => []));
  return regs.get(id);
}
function regName(id, rid) {
  const span = h('span', {}, rid ? rid.slice(0, 8) : '—');
  registrations(id).then((items) => { const r = items.find((x) => x.id === rid); if (r) span.replaceChildren(instName(r.institution_id)); });
  return span;
}

export async function registrationList(route) {
  const id = route.parts[1];
  regs.delete(id);
  const me = user();
  const ev = await get('/events/' + id);
  const list = await get('/events/' + id + '/registrations', { limit: 20, cursor: route.query.cursor });
  const msg = h('div', { id: 'action-msg' });
  const mine = (r) => staff() || r.institution_id === me.institution_id;
  const out = [h('h1', {}, t('event.registrations') + ' · ' + ev.name), tabs(id, '/registrations'), msg,
    list.items.length ? h('table', {}, th(['field.institution', 'event.delegates', 'event.listings', 'field.status', 'actions']),
      h('tbody', {}, list.items.map((r) => h('tr', {}, h('td', {}, instName(r.institution_id)),
        h('td', {}, (r.delegates || []).map((d) => d.name + (d.role ? ' (' + d.role + ')' : '') + ' · ' + (d.languages || []).join(', ')).join('; ')),
        h('td', { class: 'num' }, num((r.listing_ids || []).length)), h('td', {}, code('rstatus', r.status)),
        h('td', {}, mine(r) ? [link('#/events/' + id + '/registrations/' + r.id + '/agenda', t('event.agenda')), ' ',
          r.status === 'registered' ? h('button', { type: 'button', onclick: () => act(() => request('/events/' + id + '/registrations/' + r.id + '/withdraw', { method: 'POST', body: {} }), msg) }, t('event.withdraw')) : ''] : ''))))) : notice(t('list.empty')),
    pager(list, '/events/' + id + '/registrations', route.query)];
  if (ev.status !== 'finished' && ev.status !== 'cancelled' && me.role !== 'analyst') out.push(registerForm(id, me));
  return out;
}

function registerForm(id, me) {
  const inst = input({ value: me.institution_id || '' });
  const dels = h('textarea', { rows: 3, placeholder: t('event.delegates_help') });
  const listings = h('div', {}, notice(t('event.listings_first')));
  const max = input({ type: 'number', min: 0, value: '' });
  // the institution's published offers and demands, to tick
  const load = async () => {
    const iid = inst.value.trim();
    if (!/^[\w-]{8,}$/.test(iid)) return;
    const [o, d] = await Promise.all(['offers', 'demands'].map((k) => get('/' + k, { institution_id: iid, status: 'published', limit: 100 }).catch(() => ({ items: [] }))));
    const all = [...o.items.map((x) => ['offers', x]), ...d.items.map((x) => ['demands', x])];
    listings.replaceChildren(...(all.length ? all.map(([k, x]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: x.id }), t('nav.' + k) + ': ' + x.title)) : [notice(t('event.no_listings'))]));
  };
  inst.addEventListener('change', load);
  if (me.institution_id) load();
  const f = h('form', { class: 'grid', novalidate: true },
    me.role === 'partner' ? '' : field('institution_id', t('field.institution_id'), inst),
    field('delegates', t('event.delegates'), dels, t('event.delegates_help')),
    h('fieldset', { 'data-field': 'listing_ids' }, h('legend', {}, t('event.listings')), listings, h('p', { class: 'err' })),
    field('max_meetings', t('event.max'), max),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('event.register'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const delegates = dels.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const [n, role, langs] = l.split('|').map((x) => (x || '').trim());
        return { name: n, role: role || undefined, languages: (langs || '').split(/[\s,]+/).filter(Boolean) };
      });
      const body = { delegates, listing_ids: [...listings.querySelectorAll('input:checked')].map((c) => c.value) };
      if (me.role !== 'partner') body.institution_id = inst.value.trim();
      if (max.value !== '') body.max_meetings = Number(max.value);
      try { await request('/events/' + id + '/registrations', { method: 'POST', body }); announce(t('done')); reload(); } catch (err) { showErrors(f, err); }
    });
  });
  return [h('h2', {}, t('event.register')), f];
}

export async function requestList(route) {
  const id = route.parts[1];
  regs.delete(id);
  const me = user();
  const ev = await get('/events/' + id);
  const [list, rs] = await Promise.all([get('/events/' + id + '/requests', { limit: 20, cursor: route.query.cursor }), registrations(id)]);
  const active = rs.filter((r) => r.status === 'registered');
  const own = (rid) => staff() || (rs.find((r) => r.id === rid) || {}).institution_id === me.institution_id;
  const msg = h('div', { id: 'action-msg' });
  const answer = (r) => {
    const note = input({ maxlength: 1000, 'aria-label': t('event.answer_note') });
    return h('div', { class: 'actions' }, note,
      h('button', { type: 'button', class: 'primary', onclick: () => act(() => request('/events/' + id + '/requests/' + r.id + '/accept', { method: 'POST', body: { note: note.value || undefined } }), msg) }, t('event.accept')),
      h('button', { type: 'button', onclick: () => act(() => request('/events/' + id + '/requests/' + r.id + '/decline', { method: 'POST', body: { note: note.value || undefined } }), msg) }, t('event.decline')));
  };
  const out = [h('h1', {}, t('event.requests') + ' · ' + ev.name), tabs(id, '/requests'), msg,
    list.items.length ? h('table', {}, th(['event.from', 'event.to', 'event.note', 'field.status', 'actions']),
      h('tbody', {}, list.items.map((r) => h('tr', {}, h('td', {}, regName(id, r.from_registration_id)), h('td', {}, regName(id, r.to_registration_id)),
        h('td', {}, [r.note, r.response_note ? '→ ' + r.response_note : ''].filter(Boolean).join(' ')), h('td', {}, code('qstatus', r.status)),
        h('td', {}, own(r.to_registration_id) ? answer(r) : ''))))) : notice(t('list.empty')),
    pager(list, '/events/' + id + '/requests', route.query)];
  if (me.role !== 'analyst' && active.length > 1) {
    const opts = (items) => items.map((r) => [r.id, r.delegates && r.delegates[0] ? r.delegates[0].name + ' · ' + r.id.slice(0, 8) : r.id]);
    const mineRegs = active.filter((r) => own(r.id));
    const from = select(opts(mineRegs), '');
    const to = select(opts(active), (active.find((r) => r.id !== from.value) || {}).id);
    // show institution names in the options once known
    for (const sel of [from, to]) for (const o of sel.options) { const r = active.find((x) => x.id === o.value); if (r) { const n = instName(r.institution_id); const fix = () => { o.textContent = n.textContent; }; fix(); new MutationObserver(fix).observe(n, { childList: true, characterData: true, subtree: true }); } }
    const note = input({ maxlength: 1000 });
    const f = h('form', { class: 'grid', novalidate: true }, field('from_registration_id', t('event.from'), from), field('to_registration_id', t('event.to'), to),
      field('note', t('event.note'), note), h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('event.ask'))));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      submitting(f, async () => {
        try { await request('/events/' + id + '/requests', { method: 'POST', body: { from_registration_id: from.value, to_registration_id: to.value, note: note.value || undefined } }); announce(t('done')); reload(); } catch (err) { showErrors(f, err); }
      });
    });
    out.push(h('h2', {}, t('event.ask')), f);
  }
  return out;
}

// board draws one session's meetings as slots × tables, in the event's zone.
export async function eventBoard(route) {
  const id = route.parts[1];
  const ev = await get('/events/' + id);
  const s = ev.sessions.find((x) => x.id === route.query.session) || ev.sessions[0];
  const out = [h('h1', {}, t('event.board') + ' · ' + ev.name), tabs(id, '/board')];
  if (!s) return [...out, notice(t('list.empty'))];
  const meetings = (await get('/events/' + id + '/meetings')).items.filter((m) => m.session_id === s.id);
  const pick = select(ev.sessions.map((x) => [x.id, (x.title || code('sector', x.sector)) + ' · ' + dateTime(x.starts_at, ev.time_zone)]), s.id,
    { onchange: (e) => { location.hash = '#/events/' + id + '/board?session=' + e.target.value; } });
  out.push(field('session', t('event.session'), pick), h('p', { class: 'muted' }, t('event.in_zone', { tz: ev.time_zone })));
  const cols = Array.from({ length: s.tables }, (_, i) => i + 1);
  const at = new Map(meetings.map((m) => [new Date(m.starts_at).getTime() + '/' + m.table, m]));
  out.push(h('div', { class: 'scroll' }, h('table', { class: 'agenda' }, h('caption', { class: 'sr' }, t('event.board')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('event.slot')), cols.map((c) => h('th', { scope: 'col' }, t('event.table', { n: c }))))),
    h('tbody', {}, (s.slots || []).map((sl) => h('tr', {}, h('th', { scope: 'row' }, time(sl.starts_at, ev.time_zone) + '–' + time(sl.ends_at, ev.time_zone)),
      cols.map((c) => {
        const m = at.get(new Date(sl.starts_at).getTime() + '/' + c);
        return h('td', { class: m ? 'meeting' : '' }, m ? link('#/events/' + id + '/meetings/' + m.id, instName(m.a_institution_id), ' ↔ ', instName(m.b_institution_id)) : '');
      })))))));
  if (staff()) out.push(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: async () => {
    const r = await request('/events/' + id + '/meetings', { query: { format: 'csv' }, raw: true, headers: { Accept: 'text/csv' } });
    const a = h('a', { href: URL.createObjectURL(await r.blob()), download: 'agenda-' + id + '.csv' });
    document.body.append(a); a.click(); a.remove();
  } }, t('stats.csv'))));
  return out;
}

export async function meetingDetail(route) {
  const [, id, , mid] = route.parts;
  const ev = await get('/events/' + id);
  const { data: m, etag } = await request('/events/' + id + '/meetings/' + mid);
  const me = user();
  const side = (o) => (o && (o.outcome || o.no_show) ? (o.no_show ? t('event.no_show') : code('outcome', o.outcome)) + (o.note ? ' — ' + o.note : '') : '—');
  const out = [h('h1', {}, t('event.meeting')), tabs(id, ''),
    h('dl', { class: 'props' },
      h('dt', {}, t('event.when')), h('dd', {}, dateTime(m.starts_at, ev.time_zone) + '–' + time(m.ends_at, ev.time_zone) + ' (' + ev.time_zone + ')'),
      h('dt', {}, t('event.table_h')), h('dd', {}, num(m.table)),
      h('dt', {}, t('field.status')), h('dd', { id: 'meeting-status' }, code('mstatus', m.status)),
      h('dt', {}, t('event.kind')), h('dd', {}, code('mkind', m.kind)),
      h('dt', {}, instName(m.a_institution_id)), h('dd', { id: 'outcome-a' }, side(m.outcome_a)),
      h('dt', {}, instName(m.b_institution_id)), h('dd', { id: 'outcome-b' }, side(m.outcome_b)),
      m.match_id ? [h('dt', {}, t('event.match')), h('dd', {}, link('#/matches/' + m.match_id, m.match_id.slice(0, 8)))] : '')];
  if (m.status === 'cancelled' || me.role === 'analyst') return out;
  if (staff() && m.status === 'scheduled') {
    const box = h('div', { id: 'action-msg' });
    out.push(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: () => act(() => request('/events/' + id + '/meetings/' + mid, { method: 'PATCH', body: { status: 'cancelled' }, headers: { 'If-Match': etag } }), box) }, t('event.cancel_meeting'))), box);
  }
  const sides = [[m.a_registration_id, m.a_institution_id], [m.b_registration_id, m.b_institution_id]].filter(([, inst]) => staff() || inst === me.institution_id);
  const sideSel = select(sides.map(([r, inst]) => [r, inst === m.a_institution_id ? 'A' : 'B']), sides[0] && sides[0][0]);
  for (const o of sideSel.options) { const inst = sides.find(([r]) => r === o.value)[1]; const n = instName(inst); new MutationObserver(() => { o.textContent = n.textContent; }).observe(n, { childList: true, characterData: true, subtree: true }); }
  const outcome = select([['', '—'], ...outcomes.map((o) => [o, code('outcome', o)])], '');
  const note = input({ maxlength: 2000 });
  const noShow = h('input', { type: 'checkbox' });
  const f = h('form', { class: 'grid', novalidate: true },
    staff() ? field('registration_id', t('event.side'), sideSel) : '', field('outcome', t('event.outcome'), outcome), field('note', t('event.note'), note),
    staff() ? h('div', { class: 'field', 'data-field': 'no_show' }, h('label', { class: 'check' }, noShow, t('event.no_show')), h('p', { class: 'err' })) : '',
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('event.record'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const body = { outcome: outcome.value || undefined, note: note.value || undefined };
      if (staff()) { body.registration_id = sideSel.value; if (noShow.checked) body.no_show = true; }
      try { await request('/events/' + id + '/meetings/' + mid + '/outcome', { method: 'POST', body }); announce(t('done')); reload(); } catch (err) { showErrors(f, err); }
    });
  });
  out.push(h('h2', {}, t('event.record_outcome')), f);
  return out;
}

export async function agendaPage(route) {
  const [, id, , rid] = route.parts;
  const ag = await get('/events/' + id + '/registrations/' + rid + '/agenda');
  const ev = await get('/events/' + id);
  const ics = h('button', { type: 'button', onclick: async () => {
    const r = await request('/events/' + id + '/registrations/' + rid + '/agenda', { query: { format: 'ics' }, raw: true, headers: { Accept: 'text/calendar' } });
    const a = h('a', { href: URL.createObjectURL(await r.blob()), download: 'agenda-' + rid + '.ics' });
    document.body.append(a); a.click(); a.remove();
  } }, t('event.ics'));
  return [h('h1', {}, t('event.agenda') + ' · ' + ev.name), tabs(id, ''), h('p', { class: 'muted' }, t('event.in_zone', { tz: ag.time_zone })),
    h('div', { class: 'actions' }, ics),
    ag.items.length ? h('table', {}, th(['event.when', 'event.table_h', 'event.counterpart', 'event.delegates', 'field.status']),
      h('tbody', {}, ag.items.map((m) => h('tr', {}, h('td', {}, link('#/events/' + id + '/meetings/' + m.id, dateTime(m.starts_at, ag.time_zone))), h('td', { class: 'num' }, num(m.table)),
        h('td', {}, m.counterpart_name), h('td', {}, (m.counterpart_delegates || []).map((d) => d.name).join(', ')), h('td', {}, code('mstatus', m.status)))))) : notice(t('list.empty'))];
}

export async function eventStats(route) {
  const id = route.parts[1];
  const ev = await get('/events/' + id);
  const s = await get('/events/' + id + '/stats');
  const rows = [['estat.registrations', s.registrations], ['estat.requested', s.meetings_requested], ['estat.accepted', s.requests_accepted], ['estat.declined', s.requests_declined],
    ['estat.scheduled', s.meetings_scheduled], ['estat.held', s.meetings_held], ['estat.no_show', s.meetings_no_show], ['estat.cancelled', s.meetings_cancelled],
    ['estat.signed', s.agreements_signed], ['estat.planned', s.agreements_planned]];
  const max = Math.max(1, ...rows.map((r) => r[1] || 0));
  const group = (title, items, kind) => (items && items.length ? [h('h2', {}, t(title)), items.map((x) => bar(code(kind, x.key), x.count, Math.max(...items.map((y) => y.count))))] : '');
  return [h('h1', {}, t('event.stats') + ' · ' + ev.name), tabs(id, '/stats'), h('div', {}, rows.map(([k, v]) => bar(t(k), v || 0, max))),
    group('estat.by_country', s.registrations_by_country, 'country'), group('estat.by_type', s.registrations_by_institution_type, 'itype'),
    group('estat.outcomes', s.outcomes, 'outcome')];
}
