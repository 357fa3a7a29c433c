/**
 * In-process fault injection for what moto cannot produce (offline-testing.md 1.5): a request handler that passes
 * calls through to moto, except the JSON-protocol operations given a rule, whose moto answer is rewritten (say, an
 * assignment status IN_PROGRESS or FAILED) or replaced. Every call still goes through the SDK client, so ctx.calls
 * counts it.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpResponse } from '@smithy/core/transport';
import { Readable } from 'node:stream';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FaultRule {
  /** Rewrites moto's JSON answer; the argument counts this operation's calls from 1. */
  rewrite?: (body: Json, call: number) => Json;
  /** Answers without moto. */
  respond?: (call: number) => { status: number; body: Json };
}

async function readBody(body: unknown): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

function jsonResponse(status: number, body: Json, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  return new HttpResponse({
    statusCode: status,
    headers: { ...headers, 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)) },
    body: Readable.from([Buffer.from(text)]),
  });
}

/** Rules keyed by operation name ("CreateAccountAssignment"), matched on the X-Amz-Target header. */
export function faultHandler(rules: Record<string, FaultRule>) {
  const real = new NodeHttpHandler();
  const counts = new Map<string, number>();
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    destroy: () => real.destroy(),
    handle: async (req: { headers: Record<string, string> }, opts?: unknown) => {
      const target = req.headers['x-amz-target'] ?? req.headers['X-Amz-Target'] ?? '';
      const op = target.slice(target.lastIndexOf('.') + 1);
      const rule = rules[op];
      if (!rule) return real.handle(req as never, opts as never);
      const n = (counts.get(op) ?? 0) + 1;
      counts.set(op, n);
      if (rule.respond) {
        const { status, body } = rule.respond(n);
        return { response: jsonResponse(status, body, { 'x-amzn-requestid': `fault-${op}-${n}` }) };
      }
      const { response } = await real.handle(req as never, opts as never);
      const body = JSON.parse(await readBody(response.body)) as Json;
      const headers = Object.fromEntries(Object.entries(response.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
      return { response: jsonResponse(response.statusCode, rule.rewrite ? rule.rewrite(body, n) : body, headers) };
    },
  };
}
