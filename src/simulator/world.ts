import { AppRegistry } from './apps.js';
import { SimulatedClock, dayMs } from './clock.js';
import { Directory } from './directory.js';
import { DirectoryRoleAssignments } from './directory-roles.js';
import { FaultInjector } from './faults.js';
import { ResourceUnitBudget } from './resource-budget.js';

export interface SimulatorSettings {
  /** Lifetime of issued access tokens (`expires_in`), real-time seconds. */
  tokenLifetimeSeconds: number;
  /** Objects plus member references per delta page; small values make small test data span pages. */
  deltaPageSize: number;
  /** Age (simulated clock) after which delta and skip tokens answer 410; Graph keeps directory tokens 7 days. */
  deltaTokenLifetimeMs: number;
}

export const defaultSettings: SimulatorSettings = {
  tokenLifetimeSeconds: 3599,
  deltaPageSize: 500,
  deltaTokenLifetimeMs: 7 * dayMs,
};

/** Everything the simulator knows; `reset` swaps in a freshly seeded one. */
export class SimulatorWorld {
  readonly clock = new SimulatedClock();
  readonly directory = new Directory(this.clock);
  readonly apps = new AppRegistry();
  readonly roles = new DirectoryRoleAssignments();
  readonly faults = new FaultInjector();
  /** Graph's per app+tenant resource-unit limit, when switched on. */
  readonly resourceUnits = new ResourceUnitBudget();
  readonly settings: SimulatorSettings = { ...defaultSettings };
}
