import { get, request } from '../api.js';
import { t, code, num, pct, money } from '../i18n.js';
import { h, bar, barChart, select, field, input, link, notice, vocabulary } from '../ui.js';

const statuses = ['draft', 'pending_review', 'published', 'rejected', 'withdrawn', 'expired'];

export async function dashboard() {
  const me = (await import('../api.js')).user();
  const [ov, offers, demands] = await Promise.all([
    get('/stats/overview'),
    me.role === 'analyst' ? null : get('/offers', { status: 'pending_review', limit: 1 }),
    me.role === 'analyst' ? null : get('/demands', { status: 'pending_review', limit: 1 }),
  ]);
  const out = [h('h1', {}, t('nav.dashboard'))];
  if (offers) {
    out.push(h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'big' }, num(offers.total + demands.total)),
        link('#/review', t('dash.queue')))));
  }
  // listings by kind and status
  const byStatus = {};
  for (const r of ov.listings || []) byStatus[r.kind + '/' + r.status] = (byStatus[r.kind + '/' + r.status] || 0) + r.count;
  out.push(h('h2', {}, t('dash.listings')), h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('field.status')), h('th', { scope: 'col', class: 'num' }, t('nav.offers')), h('th', { scope: 'col', class: 'num' }, t('nav.demands')))),
    h('tbody', {}, statuses.map((s) => h('tr', {}, h('th', { scope: 'row' }, code('status', s)),
      h('td', { class: 'num' }, num(byStatus['offer/' + s] || 0)), h('td', { class: 'num' }, num(byStatus['demand/' + s] || 0)))))));
  const f = ov.funnel;
  const steps = [['funnel.published', f.published_listings], ['funnel.matches', f.matches], ['funnel.introduced', f.introduced], ['funnel.agreed', f.agreed], ['funnel.agreements', f.agreements]];
  const max = Math.max(1, ...steps.map((s) => s[1]));
  out.push(h('h2', {}, t('dash.funnel')), h('div', {}, steps.map(([k, v]) => bar(t(k), v, max))),
    h('p', { class: 'muted' }, t('dash.conversion', {
      a: pct(f.conversion.introduced_per_match), b: pct(f.conversion.agreed_per_introduced),
      d: f.median_days_match_to_agreement == null ? '—' : num(f.median_days_match_to_agreement) })));
  return out;
}

const dims = ['sector', 'country', 'corridor', 'type', 'status', 'year', 'quarter', 'month', 'institution_type', 'subsector'];

export async function stats(route) {
  const q = { group_by: 'sector', ...route.query };
  const voc = await vocabulary();
  const res = await get('/stats/agreements', q);
  const dim = res.group_by[0];
  const labelOf = (r) => res.group_by.map((d) => (d === 'sector' || d === 'type' || d === 'status' || d === 'institution_type') ? code(d === 'institution_type' ? 'itype' : d, r[d]) : (r[d] ?? '—')).join(' · ');
  const rows = res.rows.map((r) => [labelOf(r), r.count]);
  const groupSel = select(dims.map((d) => [d, t('dim.' + d)]), dim, { name: 'group_by' });
  const from = input({ type: 'date', name: 'from', value: q.from || '' });
  const to = input({ type: 'date', name: 'to', value: q.to || '' });
  const st = select([['', t('any')], ...['planned', 'signed', 'in_execution', 'completed', 'terminated'].map((s) => [s, code('astatus', s)])], q.status, { name: 'status' });
  const sec = select([['', t('any')], ...voc.sectors.map((s) => [s.sector, code('sector', s.sector)])], q.sector, { name: 'sector' });
  const form = h('form', { class: 'grid', role: 'search' },
    field('group_by', t('stats.groupby'), groupSel), field('from', t('stats.from'), from), field('to', t('stats.to'), to),
    field('status', t('field.status'), st), field('sector', t('field.sector'), sec),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = '#/stats?' + p;
  });
  const csv = h('button', { type: 'button', onclick: async () => {
    const r = await request('/stats/agreements', { query: { ...q, format: 'csv' }, raw: true, headers: { Accept: 'text/csv' } });
    const blob = await r.blob();
    const a = h('a', { href: URL.createObjectURL(blob), download: 'agreements-by-' + res.group_by.join('-') + '.csv' });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } }, t('stats.csv'));
  const currencies = (vbc) => Object.entries(vbc || {}).map(([c, v]) => money(v, c)).join(', ') || '—';
  return [h('h1', {}, t('nav.stats')), form, h('div', { class: 'actions' }, csv),
    rows.length ? barChart(t('stats.chart', { dim: t('dim.' + dim) }), rows) : notice(t('list.empty')),
    h('table', {}, h('caption', { class: 'sr' }, t('nav.stats')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, res.group_by.map((d) => t('dim.' + d)).join(' · ')), h('th', { scope: 'col', class: 'num' }, t('stats.count')), h('th', { scope: 'col' }, t('stats.value')))),
      h('tbody', {}, res.rows.map((r) => h('tr', {}, h('td', {}, labelOf(r), r.suppressed ? h('span', { class: 'badge' }, t('stats.suppressed')) : ''),
        h('td', { class: 'num' }, num(r.count)), h('td', {}, currencies(r.value_by_currency))))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('stats.total')), h('td', { class: 'num' }, num(res.total.count)), h('td', {}, currencies(res.total.value_by_currency)))))];
}
