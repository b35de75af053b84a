// A real app on a real SQLite file in a temp dir, driven by inject(), with a small cookie jar
// per host so flows that cross hosts (control plane → tenant) behave as in a browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../../src/config.js';
import { openDatabase, type Db } from '../../../src/db/open-database.js';
import { buildApp } from '../../../src/http/app.js';
import { createLogger } from '@berth/common/logger';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly config: Config;
  readonly logLines: string[];
  nudges(): number;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http-'));
  // Tests make many instances per account; limits.test.ts sets the limit it tests.
  const config = loadConfig({ BERTH_STATE_DIR: dir, BERTH_DOMAIN: 'berth.localhost', BERTH_PUBLIC_HTTPS_PORT: '8443', BERTH_MAX_INSTANCES_PER_ACCOUNT: '0', ...env });
  const db = openDatabase(join(dir, 'berth.db'));
  const logLines: string[] = [];
  let nudges = 0;
  const app = await buildApp({
    config,
    db,
    log: createLogger({ component: 'test', level: 'debug', destination: { write: (l) => void logLines.push(l) } }),
    nudge: () => {
      nudges++;
    },
    // No reconciler, Docker or Traefik runs in these tests; the checks say so.
    checks: {
      docker: async () => ({ ok: false, detail: 'not connected in unit tests' }),
      traefik: async () => ({ ok: false, detail: 'not connected in unit tests' }),
      lastReconcileAt: () => null,
    },
    version: { version: '0.0.0-test', commit: 'test' },
  });
  return {
    app,
    db,
    config,
    logLines,
    nudges: () => nudges,
    close: async () => {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SetCookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: Date;
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

/** Cookies set by a response, as light-my-request parses them. */
export function setCookies(res: LightMyRequestResponse): SetCookie[] {
  return res.cookies as SetCookie[];
}

function isExpired(c: SetCookie): boolean {
  return c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.value === '';
}

/** A browser-ish client: one cookie store per host (host-only cookies, which is all berth sets). */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();
  constructor(private readonly t: TestApp) {}

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, value);
  }

  cookieHeader(host: string): string | undefined {
    const m = this.jar.get(host);
    return m && m.size ? [...m].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  async request(opts: InjectOptions & { host?: string }): Promise<LightMyRequestResponse> {
    const host = opts.host ?? this.t.config.domain;
    const headers: Record<string, string> = { host, ...(opts.headers as Record<string, string> | undefined) };
    const cookie = this.cookieHeader(host);
    if (cookie && !headers.cookie) headers.cookie = cookie;
    const res = await this.t.app.inject({ ...opts, headers });
    for (const c of setCookies(res)) {
      if (c.domain) continue; // berth sets host-only cookies; a Domain cookie here is a tossing cleaner
      if (!this.jar.has(host)) this.jar.set(host, new Map());
      if (isExpired(c)) this.jar.get(host)!.delete(c.name);
      else this.jar.get(host)!.set(c.name, c.value);
    }
    return res;
  }

  /** The hidden _csrf value of the last form on an HTML page. */
  static csrfFrom(html: string): string {
    const m = [...html.matchAll(/name="_csrf" value="([^"]+)"/g)];
    if (!m.length) throw new Error('no _csrf field in page');
    return m[m.length - 1]![1]!;
  }

  async signUpWithForm(email: string, password = 'correct horse battery'): Promise<LightMyRequestResponse> {
    const page = await this.request({ method: 'GET', url: '/signup' });
    return this.request({ method: 'POST', url: '/signup', payload: formBody({ email, password, _csrf: Browser.csrfFrom(page.body) }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async logInWithForm(email: string, password = 'correct horse battery', extraHeaders: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const page = await this.request({ method: 'GET', url: '/login' });
    return this.request({ method: 'POST', url: '/login', payload: formBody({ email, password, _csrf: Browser.csrfFrom(page.body) }), headers: { 'content-type': 'application/x-www-form-urlencoded', ...extraHeaders } });
  }

  /** The session CSRF token (from the API). */
  async csrfToken(): Promise<string> {
    const me = await this.request({ method: 'GET', url: '/api/v1/me' });
    return (me.json() as { csrfToken: string }).csrfToken;
  }

  async postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.request({ method: 'POST', url, payload: formBody(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  async api(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {};
    if (method !== 'GET') headers['x-csrf-token'] = await this.csrfToken();
    return this.request({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  }
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
