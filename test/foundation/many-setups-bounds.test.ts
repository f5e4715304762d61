import { describe, expect, it } from 'vitest';
import { manySetupBounds, workCpuSeconds } from '../../bench/many-setups.js';

describe('many-setups CPU bounds', () => {
  const input = {
    cores: 2,
    largestSmallSoloSeconds: 0.5,
    smallMembers: 20_000,
    smallOnlyCpuSeconds: 8,
    togetherCpuSeconds: 12,
    floorCpuSecondsPerMember: 0.0001,
  };

  it('divides the CPU-seconds spent by the cores for the earliest end, and that by the largest solo time', () => {
    expect(manySetupBounds(input)).toEqual({
      smallOnlyMakespanLowerBoundSeconds: 4,
      smallOnlySlowdownLowerBound: 8,
      togetherLowerBoundSeconds: 6,
      // 0.0001 CPU-s × 20,000 members on 2 cores
      smallFloorMakespanLowerBoundSeconds: 1,
      smallFloorSlowdownLowerBound: 2,
    });
  });

  it('gets lower with more cores', () => {
    const bounds = manySetupBounds({ ...input, cores: 4 });
    expect(bounds.smallOnlyMakespanLowerBoundSeconds).toBe(2);
    expect(bounds.smallFloorSlowdownLowerBound).toBe(1);
  });

  it('counts the CPU between two readings less what the processes spend idle over that span', () => {
    expect(workCpuSeconds({ cpu: 10, at: 1000 }, { cpu: 13, at: 3000 }, 0.5)).toBe(2);
    // idle estimated above what the span used: nothing, not a negative figure
    expect(workCpuSeconds({ cpu: 10, at: 0 }, { cpu: 10.1, at: 1000 }, 0.2)).toBe(0);
  });
});
