import { randomUUID } from 'node:crypto';

/**
 * Per-tenant log of directory changes with monotonic sequence numbers: a delta token remembers the
 * sequence it was issued at, and a later round replays the log from there and nets the entries out.
 * The seeded starting state is the baseline (sequence 0) and is not logged.
 */
export type UserState = 'active' | 'softDeleted' | 'hardDeleted';

export type Change =
  | { kind: 'user'; seq: number; userId: string; state: UserState; properties: readonly string[] | 'all' }
  | { kind: 'group'; seq: number; groupId: string; deleted: boolean; properties: readonly string[] | 'all' }
  | { kind: 'member'; seq: number; groupId: string; memberId: string; memberType: 'user' | 'group'; present: boolean };

type NewChange = Change extends infer C ? (C extends Change ? Omit<C, 'seq'> : never) : never;

export class ChangeLog {
  /** Changes whenever the log is thrown away; tokens from an older generation must resync (410). */
  readonly generation = randomUUID();
  private readonly entries: Change[] = [];

  get sequence(): number {
    return this.entries.length;
  }

  append(change: NewChange): void {
    this.entries.push({ ...change, seq: this.entries.length + 1 } as Change);
  }

  /** Entries with a sequence in (afterSeq, upToSeq]. */
  between(afterSeq: number, upToSeq: number): readonly Change[] {
    return this.entries.slice(afterSeq, upToSeq);
  }
}
