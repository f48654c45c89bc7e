import { get, request, user, del } from '../api.js';
import { t, code, dateTime } from '../i18n.js';
import { h, link, field, input, select, showErrors, submitting, pager, notice, vocabulary, announce } from '../ui.js';
import { reload } from './index.js';

const staff = () => ['admin', 'staff'].includes(user().role);

export async function institutionList(route) {
  const q = { limit: 20, ...route.query };
  const voc = await vocabulary();
  const list = await get('/institutions', q);
  const form = h('form', { class: 'grid', role: 'search' },
    field('country', t('field.country'), input({ value: q.country || '', maxlength: 2 })),
    field('type', t('field.type'), select([['', t('any')], ...voc.institution_types.map((s) => [s, code('itype', s)])], q.type)),
    field('verified', t('inst.verified'), select([['', t('any')], ['true', t('yes')], ['false', t('no')]], q.verified)),
    field('sort', t('filter.sort'), select([['created_at', t('sort.oldest')], ['-created_at', t('sort.newest')], ['name', t('sort.name')]], q.sort)),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = '#/institutions?' + p;
  });
  return [h('h1', {}, t('nav.institutions')), staff() ? h('div', { class: 'actions' }, link('#/institutions/new', t('inst.new'))) : '', form,
    list.items.length ? h('table', {}, h('thead', {}, h('tr', {}, ['inst.name', 'field.country', 'field.type', 'inst.verified'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.items.map((i) => h('tr', {}, h('td', {}, link('#/institutions/' + i.id, i.name), i.local_name ? ' · ' + i.local_name : ''),
        h('td', {}, i.country), h('td', {}, code('itype', i.type)), h('td', {}, i.verified ? t('yes') : t('no')))))) : notice(t('list.empty')),
    pager(list, '/institutions', route.query)];
}

function form(voc, i, onSave) {
  const name = input({ value: i.name || '', maxlength: 200 });
  const local = input({ value: i.local_name || '', maxlength: 200 });
  const country = input({ value: i.country || '', maxlength: 2, size: 3 });
  const type = select(voc.institution_types.map((s) => [s, code('itype', s)]), i.type || 'enterprise');
  const website = input({ type: 'url', value: i.website || '' });
  const email = input({ type: 'email', value: i.contact_email || '' });
  const f = h('form', { class: 'grid', novalidate: true },
    field('name', t('inst.name'), name), field('local_name', t('inst.local'), local), field('country', t('field.country'), country),
    field('type', t('field.type'), type), field('website', t('inst.website'), website), field('contact_email', t('inst.email'), email),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('save'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      try {
        await onSave({ name: name.value, local_name: local.value, country: country.value.toUpperCase(), type: type.value, website: website.value, contact_email: email.value });
      } catch (err) { showErrors(f, err); }
    });
  });
  return f;
}

export async function institutionForm() {
  const voc = await vocabulary();
  return [h('h1', {}, t('inst.new')), form(voc, {}, async (body) => {
    for (const k of Object.keys(body)) if (body[k] === '') delete body[k];
    const r = await request('/institutions', { method: 'POST', body });
    location.hash = '#/institutions/' + r.data.id;
  })];
}

export async function institutionDetail(route) {
  const id = route.parts[1];
  const voc = await vocabulary();
  const { data: i, etag } = await request('/institutions/' + id);
  const canEdit = staff() || user().institution_id === id;
  const out = [h('h1', {}, i.name), h('p', {}, i.verified ? h('span', { class: 'badge' }, t('inst.verified')) : t('inst.unverified'), ' · ', code('itype', i.type), ' · ', i.country)];
  if (canEdit) {
    out.push(h('h2', {}, t('inst.edit')), form(voc, i, async (body) => {
      await request('/institutions/' + id, { method: 'PATCH', body, headers: { 'If-Match': etag } });
      announce(t('done')); reload();
    }));
  }
  if (staff()) {
    out.push(h('div', { class: 'actions' }, h('button', { type: 'button', onclick: async () => {
      await request('/institutions/' + id, { method: 'PATCH', body: { verified: !i.verified }, headers: { 'If-Match': etag } }); reload();
    } }, i.verified ? t('inst.unverify') : t('inst.verify'))));
    out.push(await clients(id));
  }
  out.push(h('p', {}, link('#/offers?institution_id=' + id, t('nav.offers')), ' · ', link('#/demands?institution_id=' + id, t('nav.demands'))));
  return out;
}

// clients: the institution's OAuth machine clients; a new secret is shown once.
async function clients(id) {
  const list = await get('/institutions/' + id + '/clients');
  const name = input({ maxlength: 100 });
  const shown = h('div', {});
  const f = h('form', { class: 'grid', novalidate: true }, field('name', t('client.name'), name),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('client.create'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(f, async () => {
      try {
        const r = await request('/institutions/' + id + '/clients', { method: 'POST', body: { name: name.value } });
        shown.replaceChildren(notice(t('client.once'), 'ok'), h('p', {}, 'client_id: ', h('code', {}, r.data.client_id)), h('code', { class: 'secret' }, r.data.client_secret));
      } catch (err) { showErrors(f, err); }
    });
  });
  return h('section', { 'aria-labelledby': 'clients-h' }, h('h2', { id: 'clients-h' }, t('client.title')),
    list.items.length ? h('table', {}, h('thead', {}, h('tr', {}, ['client.name', 'client.id', 'field.created', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr' }, t('actions')))))),
      h('tbody', {}, list.items.map((c) => h('tr', {}, h('td', {}, c.name), h('td', {}, h('code', {}, c.client_id)), h('td', {}, dateTime(c.created_at)),
        h('td', {}, c.revoked_at ? t('client.revoked') : h('button', { type: 'button', class: 'danger', onclick: async () => { await del('/institutions/' + id + '/clients/' + c.client_id); reload(); } }, t('client.revoke'))))))) : notice(t('list.empty')),
    f, shown);
}
