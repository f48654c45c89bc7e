// The console's shell: sign-in, navigation by role, hash routes, language.
import * as api from './api.js';
import { t, languages, language, setLanguage } from './i18n.js';
import { h, field, input, showErrors, submitting, announce, notice } from './ui.js';
import { pages } from './pages/index.js';
import { bell, refreshBell } from './pages/notifications.js';

const main = document.getElementById('main');

// nav lists the pages and the roles that see them.
const nav = [
  ['dashboard', '#/', ['admin', 'staff', 'analyst']],
  ['review', '#/review', ['admin', 'staff']],
  ['institutions', '#/institutions', ['admin', 'staff', 'partner']],
  ['offers', '#/offers', ['admin', 'staff', 'partner']],
  ['demands', '#/demands', ['admin', 'staff', 'partner']],
  ['board', '#/board', ['admin', 'staff', 'partner']],
  ['agreements', '#/agreements', ['admin', 'staff', 'analyst', 'partner']],
  ['stats', '#/stats', ['admin', 'staff', 'analyst']],
  ['webhooks', '#/webhooks', ['admin', 'staff', 'partner']],
  ['events', '#/events', ['admin', 'staff', 'partner', 'analyst']],
  ['saved', '#/saved-searches', ['admin', 'staff', 'partner']],
  ['lexicon', '#/lexicon', ['admin', 'staff']],
  ['settings', '#/settings', ['admin', 'staff', 'partner', 'analyst']],
];

// route splits the hash into a path, its parts and the query.
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return { path, parts: path.split('/').filter(Boolean), query: Object.fromEntries(new URLSearchParams(qs || '')) };
}

function drawTools() {
  const tools = document.getElementById('tools');
  const langSel = h('select', { 'aria-label': t('app.language'), onchange: (e) => { setLanguage(e.target.value); render(); } },
    languages.map(([v, l]) => h('option', { value: v, selected: v === language(), lang: v }, l)));
  const me = api.user();
  tools.replaceChildren(me ? bell() : '', langSel, me ? h('span', {}, me.email + ' · ' + t('role.' + me.role)) : '',
    me ? h('button', { type: 'button', onclick: async () => { await api.signOut(); location.hash = '#/signin'; } }, t('app.signout')) : '');
  document.getElementById('skip').textContent = t('app.skip');
}

function drawNav(path) {
  const me = api.user();
  const el = document.getElementById('nav');
  if (!me) { el.replaceChildren(); return; }
  const top = '/' + (path.split('/')[1] || '');
  el.replaceChildren(...nav.filter(([, , roles]) => roles.includes(me.role)).map(([key, href]) => {
    const active = href.slice(1) === top || (top === '/matches' && key === 'board');
    return h('a', { href, 'aria-current': active ? 'page' : null }, t('nav.' + key));
  }));
}

function signInPage() {
  const email = input({ type: 'email', autocomplete: 'username', required: true });
  const password = input({ type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'grid', novalidate: true },
    field('email', t('signin.email'), email), field('password', t('signin.password'), password),
    h('div', {}, h('button', { class: 'primary', type: 'submit' }, t('signin.submit'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitting(form, async () => {
      try {
        await api.signIn(email.value, password.value);
        const back = sessionStorage.getItem('tb.back');
        sessionStorage.removeItem('tb.back');
        location.hash = back && back !== '#/signin' ? back : '#/';
        if (!back || back === '#/signin' || back === '#/') render();
      } catch (err) { showErrors(form, err.status === 401 ? { ...err, message: t('signin.failed'), errors: err.errors } : err); }
    });
  });
  return [h('h1', {}, t('signin.title')), form];
}

let generation = 0;
export async function render() {
  const gen = ++generation;
  const route = current();
  drawTools();
  document.title = t('app.title');
  if (!api.user() && route.path !== '/signin') {
    sessionStorage.setItem('tb.back', location.hash || '#/');
    location.hash = '#/signin';
    return;
  }
  drawNav(route.path);
  refreshBell();
  let content;
  try {
    if (route.path === '/signin') content = api.user() ? (location.hash = '#/', []) : signInPage();
    else {
      const page = pages(route.parts);
      content = page ? await page(route) : [h('h1', {}, t('app.notfound'))];
    }
  } catch (err) {
    if (err.status === 404) content = [h('h1', {}, t('app.notfound')), notice(t('err.notfound'), 'bad')];
    else if (err.status === 403) content = [h('h1', {}, t('err.forbidden'))];
    else content = [h('h1', {}, t('err.title')), notice(err.message || String(err), 'bad')];
  }
  if (gen !== generation) return; // a newer navigation won
  main.replaceChildren(...[content].flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false && x !== ''));
  const h1 = main.querySelector('h1');
  if (h1) { document.title = h1.textContent + ' · ' + t('app.title'); announce(h1.textContent); }
  main.focus({ preventScroll: true });
  main.setAttribute('data-ready', route.path);
  if (route.path !== '/signin' && !performance.getEntriesByName('console-ready').length) performance.mark('console-ready');
}

api.onBusy((on) => {
  const p = document.getElementById('progress');
  clearTimeout(p._t);
  if (on) p._t = setTimeout(() => { p.hidden = false; main.setAttribute('aria-busy', 'true'); }, 250);
  else { p.hidden = true; main.removeAttribute('aria-busy'); }
});

window.addEventListener('hashchange', render);
setLanguage(language());
api.resume().finally(render);
