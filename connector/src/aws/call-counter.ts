/**
 * Counts SDK calls per API ("iam:ListRoles") with a middleware, so `sync` can report calls per API and tests and
 * benchmarks can assert on call volume. Retries of one call count once; `attempts` counts every HTTP attempt.
 */
interface MiddlewareClient {
  middlewareStack: { add: (mw: never, opts: { step: 'initialize' | 'finalizeRequest'; name: string }) => void };
  config: { serviceId?: string };
}

/** IAM's action prefix for each SDK client, so counts read like the policy documents. */
const PREFIX: Record<string, string> = {
  IAMClient: 'iam',
  STSClient: 'sts',
  OrganizationsClient: 'organizations',
  SSOAdminClient: 'sso',
  IdentitystoreClient: 'identitystore',
};

export class CallCounter {
  readonly calls = new Map<string, number>();
  readonly attempts = new Map<string, number>();

  attach(client: unknown): void {
    const c = client as MiddlewareClient;
    const record = (map: Map<string, number>) => (next: (a: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
      (args: unknown) => {
        const prefix = PREFIX[context.clientName ?? ''] ?? (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase();
        const op = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const key = `${prefix}:${op}`;
        map.set(key, (map.get(key) ?? 0) + 1);
        return next(args);
      };
    c.middlewareStack.add(record(this.calls) as never, { step: 'initialize', name: 'c1CountCalls' });
    c.middlewareStack.add(record(this.attempts) as never, { step: 'finalizeRequest', name: 'c1CountAttempts' });
  }

  /** Counts one call made outside an SDK client (the CloudFormation Query client). */
  record(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
  }

  /** Total calls, or calls to one API. */
  count(action?: string): number {
    if (action) return this.calls.get(action) ?? 0;
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  /** Calls per API, sorted by API name (stable for snapshots and summaries). */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
