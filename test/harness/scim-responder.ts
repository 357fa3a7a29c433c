/**
 * A tiny SCIM v2 responder on 127.0.0.1 for sync tests: GET /scim/v2/Users/<id> answers the user's `active` flag
 * when the bearer token matches, 401 otherwise, 404 for unknown users. It records each request path.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScimResponder {
  endpoint: string;
  requests: string[];
  stop(): Promise<void>;
}

export async function startScimResponder(token: string, users: Record<string, boolean>): Promise<ScimResponder> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ status: '401', detail: 'unauthorized' }));
      return;
    }
    const m = /^\/scim\/v2\/Users\/([^/?]+)$/.exec(req.url ?? '');
    const id = m ? decodeURIComponent(m[1]) : undefined;
    if (req.method !== 'GET' || !id || !(id in users)) {
      res.writeHead(404, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ status: '404' }));
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/scim+json' })
      .end(JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName: id, active: users[id] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/scim/v2`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
