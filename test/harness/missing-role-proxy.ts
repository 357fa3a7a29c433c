/**
 * A loopback proxy in front of moto for a refusal moto does not make: AssumeRole of a role that does not exist, or
 * whose trust policy does not name the caller, in role chaining. AWS refuses both with AccessDenied; moto 5.2.1, even
 * with IAM authorization on, hands out credentials, then answers calls made with them with HTTP 500 (seen here:
 * its policy lookup raises NoSuchEntity). The proxy answers sts:AssumeRole of the roles the fixture broke (`missing`,
 * ARNs) with AWS's AccessDenied and forwards everything else unchanged. The member role's trust itself is judged
 * from the real role by validate (test/integration/member-accounts/validate.test.ts), not through this proxy.
 */
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';

export interface MissingRoleProxy {
  endpoint: string;
  /** sts:AssumeRole calls it answered with AccessDenied, by role ARN. */
  denied: string[];
  stop(): Promise<void>;
}

const ACCESS_DENIED = (arn: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: ${arn}</Message></Error><RequestId>c1-missing-role-proxy</RequestId></ErrorResponse>`;

export async function startMissingRoleProxy(motoEndpoint: string, missing: string[]): Promise<MissingRoleProxy> {
  const target = new URL(motoEndpoint);
  const denied: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const arn = form.get('RoleArn') ?? '';
      if (form.get('Action') === 'AssumeRole' && missing.includes(arn)) {
        denied.push(arn);
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(ACCESS_DENIED(arn));
        return;
      }
      const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}`, denied, stop: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}
