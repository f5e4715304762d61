import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageGroupUsers } from '../../src/directory/entra/members.js';
import type { Simulator } from '../../src/simulator/server.js';
import { connect, startTestSimulator } from './helpers.js';

/** The bar: one group of 100,000 members served in 999-member pages to the real Graph client. */
const members = 100_000;
let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({ users: members, seed: 'large' });
}, 120_000);
afterAll(() => sim?.close());

describe(`a group of ${members.toLocaleString('en')} users`, () => {
  it('pages completely through the real Graph client in 999-member pages', async () => {
    const group = sim.demo.groups[0]!;
    expect(group.userCount).toBe(members);
    const { client } = connect(sim);
    const seen = new Set<string>();
    const sizes: number[] = [];
    let count: number | undefined;
    for await (const page of pageGroupUsers(client, group.id, { top: 999 })) {
      count ??= page.count;
      sizes.push(page.users.length);
      for (const user of page.users) seen.add(user.id);
    }
    expect(count).toBe(members);
    expect(sizes).toHaveLength(Math.ceil(members / 999));
    expect(sizes.slice(0, -1).every((n) => n === 999)).toBe(true);
    expect(seen.size).toBe(members);
  }, 120_000);
});
