// A person using berth, done programmatically through the real HTTPS path (Traefik, verified
// TLS with the project CA): sign up through the JSON API with its CSRF token, create a
// tenant, wait until it serves, and follow the single-sign-on redirects to get the tenant
// host's own cookie. A tiny cookie jar stands in for the browser's.
import type https from 'node:https';
import { request, type HttpsResponse } from './https-client.js';
import type { Stack } from './stack.js';
import { waitFor } from '@berth/common/wait-for';

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /** The host that set it (host-only), or the Domain attribute's domain (sent to subdomains too). */
  readonly host: string;
  readonly domainWide: boolean;
}

/** Enough of RFC 6265 for berth's cookies: host-only and Domain cookies, deletion by expiry. */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  store(url: string, setCookie: string | string[] | undefined): void {
    const host = new URL(url).hostname;
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let domain: string | undefined;
      let expired = false;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        const key = k!.toLowerCase();
        if (key === 'domain') domain = v.replace(/^\./, '').toLowerCase();
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const entry: StoredCookie = { name, value, host: domain ?? host, domainWide: domain !== undefined };
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === entry.host && c.domainWide === entry.domainWide));
      if (!expired) this.cookies.push(entry);
    }
  }

  header(url: string): string | undefined {
    const host = new URL(url).hostname;
    const matching = this.cookies.filter((c) => c.host === host || (c.domainWide && host.endsWith(`.${c.host}`)));
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  get(host: string, name: string): string | undefined {
    return this.cookies.find((c) => c.host === host && c.name === name)?.value;
  }
}

export interface Session {
  readonly email: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly jar: CookieJar;
}

export class HttpError extends Error {
  constructor(what: string, readonly response: HttpsResponse) {
    super(`${what}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  }
}

interface SendOptions {
  readonly method?: string;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
  readonly agent?: https.Agent;
  /** Default 10 s; a restore answers once the instance serves again. */
  readonly timeoutMs?: number;
}

/** One request with the jar's cookies; stores what comes back. Does not follow redirects. */
export async function send(stack: Stack, jar: CookieJar, url: string, opts: SendOptions = {}): Promise<HttpsResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const method = opts.method ?? (body !== undefined ? 'POST' : 'GET');
  if (method !== 'GET' && method !== 'HEAD') headers.origin ??= new URL(url).origin;
  const res = await request(url, { agent: opts.agent ?? stack.agent, method, headers, body, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  jar.store(url, res.headers['set-cookie']);
  return res;
}

function expectStatus(what: string, res: HttpsResponse, ...ok: number[]): HttpsResponse {
  if (!ok.includes(res.status)) throw new HttpError(what, res);
  return res;
}

export async function signUp(stack: Stack, email: string, password: string): Promise<Session> {
  const jar = new CookieJar();
  const csrf = JSON.parse(expectStatus('csrf', await send(stack, jar, `${stack.publicUrl}/api/v1/csrf`), 200).body) as { csrfToken: string };
  const res = expectStatus('sign up', await send(stack, jar, `${stack.publicUrl}/api/v1/signup`, {
    json: { email, password }, headers: { 'x-csrf-token': csrf.csrfToken },
  }), 201);
  const body = JSON.parse(res.body) as { user: { id: number; email: string }; csrfToken: string };
  return { email: body.user.email, userId: body.user.id, csrfToken: body.csrfToken, jar };
}

export async function logIn(stack: Stack, email: string, password: string): Promise<Session> {
  const jar = new CookieJar();
  const csrf = JSON.parse(expectStatus('csrf', await send(stack, jar, `${stack.publicUrl}/api/v1/csrf`), 200).body) as { csrfToken: string };
  const res = expectStatus('log in', await send(stack, jar, `${stack.publicUrl}/api/v1/login`, {
    json: { email, password }, headers: { 'x-csrf-token': csrf.csrfToken },
  }), 200);
  const body = JSON.parse(res.body) as { user: { id: number; email: string }; csrfToken: string };
  return { email: body.user.email, userId: body.user.id, csrfToken: body.csrfToken, jar };
}

export interface TenantInfo {
  readonly slug: string;
  readonly url: string;
  readonly state: string;
  readonly detail: string | null;
}

export async function createTenant(stack: Stack, session: Session, slug: string): Promise<TenantInfo> {
  const res = expectStatus(`create tenant ${slug}`, await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants`, {
    json: { slug }, headers: { 'x-csrf-token': session.csrfToken },
  }), 201);
  return JSON.parse(res.body) as TenantInfo;
}

export async function getTenant(stack: Stack, session: Session, slug: string): Promise<TenantInfo> {
  const res = expectStatus(`tenant ${slug}`, await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/${slug}`), 200);
  return JSON.parse(res.body) as TenantInfo;
}

/** Waits until the control plane says the tenant runs and its health endpoint answers through Traefik. */
export async function waitUntilServing(stack: Stack, session: Session, slug: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await getTenant(stack, session, slug)).state === 'running', { timeoutMs, intervalMs: 100, what: `${slug} running` });
  await waitFor(async () => (await request(`${stack.tenantUrl(slug)}/__heartbeat__`, { agent: stack.agent })).status === 200,
    { timeoutMs, intervalMs: 50, what: `${slug} serving through Traefik` });
}

/**
 * Opens the tenant as a browser would: its host redirects to the control plane's /sso/start,
 * which (with the session cookie) redirects back to <tenant>/__berth/sso?code=…, which sets the
 * host-only __Host-berth_t cookie. Returns the Cookie header value for the tenant host.
 */
export async function openTenant(stack: Stack, session: Session, slug: string): Promise<string> {
  let url = `${stack.tenantUrl(slug)}/`;
  for (let hop = 0; hop < 6; hop++) {
    const res = await send(stack, session.jar, url, { headers: { accept: 'text/html' } });
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      url = new URL(String(res.headers.location), url).toString();
      continue;
    }
    expectStatus(`open ${slug}`, res, 200);
    break;
  }
  const host = new URL(stack.tenantUrl(slug)).hostname;
  const token = session.jar.get(host, '__Host-berth_t');
  if (!token) throw new Error(`single sign-on to ${slug} did not set __Host-berth_t (ended at ${url})`);
  return `__Host-berth_t=${token}`;
}
