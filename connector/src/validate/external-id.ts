/**
 * Finding the external ID when only SHA-256 digests were given (Terraform passes nonsensitive(sha256(id)) of every
 * ID so its provisioner output stays visible): hash each value the trust policy compares sts:ExternalId with and
 * keep the one whose digest matches. The value found is the secret itself: never report it.
 */
import { conditionValuesFor } from '../policy/conditions';
import { parsePolicy, toArray } from '../policy/document';
import { sha256Hex } from '../policy/trust-judgement';

export { sha256Hex };

/** Every value compared with sts:ExternalId anywhere in the policy. */
export function externalIdValues(policy: unknown): string[] {
  const values = new Set<string>();
  for (const s of toArray(parsePolicy(policy).Statement)) {
    for (const c of conditionValuesFor(s.Condition, 'sts:ExternalId')) for (const v of c.values) values.add(v);
  }
  return [...values];
}

export function externalIdFromDigest(policy: unknown, digest: string): string | undefined {
  const wanted = digest.toLowerCase();
  return externalIdValues(policy).find((v) => sha256Hex(v) === wanted);
}
