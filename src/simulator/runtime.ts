import type { Logger } from 'pino';
import type { AccessTokenIssuer } from './access-tokens.js';
import { buildWorld, type DemoTenant, type WorldOptions } from './demo.js';
import { AuthorizationCodes } from './oidc-signin.js';
import { OpaqueTokenCodec } from './opaque-token.js';
import { RequestLog } from './request-log.js';
import type { SimulatorWorld } from './world.js';

/**
 * What lives as long as the server: the signing key, the link codec, the request log, and the current
 * world, which `reset()` replaces with a freshly seeded one (same seed, so the same demo ids).
 */
export class SimulatorRuntime {
  world: SimulatorWorld;
  demo: DemoTenant;
  readonly links = new OpaqueTokenCodec();
  readonly requests = new RequestLog();
  /** One-time authorization codes of the OpenID Connect sign-in. */
  readonly codes = new AuthorizationCodes();
  /** Runs a request through the server's app in-process; set once the app exists. */
  dispatch: (request: Request, env?: unknown) => Promise<Response> = () =>
    Promise.reject(new Error('simulator app not ready'));

  constructor(
    readonly tokens: AccessTokenIssuer,
    private readonly worldOptions: WorldOptions,
    readonly logger?: Logger,
  ) {
    ({ world: this.world, demo: this.demo } = buildWorld(worldOptions));
  }

  reset(): void {
    ({ world: this.world, demo: this.demo } = buildWorld(this.worldOptions));
    this.requests.clear();
  }
}
