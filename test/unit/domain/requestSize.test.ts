import {
  isBulk,
  isMultiTarget,
  RESULT_LIST_LIMIT,
  summarizesOutcomes,
} from '../../../src/domain/requestSize';
import type { DirectoryUser } from '../../../src/domain/types';

const users = (n: number): DirectoryUser[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.com`,
  }));

describe('isMultiTarget', () => {
  it('is a job of more than one target', () => {
    expect(isMultiTarget({ targets: users(0) })).toBe(false);
    expect(isMultiTarget({ targets: users(1) })).toBe(false);
    expect(isMultiTarget({ targets: users(2) })).toBe(true);
  });
});

describe('summarizesOutcomes', () => {
  it('lists up to RESULT_LIST_LIMIT targets and summarizes from one more', () => {
    expect(RESULT_LIST_LIMIT).toBe(20);
    expect(summarizesOutcomes({ targets: users(2) })).toBe(false);
    expect(summarizesOutcomes({ targets: users(20) })).toBe(false);
    expect(summarizesOutcomes({ targets: users(21) })).toBe(true);
  });
});

describe('isBulk', () => {
  it('counts the threshold itself as bulk', () => {
    expect(isBulk(9, 10)).toBe(false);
    expect(isBulk(10, 10)).toBe(true);
    expect(isBulk(11, 10)).toBe(true);
    expect(isBulk(1, 1)).toBe(true);
  });
});
