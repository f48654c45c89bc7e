// The message catalogue: every string the console shows goes through t().
import en from '../i18n/en.js';
import zh from '../i18n/zh-Hans.js';

const catalogues = { en, 'zh-Hans': zh };
export const languages = [['en', 'English'], ['zh-Hans', '简体中文']];
let lang = pick();

function pick() {
  let saved = null;
  try { saved = localStorage.getItem('tb.lang'); } catch { /* storage off */ }
  if (saved && catalogues[saved]) return saved;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh-Hans' : 'en';
}

export function language() { return lang; }

export function setLanguage(l) {
  if (!catalogues[l]) return;
  lang = l;
  try { localStorage.setItem('tb.lang', l); } catch { /* storage off */ }
  document.documentElement.lang = l;
}

// t looks a key up, falls back to English, then to the key; {name} is replaced.
export function t(key, vars) {
  let s = catalogues[lang][key] ?? en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  return s;
}

// code translates a vocabulary code (sector, status...) or makes it readable.
export function code(kind, value) {
  if (value == null || value === '') return '';
  const k = kind + '.' + value;
  const s = catalogues[lang][k] ?? en[k];
  return s ?? String(value).replace(/_/g, ' ');
}

const nf = () => new Intl.NumberFormat(lang);
export function num(n) { return n == null ? '—' : nf().format(n); }
export function pct(x) { return x == null ? '—' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(x); }
export function money(amount, currency) {
  if (amount == null) return '—';
  try { return new Intl.NumberFormat(lang, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount); }
  catch { return nf().format(amount) + ' ' + currency; }
}
export function dateTime(s, timeZone) {
  if (!s) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(s));
}
export function date(s) {
  if (!s) return '—';
  // a calendar date (YYYY-MM-DD) is shown as that day everywhere
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(s + 'T00:00:00Z') : new Date(s);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}
