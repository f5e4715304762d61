import { describe, expect, it } from 'vitest';
import { defaultPriorityKey, priorityKeyForMembers, runPriority } from '../../src/sync/run-priority.js';

describe('run priority by expected size', () => {
  it('puts small runs first and large ones last, by decade of members', () => {
    expect([0, 1, 999].map(priorityKeyForMembers)).toEqual([1, 1, 1]);
    expect([1_000, 5_000, 9_999].map(priorityKeyForMembers)).toEqual([2, 2, 2]);
    expect([10_000, 99_999].map(priorityKeyForMembers)).toEqual([4, 4]);
    expect([100_000, 1_000_000].map(priorityKeyForMembers)).toEqual([5, 5]);
  });

  it('gives a run of unknown size the server default, between the small and the large', () => {
    expect(defaultPriorityKey).toBe(3);
    for (const unknown of [undefined, null, Number.NaN, -1]) expect(priorityKeyForMembers(unknown)).toBe(3);
  });

  it('never ranks a larger run ahead of a smaller one', () => {
    const sizes = [0, 10, 500, 999, 1_000, 4_999, 9_999, 10_000, 50_000, 99_999, 100_000, 250_000, 1_000_000];
    const keys = sizes.map(priorityKeyForMembers);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(keys.every((k) => k >= 1 && k <= 5)).toBe(true);
  });

  it('keys fairness by company, within the 64 bytes Temporal allows', () => {
    const companyId = '0b6f3f0e-8a1f-4f55-9d55-2c9c3f1f2a11';
    expect(runPriority(3, companyId)).toEqual({ priorityKey: 1, fairnessKey: companyId });
    const long = 'ø'.repeat(40); // 80 bytes in UTF-8
    const fitted = runPriority(undefined, long).fairnessKey!;
    expect(new TextEncoder().encode(fitted).length).toBeLessThanOrEqual(64);
    expect(long.startsWith(fitted)).toBe(true);
    expect(fitted.length).toBe(32);
  });
});
