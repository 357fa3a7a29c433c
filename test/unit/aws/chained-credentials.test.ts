/**
 * Chained member-account credentials refresh themselves before the one-hour cap (baton-aws issue #144: a long sync
 * died on an expired chained session). moto cannot expire a session, so this is an in-process stub of STS and IAM
 * (say so: a stub, not moto): AssumeRole hands out keys that expire an hour after the (faked) clock, and IAM refuses
 * an expired key with ExpiredToken, as AWS does. Only Date is faked; timers stay real.
 */
import { GetAccountAuthorizationDetailsCommand } from '@aws-sdk/client-iam';
import { HttpResponse } from '@smithy/core/transport';
import { Readable } from 'node:stream';
import { createAwsContext, createChainedContext, CROSS_ACCOUNT_SESSION_NAME } from '../../../connector/src/aws';

const xml = (status: number, body: string) => ({
  response: new HttpResponse({ statusCode: status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'stub' }, body: Readable.from([Buffer.from(body)]) }),
});

function stub() {
  const issued = new Map<string, number>(); // access key -> expiry (ms)
  const assumes: URLSearchParams[] = [];
  let rejectedExpired = 0;
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    destroy() {},
    async handle(req: { headers: Record<string, string>; body?: unknown }) {
      const form = new URLSearchParams(String(req.body ?? ''));
      const key = /Credential=([^/]+)\//.exec(req.headers.authorization ?? req.headers.Authorization ?? '')?.[1] ?? '';
      if (form.get('Action') === 'AssumeRole') {
        assumes.push(form);
        const id = `ASIACHAINED${assumes.length}`;
        const expiry = Date.now() + Number(form.get('DurationSeconds')) * 1000;
        issued.set(id, expiry);
        return xml(
          200,
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${new Date(expiry).toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/M/${form.get('RoleSessionName')}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
        );
      }
      if (form.get('Action') === 'GetAccountAuthorizationDetails') {
        const expiry = issued.get(key);
        if (expiry !== undefined && expiry <= Date.now()) {
          rejectedExpired++;
          return xml(403, '<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>stub</RequestId></ErrorResponse>');
        }
        return xml(200, `<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`);
      }
      return xml(400, `<ErrorResponse><Error><Code>Unexpected</Code><Message>${form.get('Action')}</Message></Error></ErrorResponse>`);
    },
  };
  return { handler, assumes, keysUsed: () => [...issued.keys()], rejected: () => rejectedExpired };
}

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] }));
afterEach(() => jest.useRealTimers());

test('a chained session is assumed as baton-aws does it and renewed before its one-hour cap', async () => {
  const s = stub();
  const start = Date.now();
  const parent = createAwsContext({ credentials: { accessKeyId: 'AKIAPARENT', secretAccessKey: 'x' }, region: 'us-east-1', maxAttempts: 1, requestHandler: s.handler });
  const member = createChainedContext(parent, 'arn:aws:iam::222222222222:role/ConductorOneMemberAccess');
  const read = () => member.iam.send(new GetAccountAuthorizationDetailsCommand({}));
  try {
    await read();
    expect(s.assumes).toHaveLength(1);
    const a = s.assumes[0];
    expect(a.get('RoleArn')).toBe('arn:aws:iam::222222222222:role/ConductorOneMemberAccess');
    expect(a.get('RoleSessionName')).toBe(CROSS_ACCOUNT_SESSION_NAME);
    expect(a.get('DurationSeconds')).toBe('3600');
    expect(a.has('ExternalId')).toBe(false);

    jest.setSystemTime(start + 30 * 60_000);
    await read();
    expect(s.assumes).toHaveLength(1); // still fresh: no new AssumeRole

    // 56 minutes in: within 5 minutes of the cap, the next call assumes again and signs with the new key.
    jest.setSystemTime(start + 56 * 60_000);
    await read();
    expect(s.assumes).toHaveLength(2);

    // Hours later, every call still goes through: each session is renewed before it expires; none was refused.
    for (let h = 2; h <= 4; h++) {
      jest.setSystemTime(start + h * 56 * 60_000);
      await read();
    }
    expect(s.assumes).toHaveLength(5);
    expect(s.rejected()).toBe(0);
    // The parent's own calls count with the member's (one counter): AssumeRole on the parent's STS client.
    expect(parent.calls.count('sts:AssumeRole')).toBe(5);
  } finally {
    member.destroy();
    parent.destroy();
  }
});

test('the stub can fail: a key used past its expiry is refused with ExpiredToken', async () => {
  const s = stub();
  const start = Date.now();
  const parent = createAwsContext({ credentials: { accessKeyId: 'AKIAPARENT', secretAccessKey: 'x' }, region: 'us-east-1', maxAttempts: 1, requestHandler: s.handler });
  // Static credentials (no refresh) holding the first chained key: what a non-refreshing client would keep using.
  const member = createChainedContext(parent, 'arn:aws:iam::222222222222:role/ConductorOneMemberAccess');
  await member.credentials();
  const [key] = s.keysUsed();
  const frozen = createAwsContext({ credentials: { accessKeyId: key, secretAccessKey: 's', sessionToken: 't' }, region: 'us-east-1', maxAttempts: 1, requestHandler: s.handler });
  jest.setSystemTime(start + 61 * 60_000);
  await expect(frozen.iam.send(new GetAccountAuthorizationDetailsCommand({}))).rejects.toThrow(/expired/);
  frozen.destroy();
  member.destroy();
  parent.destroy();
});
