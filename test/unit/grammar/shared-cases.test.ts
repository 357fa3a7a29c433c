import { checkNumber, checkString } from '../../../connector/src/grammar/check';
import { NumberRuleName, StringRuleName } from '../../../connector/src/grammar/rules';
import { NUMBER_CASES, STRING_CASES } from '../../fixtures/input-cases';

describe.each(STRING_CASES)('$variable (rule $rule)', ({ variable, rule, valid, invalid }) => {
  test.each(valid.map((v) => [v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v, v]))('accepts %s', (_label, v) => {
    expect(checkString(rule as StringRuleName, v, variable)).toBeNull();
  });
  test.each(invalid.map((v) => [v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : JSON.stringify(v), v]))('refuses %s, naming the input', (_label, v) => {
    expect(checkString(rule as StringRuleName, v, variable)).toMatch(new RegExp(`^${variable} `));
  });
});

describe.each(NUMBER_CASES)('$variable', ({ variable, rule, valid, invalid }) => {
  test.each(valid)('accepts %d', (v) => expect(checkNumber(rule as NumberRuleName, v, variable)).toBeNull());
  test.each(invalid)('refuses %d', (v) => expect(checkNumber(rule as NumberRuleName, v, variable)).toMatch(new RegExp(`^${variable} `)));
});
