/**
 * The input grammar, loaded from the one place it is written down: the HCL module's grammar.json.
 * The module's variable validations and the CDKTF construct's read the same file, so the three cannot drift.
 */
import grammar from '../../../modules/conductorone-aws-role/grammar.json';

export type StringRuleName = keyof typeof grammar.rules;
export type NumberRuleName = keyof typeof grammar.numbers;

export interface StringRule {
  pattern: string;
  min_length: number;
  max_length: number;
  rule: string;
}

export interface NumberRule {
  min: number;
  max: number;
  rule: string;
}

export const PARTITIONS: readonly string[] = grammar.partitions;
export const STRING_RULES: Record<StringRuleName, StringRule> = grammar.rules;
export const NUMBER_RULES: Record<NumberRuleName, NumberRule> = grammar.numbers;
export const LIMITS = grammar.limits;
