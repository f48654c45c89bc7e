import { get, request, user } from '../api.js';
import { t, code, money, date } from '../i18n.js';
import { h, link, field, input, select, showErrors, submitting, pager, notice, vocabulary, instName } from '../ui.js';
import { reload } from './index.js';

const types = ['development', 'transfer', 'licensing', 'consulting', 'service', 'joint_lab', 'other'];
const statuses = ['planned', 'signed', 'in_execution', 'completed', 'terminated'];
const canWrite = () => ['admin', 'staff', 'partner'].includes(user().role);

export async function agreementList(route) {
  const q = { limit: 20, sort: '-created_at', ...route.query };
  const voc = await vocabulary();
  const list = await get('/agreements', q);
  const form = h('form', { class: 'grid', role: 'search' },
    field('status', t('field.status'), select([['', t('any')], ...statuses.map((s) => [s, code('astatus', s)])], q.status)),
    field('type', t('field.type'), select([['', t('any')], ...types.map((s) => [s, code('atype', s)])], q.type)),
    field('sector', t('field.sector'), select([['', t('any')], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], q.sector)),
    field('sort', t('filter.sort'), select([['-created_at', t('sort.newest')], ['created_at', t('sort.oldest')], ['-signed_on', t('sort.signed')]], q.sort)),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = '#/agreements?' + p;
  });
  return [h('h1', {}, t('nav.agreements')),
    canWrite() ? h('div', { class: 'actions' }, link('#/agreements/new', t('agr.new'))) : '', form,
    list.items.length ? h('table', {}, h('thead', {}, h('tr', {}, ['field.title', 'field.type', 'field.status', 'field.sector', 'agr.value', 'agr.signed_on'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.items.map((a) => h('tr', {}, h('td', {}, link('#/agreements/' + a.id, a.title)), h('td', {}, code('atype', a.type)),
        h('td', {}, code('astatus', a.status)), h('td', {}, code('sector', a.sector)), h('td', { class: 'num' }, a.value_amount != null ? money(a.value_amount, a.currency) : '—'),
        h('td', {}, date(a.signed_on)))))) : notice(t('list.empty')),
    pager(list, '/agreements', route.query)];
}

// agreementForm records a new agreement or edits one with If-Match.
export async function agreementForm(route) {
  const id = route.parts[1] === 'new' ? null : route.parts[1];
  const voc = await vocabulary();
  let a = { type: 'transfer', status: 'planned', parties: [], confidential: false };
  let etag = null;
  if (id) ({ data: a, etag } = await request('/agreements/' + id));
  else {
    const q = route.query;
    a = { ...a, title: q.title || '', sector: q.sector || '', match_id: q.match_id, offer_id: q.offer_id, demand_id: q.demand_id,
      parties: [{ institution_id: q.provider || '', role: 'provider' }, { institution_id: q.recipient || '', role: 'recipient' }] };
  }
  const ro = !canWrite();
  const title = input({ value: a.title, maxlength: 300, disabled: ro });
  const type = select(types.map((s) => [s, code('atype', s)]), a.type, { disabled: ro });
  const status = select(statuses.map((s) => [s, code('astatus', s)]), a.status, { disabled: ro });
  const sector = select([['', '—'], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], a.sector, { disabled: ro });
  const amount = input({ type: 'number', min: 0, step: 1, value: a.value_amount ?? '', disabled: ro });
  const currency = input({ value: a.currency || 'CNY', maxlength: 3, size: 4, disabled: ro });
  const signed = input({ type: 'date', value: a.signed_on || '', disabled: ro });
  const eventName = input({ value: a.event_name || '', disabled: ro });
  const conf = h('input', { type: 'checkbox', checked: a.confidential, disabled: ro });
  const parties = (a.parties.length ? a.parties : [{ role: 'provider' }, { role: 'recipient' }]).map((p, i) => ({
    inst: input({ value: p.institution_id || '', disabled: ro, 'aria-label': t('agr.party', { n: i + 1 }) }),
    role: select(['provider', 'recipient', 'partner'].map((r) => [r, code('prole', r)]), p.role, { disabled: ro, 'aria-label': t('agr.partyrole', { n: i + 1 }) }),
  }));
  const form = h('form', { class: 'grid', novalidate: true },
    field('title', t('field.title'), title), field('type', t('field.type'), type), field('status', t('field.status'), status),
    field('sector', t('field.sector'), sector), field('value_amount', t('agr.value'), amount), field('currency', t('agr.currency'), currency),
    field('signed_on', t('agr.signed_on'), signed), field('event_name', t('agr.event'), eventName),
    h('div', { class: 'field', 'data-field': 'confidential' }, h('label', { class: 'check' }, conf, t('agr.confidential')), h('p', { class: 'err' })),
    h('fieldset', { 'data-field': 'parties' }, h('legend', {}, t('agr.parties')),
      parties.map((p, i) => h('div', { class: 'actions' }, p.inst, p.role, a.parties[i] && a.parties[i].institution_id ? instName(a.parties[i].institution_id) : '')), h('p', { class: 'err' })),
    ro ? '' : h('div', {}, h('button', { class: 'primary', type: 'submit' }, id ? t('save') : t('agr.record'))));
  const after = h('div', {});
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(form, async () => {
      const body = { title: title.value, type: type.value, status: status.value, sector: sector.value,
        parties: parties.filter((p) => p.inst.value).map((p) => ({ institution_id: p.inst.value.trim(), role: p.role.value })),
        currency: currency.value || undefined, signed_on: signed.value || undefined, event_name: eventName.value || undefined,
        confidential: conf.checked };
      if (amount.value !== '') body.value_amount = Number(amount.value);
      else if (id) body.value_amount = null;
      try {
        if (id) {
          await request('/agreements/' + id, { method: 'PATCH', body, headers: { 'If-Match': etag } });
          reload();
        } else {
          for (const k of ['match_id', 'offer_id', 'demand_id']) if (a[k]) body[k] = a[k];
          const r = await request('/agreements', { method: 'POST', body });
          location.hash = '#/agreements/' + r.data.id;
        }
      } catch (err) {
        if (err.status !== 412) showErrors(form, err);
        else {
          after.replaceChildren(notice(t('agr.conflict'), 'bad'), h('button', { type: 'button', class: 'primary', onclick: reload }, t('agr.reload')));
          after.querySelector('button').focus();
        }
      }
    });
  });
  const out = [h('h1', {}, id ? a.title : t('agr.new')), form, after];
  if (id) {
    out.push(h('p', { class: 'muted' }, t('field.version') + ' ' + a.version + (a.confirmed ? '' : ' · ' + t('agr.unconfirmed'))));
    const hist = await get('/agreements/' + id + '/history').catch(() => ({ items: [] }));
    out.push(h('h2', {}, t('listing.history')), h('ol', {}, hist.items.map((e) => h('li', {}, e.action + ' · ' + date(e.at) + ' · ' + Object.keys(e.changes || {}).join(', ')))));
  }
  return out;
}
