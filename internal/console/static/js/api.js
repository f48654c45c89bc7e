// The API client: the access token lives in this module's memory only; the
// refresh token is an HttpOnly cookie the page never sees. A 401 triggers one
// silent refresh and a retry; writes carry an Idempotency-Key.
const base = '/api/v1';
let access = null;   // the access token
let timer = null;    // renews the access token before it lapses
let me = null;       // GET /me of the signed-in user
let pending = 0;     // requests in flight, for the progress bar
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
    this.errors = (body && body.errors) || [];
  }
}

export function onBusy(fn) { listeners.add(fn); }
function busy(d) { pending += d; for (const fn of listeners) fn(pending > 0); }

export function user() { return me; }

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)techbridge_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

function keep(tokens) {
  access = tokens.access_token;
  clearTimeout(timer);
  const ms = Math.max(10, (tokens.expires_in || 900) - 60) * 1000;
  timer = setTimeout(() => { refresh().catch(() => {}); }, ms);
}

async function authPost(path, body, extra = {}) {
  busy(1);
  try {
    const res = await fetch(base + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Token-Delivery': 'cookie', ...extra },
      body: JSON.stringify(body),
    });
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  } finally { busy(-1); }
}

export async function signIn(email, password) {
  keep(await authPost('/auth/login', { email, password }));
  me = await get('/me');
  return me;
}

let refreshing = null;
// refresh renews the access token from the cookie; one call at a time.
export function refresh() {
  if (!refreshing) {
    refreshing = authPost('/auth/refresh', {}, { 'X-CSRF-Token': csrf() })
      .then(async (tok) => { keep(tok); if (!me) me = await get('/me'); return true; })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

// resume tries to continue a session after a page load.
export async function resume() {
  if (!csrf()) return false;
  try { await refresh(); return true; } catch { return false; }
}

export async function signOut() {
  clearTimeout(timer);
  try { await authPost('/auth/logout', {}, { 'X-CSRF-Token': csrf() }); } catch { /* cleared anyway */ }
  access = null; me = null;
}

// request calls the API. opts: {method, body, headers, query, raw}.
export async function request(path, opts = {}, retried = false) {
  let url = base + path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const method = opts.method || 'GET';
  const headers = { ...(opts.headers || {}) };
  if (access) headers.Authorization = 'Bearer ' + access;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST' && !headers['Idempotency-Key']) headers['Idempotency-Key'] = crypto.randomUUID();
  busy(1);
  let res;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } finally { busy(-1); }
  if (res.status === 401 && !retried && me) {
    try { await refresh(); } catch { me = null; access = null; location.hash = '#/signin'; throw new ApiError(401, null); }
    return request(path, { ...opts, headers: { ...(opts.headers || {}), ...(headers['Idempotency-Key'] ? { 'Idempotency-Key': headers['Idempotency-Key'] } : {}) } }, true);
  }
  if (opts.raw) {
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
    return res;
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return { data, etag: res.headers.get('ETag'), location: res.headers.get('Location') };
}

export async function get(path, query) { return (await request(path, { query })).data; }
export async function post(path, body) { return (await request(path, { method: 'POST', body: body ?? {} })).data; }
export async function patch(path, body, ifMatch) {
  return request(path, { method: 'PATCH', body, headers: ifMatch ? { 'If-Match': ifMatch } : {} });
}
export async function del(path) { return (await request(path, { method: 'DELETE' })).data; }
