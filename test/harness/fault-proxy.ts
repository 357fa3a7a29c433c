/**
 * A loopback HTTP proxy in front of moto that injects faults: throttling, HTTP 500/503, connection resets and slow
 * responses, at configured rates drawn from a seeded PRNG, bounded in count (total and per kind) and in time.
 *
 * Point SDK clients, the c1-aws CLI or Terraform at `proxy.endpoint` (or spread `proxy.env`) instead of moto's.
 *
 * Semantics (what a test may rely on):
 * - Every request is classified by API ("iam:ListRoles", "sso:ListInstances"): JSON protocol services
 *   (organizations, sso-admin, identitystore) by `X-Amz-Target`, query protocol services (IAM, STS) by the form body's
 *   `Action`; the service prefix comes from the SigV4 credential scope (sso-admin signs as `sso`), so names match the
 *   policy documents and connector/src/aws/call-counter.ts. Requests to `/moto-api/...` are never faulted.
 * - Reads (List/Get/Describe/...) and writes (everything else) are told apart by the operation name (`isWrite`).
 * - Error faults (throttle, http500, http503, reset) are decided and answered BEFORE the request is forwarded, for
 *   reads and writes alike: moto never sees a faulted request, so a write that the client retries after a fault is
 *   applied exactly once, and "apply exactly once under faults" is testable on moto's state.
 * - Optional `ambiguousWriteRate`: a write is forwarded, moto applies it, and the client gets a 500 anyway (or its
 *   connection reset: `ambiguousAs`). This is the real-world "did it happen?" failure: the client's retry repeats a
 *   write that already happened, so it tests idempotency (e.g. CreateGroupMembership's ConflictException,
 *   AddUserToGroup being naturally idempotent). Off by default.
 * - `slow` delays the request before forwarding (it may combine with no error fault); it is not an error.
 * - Bounds: at most `maxFaults` error faults in total, at most `maxPerKind[kind]` of one kind (`maxPerApi[kind]` per
 *   API), only while the proxy is
 *   armed (`activeMs` after start or `arm()`), and never on the client's last attempt when `spareLastAttempt` (the
 *   SDK sends `amz-sdk-request: attempt=N; max=M`, Terraform's Go SDK too), so that a client with enough attempts
 *   always succeeds in the end.
 * - Counters: per kind and per API (`stats()`), plus requests seen and forwarded per API.
 * - Decisions are made in arrival order from one seeded PRNG (mulberry32): the same seed and the same request
 *   sequence give the same faults. Concurrent clients make the arrival order, hence the exact faults, vary.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { motoEnv } from './moto';

export type ErrorFaultKind = 'throttle' | 'http500' | 'http503' | 'reset';
export type FaultKind = ErrorFaultKind | 'slow' | 'ambiguous';
export const ERROR_FAULT_KINDS: ErrorFaultKind[] = ['throttle', 'http500', 'http503', 'reset'];

export interface FaultProxyOptions {
  /** moto's endpoint, e.g. http://127.0.0.1:5000 */
  target: string;
  /** Seed of the PRNG (default 1). */
  seed?: number;
  /** Probability per request of each error fault (drawn once per request: the rates add up, must be <= 1). */
  rates?: Partial<Record<ErrorFaultKind, number>>;
  /** Probability per request of a delay, and the delay in ms ([min, max] draws uniformly). */
  slowRate?: number;
  slowMs?: number | [number, number];
  /** Probability per write request of the forward-then-fail fault (see header). Default 0. */
  ambiguousWriteRate?: number;
  ambiguousAs?: 'http500' | 'reset';
  /** Cap on error (and ambiguous) faults in total; default unbounded. */
  maxFaults?: number;
  /** Cap per kind (slow included). */
  maxPerKind?: Partial<Record<FaultKind, number>>;
  /** Cap per kind and API: e.g. { ambiguous: 1 } = one ambiguous failure per write API. */
  maxPerApi?: Partial<Record<FaultKind, number>>;
  /** Faults only within this many ms after start / arm(); default unbounded. */
  activeMs?: number;
  /** Never fault the last attempt the client announces (default true). */
  spareLastAttempt?: boolean;
  /** Only requests whose API matches may be faulted (default: all). */
  match?: (api: string, write: boolean) => boolean;
  /** Start disarmed (no faults until arm()). */
  disarmed?: boolean;
}

export interface FaultStats {
  requests: number;
  forwarded: number;
  /** Error, slow and ambiguous faults injected, per kind. */
  faults: Record<FaultKind, number>;
  /** Per API: requests seen, forwarded to moto, and faults per kind. */
  byApi: Record<string, { requests: number; forwarded: number } & Partial<Record<FaultKind, number>>>;
}

export interface FaultEvent {
  api: string;
  write: boolean;
  kind: FaultKind;
  attempt?: number;
  at: number;
}

export interface FaultProxy {
  endpoint: string;
  port: number;
  /** motoEnv(endpoint): the environment that points SDK v3, Terraform and the CLI at the proxy. */
  env: NodeJS.ProcessEnv;
  stats(): FaultStats;
  /** Every fault injected, in order. */
  events(): FaultEvent[];
  /** Total error faults (throttle, 5xx, reset, ambiguous). */
  errorFaults(): number;
  resetStats(): void;
  /**
   * (Re)starts the active window and allows faults. With settings, they REPLACE the current fault settings entirely
   * (rates, caps, match...; the seed only when given), so one test's settings never leak into the next.
   */
  arm(settings?: Omit<FaultProxyOptions, 'target'>): void;
  disarm(): void;
  stop(): Promise<void>;
}

/** mulberry32: small, fast, good enough for test decisions, and reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const READ_PREFIXES = /^(List|Get|Describe|Search|Lookup|Simulate|Check|Is)/;
/** Reads are List/Get/Describe/...; STS AssumeRole and GetCallerIdentity change nothing a test observes. */
export function isWrite(api: string): boolean {
  const [service, op = ''] = api.split(':');
  if (service === 'sts') return false;
  return !READ_PREFIXES.test(op);
}

/** iam, sts, organizations, sso (sso-admin), identitystore: the SigV4 signing name. */
function serviceOf(headers: http.IncomingHttpHeaders): string {
  const auth = String(headers.authorization ?? '');
  const m = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  return m ? m[1] : 'unknown';
}

/** The API name of a request, and whether it speaks the JSON protocol. */
export function classify(headers: http.IncomingHttpHeaders, body: string): { api: string; json: boolean } {
  const service = serviceOf(headers);
  const target = headers['x-amz-target'];
  const contentType = String(headers['content-type'] ?? '');
  if (target || contentType.includes('application/x-amz-json')) {
    const op = String(target ?? '').split('.').pop() || 'Unknown';
    return { api: `${service}:${op}`, json: true };
  }
  const action = new URLSearchParams(body).get('Action') ?? 'Unknown';
  return { api: `${service}:${action}`, json: false };
}

function errorBody(kind: 'throttle' | 'http500' | 'http503', json: boolean): { status: number; contentType: string; body: string } {
  const [status, code, type, message] =
    kind === 'throttle'
      ? [400, json ? 'ThrottlingException' : 'Throttling', 'Sender', 'Rate exceeded']
      : kind === 'http500'
        ? [500, json ? 'InternalServerException' : 'ServiceFailure', 'Receiver', 'Injected internal failure']
        : [503, json ? 'ServiceUnavailableException' : 'ServiceUnavailable', 'Receiver', 'Injected service unavailable'];
  return json
    ? { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: code, message }) }
    : {
        status,
        contentType: 'text/xml',
        body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c1-fault-proxy</RequestId></ErrorResponse>`,
      };
}

function emptyFaults(): Record<FaultKind, number> {
  return { throttle: 0, http500: 0, http503: 0, reset: 0, slow: 0, ambiguous: 0 };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  let opts: FaultProxyOptions = { spareLastAttempt: true, ambiguousAs: 'http500', ...options };
  delete opts.disarmed;
  let random = mulberry32(opts.seed ?? 1);
  let armed = !opts.disarmed;
  let armedAt = Date.now();
  let stats: FaultStats = { requests: 0, forwarded: 0, faults: emptyFaults(), byApi: {} };
  let events: FaultEvent[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<import('node:net').Socket>();

  const totalErrors = () => ERROR_FAULT_KINDS.reduce((n, k) => n + stats.faults[k], 0) + stats.faults.ambiguous;
  const active = () => armed && (opts.activeMs === undefined || Date.now() - armedAt <= opts.activeMs);
  const underCap = (kind: FaultKind, api: string) => {
    const cap = opts.maxPerKind?.[kind];
    if (cap !== undefined && stats.faults[kind] >= cap) return false;
    const apiCap = opts.maxPerApi?.[kind];
    if (apiCap !== undefined && (stats.byApi[api]?.[kind] ?? 0) >= apiCap) return false;
    if (kind !== 'slow' && opts.maxFaults !== undefined && totalErrors() >= opts.maxFaults) return false;
    return true;
  };
  const record = (api: string, write: boolean, kind: FaultKind, attempt?: number) => {
    stats.faults[kind] += 1;
    const a = stats.byApi[api]!;
    a[kind] = (a[kind] ?? 0) + 1;
    events.push({ api, write, kind, attempt, at: Date.now() });
  };

  /** Decides the faults of one request. Always draws the same number of random values, so decisions stay aligned. */
  const decide = (api: string, write: boolean, attempt?: { n: number; max: number }) => {
    const rError = random();
    const rSlow = random();
    const rSlowMs = random();
    const rAmbiguous = random();
    const none = { error: null as ErrorFaultKind | null, slowMs: 0, ambiguous: false };
    if (!active() || (opts.match && !opts.match(api, write))) return none;
    const lastAttempt = opts.spareLastAttempt !== false && attempt !== undefined && attempt.n >= attempt.max;
    let acc = 0;
    for (const kind of ERROR_FAULT_KINDS) {
      acc += opts.rates?.[kind] ?? 0;
      if (rError < acc) {
        if (!lastAttempt && underCap(kind, api)) none.error = kind;
        break;
      }
    }
    if (rSlow < (opts.slowRate ?? 0) && underCap('slow', api)) {
      const s = opts.slowMs ?? 500;
      none.slowMs = Array.isArray(s) ? Math.round(s[0] + rSlowMs * (s[1] - s[0])) : s;
    }
    if (!none.error && write && !lastAttempt && rAmbiguous < (opts.ambiguousWriteRate ?? 0) && underCap('ambiguous', api)) none.ambiguous = true;
    return none;
  };

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          // The Host header stays as the client signed it (moto checks SigV4 when authorization is on).
          headers: req.headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const isMotoApi = (req.url ?? '').startsWith('/moto-api');
        const { api, json } = isMotoApi ? { api: 'moto-api', json: false } : classify(req.headers, body.toString('utf8'));
        const write = !isMotoApi && isWrite(api);
        stats.requests += 1;
        const perApi = (stats.byApi[api] ??= { requests: 0, forwarded: 0 });
        perApi.requests += 1;
        const m = /attempt=(\d+);\s*max=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
        const attempt = m ? { n: Number(m[1]), max: Number(m[2]) } : undefined;
        const d = isMotoApi ? { error: null, slowMs: 0, ambiguous: false } : decide(api, write, attempt);

        if (d.slowMs > 0) {
          record(api, write, 'slow', attempt?.n);
          await new Promise((r) => setTimeout(r, d.slowMs));
        }
        if (d.error === 'reset') {
          record(api, write, 'reset', attempt?.n);
          req.socket.destroy();
          return;
        }
        if (d.error) {
          record(api, write, d.error, attempt?.n);
          const e = errorBody(d.error, json);
          res.writeHead(e.status, { 'content-type': e.contentType, 'x-amzn-requestid': 'c1-fault-proxy', 'content-length': Buffer.byteLength(e.body) });
          res.end(e.body);
          return;
        }
        let up;
        try {
          up = await forward(req, body);
        } catch (err) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`fault-proxy: upstream error: ${(err as Error).message}`);
          return;
        }
        stats.forwarded += 1;
        perApi.forwarded += 1;
        if (d.ambiguous) {
          record(api, write, 'ambiguous', attempt?.n);
          if (opts.ambiguousAs === 'reset') {
            req.socket.destroy();
            return;
          }
          const e = errorBody('http500', json);
          res.writeHead(e.status, { 'content-type': e.contentType, 'content-length': Buffer.byteLength(e.body) });
          res.end(e.body);
          return;
        }
        const headers = { ...up.headers };
        delete headers['transfer-encoding'];
        delete headers.connection;
        headers['content-length'] = String(up.body.length);
        res.writeHead(up.status, headers);
        res.end(up.body);
      })().catch((err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault-proxy: ${(err as Error).message}`);
      });
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    env: motoEnv(endpoint),
    stats: () => JSON.parse(JSON.stringify(stats)) as FaultStats,
    events: () => [...events],
    errorFaults: totalErrors,
    resetStats() {
      stats = { requests: 0, forwarded: 0, faults: emptyFaults(), byApi: {} };
      events = [];
    },
    arm(settings) {
      if (settings) {
        opts = { spareLastAttempt: true, ambiguousAs: 'http500', ...settings, target: options.target };
        if (settings.seed !== undefined) random = mulberry32(settings.seed);
      }
      armed = true;
      armedAt = Date.now();
    },
    disarm() {
      armed = false;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
