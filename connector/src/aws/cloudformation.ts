/**
 * A minimal CloudFormation client for the one read validate needs, ListStackInstances (which accounts a StackSet
 * deployed the member role into, and how that went). The project has no @aws-sdk/client-cloudformation dependency,
 * so this speaks CloudFormation's Query protocol itself: SigV4-signed form POST (@smithy/signature-v4, the signer
 * the SDK clients use), XML answer. Endpoint as the SDK resolves it: AWS_ENDPOINT_URL_CLOUDFORMATION, then
 * AWS_ENDPOINT_URL, then the regional endpoint. Errors carry the SDK's shape (name, $metadata.httpStatusCode) so
 * ./errors.ts classifies them as it does the SDK's.
 */
import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { CallCounter } from './call-counter';

export interface StackInstanceSummary {
  account: string;
  region: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  status: string;
  /** StackInstanceStatus.DetailedStatus: SUCCEEDED, FAILED, CANCELLED, PENDING, RUNNING, INOPERABLE, SKIPPED_SUSPENDED_ACCOUNT... */
  detailedStatus?: string;
  statusReason?: string;
  organizationalUnitId?: string;
}

/** The hash SignatureV4 wants (a constructor; with a secret, an HMAC), over node:crypto. */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e],
  );
/** The text of the first <name> element in `xml` (these answers have no attributes and no CDATA). */
const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? decode(m[1]) : undefined;
};

export class CloudFormationError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

export function cloudFormationEndpoint(region: string, env = process.env): string {
  const custom = env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? env.AWS_ENDPOINT_URL;
  if (custom) return custom.replace(/\/+$/, '');
  return `https://cloudformation.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

export class CloudFormationQuery {
  private readonly signer: SignatureV4;
  constructor(
    private readonly region: string,
    credentials: AwsCredentialIdentityProvider,
    private readonly calls: CallCounter,
    private readonly maxAttempts = 3,
    private readonly endpoint = cloudFormationEndpoint(region),
  ) {
    this.signer = new SignatureV4({ service: 'cloudformation', region, credentials, sha256: NodeSha256 });
  }

  private async call(action: string, params: Record<string, string>): Promise<string> {
    this.calls.record(`cloudformation:${action}`);
    const url = new URL(this.endpoint);
    const body = new URLSearchParams({ Action: action, Version: '2010-05-15', ...params }).toString();
    for (let attempt = 1; ; attempt++) {
      const request = await this.signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname || '/',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        query: {},
      });
      const res = await fetch(`${url.origin}${url.pathname || '/'}`, { method: 'POST', headers: request.headers as Record<string, string>, body });
      const text = await res.text();
      if (res.ok) return text;
      const code = tag(text, 'Code') ?? `HTTP${res.status}`;
      const retryable = res.status >= 500 || /Throttl/.test(code);
      if (!retryable || attempt >= this.maxAttempts) throw new CloudFormationError(code, tag(text, 'Message') ?? text.slice(0, 200), res.status, tag(text, 'RequestId'));
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }

  /** Every instance of the stack set (all pages). */
  async listStackInstances(stackSetName: string): Promise<StackInstanceSummary[]> {
    const out: StackInstanceSummary[] = [];
    let token: string | undefined;
    do {
      const xml = await this.call('ListStackInstances', { StackSetName: stackSetName, ...(token ? { NextToken: token } : {}) });
      const summaries = tag(xml, 'Summaries') !== undefined ? /<Summaries>([\s\S]*?)<\/Summaries>/.exec(xml)![1] : '';
      for (const m of summaries.matchAll(/<member>([\s\S]*?)<\/member>/g)) {
        const x = m[1];
        out.push({
          account: tag(x, 'Account') ?? '',
          region: tag(x, 'Region') ?? '',
          status: tag(x, 'Status') ?? 'UNKNOWN',
          detailedStatus: tag(x, 'DetailedStatus'),
          statusReason: tag(x, 'StatusReason'),
          organizationalUnitId: tag(x, 'OrganizationalUnitId'),
        });
      }
      token = tag(xml.replace(/<Summaries>[\s\S]*?<\/Summaries>/, ''), 'NextToken');
    } while (token);
    return out;
  }

  /** For tests and seeding only (moto): the rest of the calls go through call() unparsed. */
  raw(action: string, params: Record<string, string>): Promise<string> {
    return this.call(action, params);
  }
  get regionName(): string {
    return this.region;
  }
}
