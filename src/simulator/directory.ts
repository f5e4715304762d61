import { randomUUID } from 'node:crypto';
import { graphDateTime, type SimulatedClock } from './clock.js';
import type { VerifiedDomain } from './model.js';
import { notFound, SimulatorError } from './simulator-error.js';
import { mailNicknameFrom, Tenant } from './tenant.js';

export interface TenantInput {
  id?: string;
  displayName: string;
  /** The initial `*.onmicrosoft.com` domain; made up from the display name when left out. */
  initialDomain?: string;
  /** A custom verified domain (e.g. `contoso.com`) that becomes the default for new users' names. */
  customDomain?: string;
}

/** All tenants of the simulated cloud, found by id or by any verified domain, as Entra's URLs allow. */
export class Directory {
  private readonly tenants = new Map<string, Tenant>();

  constructor(private readonly clock: SimulatedClock) {}

  addTenant(input: TenantInput): Tenant {
    const id = (input.id ?? randomUUID()).toLowerCase();
    const initialDomain = (
      input.initialDomain ?? `${mailNicknameFrom(input.displayName).replace(/\./g, '')}.onmicrosoft.com`
    ).toLowerCase();
    const domains: VerifiedDomain[] = [
      {
        name: initialDomain,
        isDefault: !input.customDomain,
        isInitial: true,
        type: 'Managed',
        capabilities: 'Email, OfficeCommunicationsOnline',
      },
    ];
    if (input.customDomain)
      domains.unshift({
        name: input.customDomain.toLowerCase(),
        isDefault: true,
        isInitial: false,
        type: 'Managed',
        capabilities: 'Email, OfficeCommunicationsOnline',
      });
    for (const domain of domains) {
      if (this.resolve(domain.name))
        throw new SimulatorError(`domain '${domain.name}' is already verified by another tenant`, 409);
    }
    if (this.tenants.has(id)) throw new SimulatorError(`tenant '${id}' already exists`, 409);
    const tenant = new Tenant(id, input.displayName, domains, graphDateTime(this.clock.now()), this.clock);
    this.tenants.set(id, tenant);
    return tenant;
  }

  resolve(ref: string): Tenant | undefined {
    const key = ref.toLowerCase();
    return (
      this.tenants.get(key) ?? [...this.tenants.values()].find((t) => t.verifiedDomains.some((d) => d.name === key))
    );
  }

  require(ref: string): Tenant {
    const tenant = this.resolve(ref);
    if (!tenant) throw notFound('tenant', ref);
    return tenant;
  }

  list(): Tenant[] {
    return [...this.tenants.values()];
  }
}
