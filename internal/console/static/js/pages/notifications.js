// Notifications (with the header's bell), saved searches and watches,
// e-mail settings.
import { get, request, user, del, post } from '../api.js';
import { t, code, dateTime, num } from '../i18n.js';
import { h, link, field, input, select, showErrors, submitting, pager, notice, announce, vocabulary } from '../ui.js';
import { reload } from './index.js';

const th = (keys) => h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, t(k)))));

// bell is the header's link to the notifications with the unread count;
// refreshBell asks the API again (on every page and every 60 s).
let bellEl = null;
let poll = null;
export function bell() {
  if (!bellEl) bellEl = h('a', { href: '#/notifications', class: 'bell', id: 'bell' });
  if (!poll) poll = setInterval(() => { if (user()) refreshBell(); }, 60000);
  return bellEl;
}
export async function refreshBell() {
  if (!bellEl || !user()) return;
  let n = Number(bellEl.dataset.unread || 0);
  try { n = (await get('/notifications/unread-count')).unread; } catch { /* keep the last count */ }
  bellEl.dataset.unread = n;
  bellEl.replaceChildren(t('nav.notifications') + ' ', h('span', { class: n ? 'count' : 'count zero' }, num(n)));
  bellEl.setAttribute('aria-label', t('notif.bell', { n: num(n) }));
}

// target links a notification to the listing, match or meeting it is about.
function target(n) {
  const d = n.data || {};
  if (d.event_id && d.meeting_id) return link('#/events/' + d.event_id + '/meetings/' + d.meeting_id, t('notif.meeting'));
  if (d.match_id) return link('#/matches/' + d.match_id, t('notif.match'));
  if (d.listing_id) return link('#/' + (d.kind === 'demand' ? 'demands' : 'offers') + '/' + d.listing_id, t('notif.listing'));
  if (d.agreement_id) return link('#/agreements/' + d.agreement_id, t('notif.agreement'));
  return '';
}

export async function notificationList(route) {
  const q = { limit: 20, ...route.query };
  const list = await get('/notifications', q);
  const msg = h('div', { id: 'action-msg' });
  const act = (fn) => async () => { try { await fn(); announce(t('done')); await refreshBell(); reload(); } catch (err) { msg.replaceChildren(notice(err.message, 'bad')); } };
  const unreadOnly = q.unread === 'true';
  return [h('h1', {}, t('nav.notifications')),
    h('div', { class: 'actions' }, link(unreadOnly ? '#/notifications' : '#/notifications?unread=true', unreadOnly ? t('notif.all') : t('notif.unread_only')),
      h('button', { type: 'button', onclick: act(() => post('/notifications/read-all')) }, t('notif.read_all')),
      link('#/saved-searches', t('nav.saved')), link('#/settings', t('nav.settings'))),
    msg,
    list.items.length ? h('ul', { class: 'notes' }, list.items.map((n) => h('li', { class: n.read ? 'read' : 'unread' },
      h('strong', {}, n.title), ' ', h('span', { class: 'badge' }, code('ntype', n.type)), n.read ? '' : [' ', h('span', { class: 'badge' }, t('notif.new'))],
      n.body ? h('p', {}, n.body) : '', h('p', { class: 'muted' }, dateTime(n.created_at), ' ', target(n), ' ',
        n.read ? '' : h('button', { type: 'button', onclick: act(() => post('/notifications/' + n.id + '/read')) }, t('notif.mark_read')))))) : notice(t('notif.none')),
    pager(list, '/notifications', route.query)];
}

export async function savedSearchList(route) {
  const list = await get('/saved-searches', { limit: 20, cursor: route.query.cursor });
  const msg = h('div', { id: 'action-msg' });
  const describe = (s) => [s.q && '“' + s.q + '”', s.sector && code('sector', s.sector), s.country, s.trl_min != null && 'TRL ≥ ' + s.trl_min, s.listing_id && t('saved.watching'), s.min_score != null && t('saved.min_score') + ' ' + s.min_score].filter(Boolean).join(' · ');
  return [h('h1', {}, t('nav.saved')), h('div', { class: 'actions' }, link('#/saved-searches/new', t('saved.new'))), msg,
    list.items.length ? h('table', {}, th(['saved.name', 'field.type', 'saved.kind', 'saved.criteria', 'actions']),
      h('tbody', {}, list.items.map((s) => h('tr', {}, h('td', {}, s.listing_id ? link('#/' + (s.kind === 'demand' ? 'demands' : 'offers') + '/' + s.listing_id, s.name) : s.name),
        h('td', {}, code('stype', s.type)), h('td', {}, code('skind', s.kind)), h('td', {}, describe(s)),
        h('td', {}, h('button', { type: 'button', class: 'danger', onclick: async () => { try { await del('/saved-searches/' + s.id); announce(t('done')); reload(); } catch (err) { msg.replaceChildren(notice(err.message, 'bad')); } } }, t('saved.delete'))))))) : notice(t('list.empty')),
    pager(list, '/saved-searches', route.query)];
}

// savedSearchForm saves a search; the offers and demands lists link here
// with their filters in the query.
export async function savedSearchForm(route) {
  const q = route.query;
  const voc = await vocabulary();
  const name = input({ maxlength: 200, value: q.name || '' });
  const kind = select([['offer', code('skind', 'offer')], ['demand', code('skind', 'demand')]], q.kind || 'offer');
  const words = input({ value: q.q || '' });
  const sector = select([['', t('any')], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], q.sector);
  const country = input({ value: q.country || '', maxlength: 2, size: 3 });
  const trl = input({ type: 'number', min: 1, max: 9, value: q.trl_min || '' });
  const f = h('form', { class: 'grid', novalidate: true }, field('name', t('saved.name'), name), field('kind', t('saved.kind'), kind),
    field('q', t('filter.q'), words), field('sector', t('field.sector'), sector), field('country', t('field.country'), country),
    field('trl_min', t('field.min_trl'), trl), h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const body = { type: 'search', name: name.value, kind: kind.value, q: words.value || undefined, sector: sector.value || undefined, country: country.value.toUpperCase() || undefined };
      if (trl.value !== '') body.trl_min = Number(trl.value);
      try { await request('/saved-searches', { method: 'POST', body }); location.hash = '#/saved-searches'; } catch (err) { showErrors(f, err); }
    });
  });
  return [h('h1', {}, t('saved.new')), f];
}

// watchButton watches one of the partner's own listings for new counterparts.
export function watchButton(kind, o) {
  const me = user();
  if (!me.institution_id || me.institution_id !== o.institution_id || o.status !== 'published') return '';
  const box = h('span', {});
  const b = h('button', { type: 'button', onclick: async () => {
    try { await post('/saved-searches', { type: 'watch', name: o.title.slice(0, 200), listing_id: o.id }); box.replaceChildren(notice(t('saved.watch_done'), 'ok')); b.disabled = true; }
    catch (err) { box.replaceChildren(notice(err.message, 'bad')); }
  } }, t('saved.watch'));
  return [b, box];
}

// settingsPage: settings never saved are version 0, whose ETag "0" the API
// does not take as If-Match; the first save goes without it.
export async function settingsPage(route) {
  const { data: s, etag } = await request('/me/notification-settings');
  const mode = select(['instant', 'daily', 'weekly', 'none'].map((m) => [m, code('mail', m)]), s.email_mode);
  const lang = select([['en', 'English'], ['zh-Hans', '简体中文']], s.language);
  const f = h('form', { class: 'grid', novalidate: true }, field('email_mode', t('settings.mode'), mode), field('language', t('settings.language'), lang),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      try { await request('/me/notification-settings', { method: 'PATCH', body: { email_mode: mode.value, language: lang.value }, headers: s.version > 0 ? { 'If-Match': etag } : {} }); announce(t('settings.saved')); reload(); }
      catch (err) { showErrors(f, err); }
    });
  });
  const out = [h('h1', {}, t('nav.settings')), s.mail_enabled ? '' : notice(t('settings.mail_off')), f];
  if (['admin', 'staff'].includes(user().role)) {
    // the mail outbox, for staff
    const list = await get('/mail/deliveries', { limit: 20, cursor: route.query.cursor });
    out.push(h('h2', {}, t('mail.outbox')), list.items.length ? h('table', {}, th(['mail.to', 'mail.subject', 'field.status', 'hook.attempts', 'mail.sent']),
      h('tbody', {}, list.items.map((d) => h('tr', {}, h('td', {}, d.to), h('td', {}, d.subject), h('td', {}, d.status + (d.last_error ? ' — ' + d.last_error : '')),
        h('td', { class: 'num' }, num(d.attempts)), h('td', {}, dateTime(d.sent_at || d.created_at)))))) : notice(t('list.empty')), pager(list, '/settings', route.query));
  }
  return out;
}
