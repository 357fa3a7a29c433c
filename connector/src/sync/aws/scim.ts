/**
 * Identity Center's SCIM API, the source of user status of ConductorOne's v1 AWS integration (a c1-aws extension:
 * baton-aws dropped SCIM in #104, 2026-02, once ListUsers gave UserStatus): read only for users the Identity Store gave no
 * UserStatus, one GET /Users/<id> each (SCIM user ids are Identity Store user ids). The token is a bearer secret:
 * it goes in the Authorization header and nowhere else, never in messages.
 */
import { mapLimit } from '../concurrency';
import type { PhaseProgress } from '../engine';
import type { AwsSyncState } from './state';

export interface ScimConfig {
  endpoint: string;
  token: string;
}

const AWS_ENDPOINT = /^https:\/\/scim\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com\/([0-9a-zA-Z-]{1,64})\/scim\/v2$/;
const LOCAL_ENDPOINT = /^http:\/\/127\.0\.0\.1:(\d{1,5})(\/[\x21-\x7e]*)?$/;

/** Null when valid, else why not. A local http endpoint is accepted only with `allowLocal` (tests, dev). */
export function checkScimEndpoint(endpoint: string, allowLocal: boolean): string | null {
  if (AWS_ENDPOINT.test(endpoint)) return null;
  if (LOCAL_ENDPOINT.test(endpoint)) {
    return allowLocal ? null : '--scim-endpoint: a local http endpoint is allowed only with --scim-allow-local (tests and development)';
  }
  return '--scim-endpoint must be https://scim.<region>.amazonaws.com/<id>/scim/v2 (id: 1-64 letters, digits or -)';
}

/** SCIM bearer tokens are long opaque strings; reject what cannot be one without echoing it. */
export function checkScimToken(token: string): string | null {
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) return 'the SCIM token must be 16-4096 printable characters without spaces';
  return null;
}

export class ScimError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = status === 401 || status === 403 ? 'AccessDenied' : 'ScimError';
  }
}

export async function fetchScimStatus(cfg: ScimConfig, s: AwsSyncState, p: PhaseProgress, concurrency: number): Promise<void> {
  const missing = s.ssoUsers.filter((u) => !u.status).map((u) => u.userId);
  p.total(missing.length);
  const base = cfg.endpoint.replace(/\/+$/, '');
  const results = await mapLimit(missing, concurrency, async (id) => {
    const res = await fetch(`${base}/Users/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${cfg.token}`, accept: 'application/scim+json' },
    });
    p.tick();
    if (res.status === 404) return null;
    if (!res.ok) throw new ScimError(`SCIM GET /Users/<id> answered HTTP ${res.status}`, res.status);
    const body = (await res.json()) as { active?: unknown };
    return typeof body.active === 'boolean' ? { id, status: body.active ? 'ENABLED' : 'DISABLED' } : null;
  });
  s.scimStatus = new Map(results.flatMap((r) => (r ? [[r.id, r.status] as [string, string]] : [])));
}
