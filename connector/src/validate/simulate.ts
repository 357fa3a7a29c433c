/**
 * Asks IAM's policy simulator about the needed actions, where the caller may use it. It sees what the documents do
 * not (SCPs, boundaries), but it is optional: moto does not implement it (HTTP 500) and many callers lack
 * iam:SimulatePrincipalPolicy. One attempt only, so a 500 is not retried for seconds.
 */
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { createAwsContext } from '../aws';
import type { AwsAccessOptions } from '../aws';
import { describeAwsError, errorName, httpStatus } from '../aws/errors';

export type SimulatorResult =
  | { available: true; explicitDeny: string[]; implicitDeny: string[] }
  | { available: false; reason: string };

export async function simulateActions(access: AwsAccessOptions, roleArn: string, actions: string[]): Promise<SimulatorResult> {
  const aws = createAwsContext({ ...access, maxAttempts: 1 });
  try {
    const explicitDeny: string[] = [];
    const implicitDeny: string[] = [];
    let marker: string | undefined;
    do {
      const out = await aws.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: actions, Marker: marker }));
      for (const r of out.EvaluationResults ?? []) {
        if (r.EvalDecision === 'explicitDeny') explicitDeny.push(r.EvalActionName!);
        else if (r.EvalDecision === 'implicitDeny') implicitDeny.push(r.EvalActionName!);
      }
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return { available: true, explicitDeny, implicitDeny };
  } catch (e) {
    // moto's 500 is an HTML page the SDK cannot parse: the status says enough.
    const status = httpStatus(e);
    const reason = status && (errorName(e) === 'Error' || errorName(e) === 'SyntaxError') ? `HTTP ${status}` : describeAwsError(e).split('\n')[0].slice(0, 200);
    return { available: false, reason };
  } finally {
    aws.destroy();
  }
}
