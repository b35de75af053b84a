// The control plane's JSON API as a person's program uses it (sign up, create and delete
// instances), over HTTPS through Traefik. Cookies are kept by name; berth's are host-only on
// the control-plane host, which is the only host this client talks to.
import type https from 'node:https';
import { request, type HttpsResponse } from '../../../e2e/src/https-client.js';

export class ApiError extends Error {
  constructor(what: string, readonly response: HttpsResponse) {
    super(`${what}: HTTP ${response.status} ${response.body.slice(0, 200)}`);
  }
}

export interface ApiClient {
  signUp(email: string, password: string): Promise<void>;
  createTenant(slug: string): Promise<{ slug: string; state: string }>;
  deleteTenant(slug: string): Promise<void>;
  tenant(slug: string): Promise<{ slug: string; state: string; detail: string | null } | null>;
}

export function createApiClient(publicUrl: string, agent: https.Agent): ApiClient {
  const cookies = new Map<string, string>();
  let csrf = '';
  const send = async (method: string, path: string, json?: unknown): Promise<HttpsResponse> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf) headers['x-csrf-token'] = csrf;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await request(`${publicUrl}${path}`, { agent, method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    const set = res.headers['set-cookie'];
    for (const line of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return res;
  };
  const expect = (what: string, res: HttpsResponse, ...ok: number[]) => {
    if (!ok.includes(res.status)) throw new ApiError(what, res);
    return res.body ? JSON.parse(res.body) : null;
  };
  return {
    async signUp(email, password) {
      csrf = expect('csrf', await send('GET', '/api/v1/csrf'), 200).csrfToken;
      csrf = expect('sign up', await send('POST', '/api/v1/signup', { email, password }), 201).csrfToken;
    },
    async createTenant(slug) {
      return expect(`create ${slug}`, await send('POST', '/api/v1/tenants', { slug }), 201);
    },
    async deleteTenant(slug) {
      expect(`delete ${slug}`, await send('DELETE', `/api/v1/tenants/${slug}`), 204);
    },
    async tenant(slug) {
      const res = await send('GET', `/api/v1/tenants/${slug}`);
      return res.status === 404 ? null : expect(`tenant ${slug}`, res, 200);
    },
  };
}
