import { get, request, user, del } from '../api.js';
import { t, dateTime } from '../i18n.js';
import { h, link, field, input, showErrors, submitting, notice, announce, instName } from '../ui.js';
import { reload } from './index.js';

const events = ['listing.published', 'listing.status_changed', 'listing.expiring', 'match.created', 'match.updated', 'agreement.recorded', 'agreement.updated'];

export async function webhookList(route) {
  const list = await get('/webhooks', { limit: 20, cursor: route.query.cursor });
  return [h('h1', {}, t('nav.webhooks')), h('div', { class: 'actions' }, link('#/webhooks/new', t('hook.new'))),
    list.items.length ? h('table', {}, h('thead', {}, h('tr', {}, ['hook.url', 'field.institution', 'hook.events', 'field.status'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.items.map((w) => h('tr', {}, h('td', {}, link('#/webhooks/' + w.id, w.url)), h('td', {}, instName(w.institution_id)),
        h('td', {}, (w.events || []).join(', ')), h('td', {}, w.disabled_reason ? t('hook.disabled') : w.paused ? t('hook.paused') : t('hook.active')))))) : notice(t('list.empty'))];
}

export async function webhookForm(route) {
  const me = user();
  const url = input({ type: 'url', placeholder: 'https://' });
  const inst = input({ value: me.institution_id || route.query.institution_id || '' });
  const desc = input({ maxlength: 500 });
  const boxes = events.map((e) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: e, checked: true }), e));
  const shown = h('div', {});
  const f = h('form', { class: 'grid', novalidate: true },
    me.role === 'partner' ? '' : field('institution_id', t('field.institution_id'), inst),
    field('url', t('hook.url'), url), field('description', t('hook.description'), desc),
    h('fieldset', { 'data-field': 'events' }, h('legend', {}, t('hook.events')), boxes, h('p', { class: 'err' })),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      const body = { url: url.value, events: boxes.map((b) => b.firstChild).filter((c) => c.checked).map((c) => c.value) };
      if (desc.value) body.description = desc.value;
      if (me.role !== 'partner') body.institution_id = inst.value;
      try {
        const r = await request('/webhooks', { method: 'POST', body });
        shown.replaceChildren(notice(t('hook.once'), 'ok'), h('code', { class: 'secret' }, r.data.secret || ''), link('#/webhooks/' + r.data.id, t('hook.open')));
      } catch (err) { showErrors(f, err); }
    });
  });
  return [h('h1', {}, t('hook.new')), f, shown];
}

export async function webhookDetail(route) {
  const id = route.parts[1];
  const { data: w, etag } = await request('/webhooks/' + id);
  const deliveries = await get('/webhooks/' + id + '/deliveries', { limit: 20 }).catch(() => ({ items: [] }));
  const msg = h('div', {});
  const run = (fn) => async () => { try { await fn(); announce(t('done')); reload(); } catch (err) { msg.replaceChildren(notice(err.message, 'bad')); } };
  return [h('h1', {}, w.url), h('p', {}, (w.events || []).join(', ')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: run(() => request('/webhooks/' + id, { method: 'PATCH', body: { paused: !w.paused }, headers: { 'If-Match': etag } })) }, w.paused || w.disabled_reason ? t('hook.resume') : t('hook.pause')),
      h('button', { type: 'button', onclick: run(() => request('/webhooks/' + id + '/test', { method: 'POST', body: {} })) }, t('hook.test')),
      h('button', { type: 'button', class: 'danger', onclick: async () => { try { await del('/webhooks/' + id); location.hash = '#/webhooks'; } catch (err) { msg.replaceChildren(notice(err.message, 'bad')); } } }, t('hook.delete'))),
    msg, h('h2', {}, t('hook.deliveries')),
    deliveries.items.length ? h('table', {}, h('thead', {}, h('tr', {}, ['hook.event', 'field.status', 'hook.attempts', 'field.created'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, deliveries.items.map((d) => h('tr', {}, h('td', {}, d.event_type || d.type || ''), h('td', {}, d.status || ''), h('td', { class: 'num' }, d.attempts ?? ''), h('td', {}, dateTime(d.created_at)))))) : notice(t('list.empty'))];
}
