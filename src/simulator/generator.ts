import { graphDateTime } from './clock.js';
import type { SimGroup, SimUser } from './model.js';
import {
  departments,
  givenNames,
  offices,
  phonePrefixes,
  preferredLanguages,
  showcaseNames,
  surnames,
  teamNames,
} from './names.js';
import { createRandom, type Random } from './random.js';
import { foldToAscii, mailNicknameFrom, type Tenant } from './tenant.js';

/** The groups a seeded tenant gets; `allStaff` holds exactly `users` users, transitively. */
export interface SeededGroups {
  allStaff: SimGroup;
  departments: SimGroup[];
  teams: SimGroup[];
  projectFalcon: SimGroup;
  falconContractors: SimGroup;
  bookClub: SimGroup;
}

const departmentWeights = [30, 15, 8, 7, 5, 20, 10, 5];
const usersPerTeam = 500;
const seedEpoch = Date.UTC(2019, 0, 1);
const noPhones: readonly string[] = Object.freeze([]);

/**
 * Fills an empty tenant with a realistic organisation, the same for the same seed: "All Staff" with
 * department groups nested in it and teams nested in those, users spread over all three levels (some
 * in two departments), plus a small project group with contractors outside All Staff and a club.
 * Writes straight into the maps: the seeded state is the delta baseline, not a logged change.
 */
export function seedOrganization(tenant: Tenant, options: { users: number; seed: string | number }): SeededGroups {
  const random = createRandom(`${options.seed}/${tenant.defaultDomain}`);
  const makeUser = userFactory(tenant, random);
  const group = (displayName: string, extra: Partial<SimGroup> = {}): SimGroup => {
    const mailNickname = mailNicknameFrom(displayName);
    const created: SimGroup = {
      id: random.guid(),
      displayName,
      description: null,
      mail: null,
      mailNickname,
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      visibility: null,
      createdDateTime: graphDateTime(seedEpoch + random.int(365) * 86_400_000),
      members: new Set(),
      ...extra,
    };
    tenant.groups.set(created.id, created);
    return created;
  };

  const allStaff = group('All Staff', {
    description: 'Everyone employed by the company',
    mail: `allstaff@${tenant.defaultDomain}`,
    mailEnabled: true,
  });
  const departmentGroups = departments.map(([name]) => group(name, { description: `Members of ${name}` }));
  for (const department of departmentGroups) allStaff.members.add(department.id);

  const teamCount = Math.floor(options.users / usersPerTeam);
  const teamsByDepartment = departmentGroups.map(() => [] as SimGroup[]);
  const teams: SimGroup[] = [];
  for (let t = 0; t < teamCount; t++) {
    const departmentIndex = t % departmentGroups.length;
    const name = `${departments[departmentIndex]?.[0]} · ${teamNames[t % teamNames.length]} ${Math.floor(t / teamNames.length) + 1}`;
    const team = group(name);
    (departmentGroups[departmentIndex] as SimGroup).members.add(team.id);
    teamsByDepartment[departmentIndex]?.push(team);
    teams.push(team);
  }

  const engineers: string[] = [];
  const firstStaff: string[] = [];
  const weightTotal = departmentWeights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < options.users; i++) {
    let roll = random.int(weightTotal);
    let departmentIndex = 0;
    while (roll >= (departmentWeights[departmentIndex] as number))
      roll -= departmentWeights[departmentIndex++] as number;
    const user = makeUser(i, departments[departmentIndex] as readonly [string, readonly string[]]);
    const departmentTeams = teamsByDepartment[departmentIndex] as SimGroup[];
    // A few people sit directly in All Staff, most in a team, the rest directly in their department.
    const home =
      i % 20 === 0
        ? allStaff
        : departmentTeams.length > 0 && random.chance(0.85)
          ? random.pick(departmentTeams)
          : (departmentGroups[departmentIndex] as SimGroup);
    home.members.add(user.id);
    // Some people belong to a second department too: transitive listing must not count them twice.
    if (i % 50 === 1)
      (departmentGroups[(departmentIndex + 1) % departmentGroups.length] as SimGroup).members.add(user.id);
    if (departmentIndex === 0 && engineers.length < 12) engineers.push(user.id);
    if (firstStaff.length < 7) firstStaff.push(user.id);
  }

  const falconContractors = group('Falcon Contractors', { description: 'External contractors on Project Falcon' });
  for (let c = 0; c < 3; c++) {
    const contractor = makeUser(options.users + c, ['Contractors', ['Contractor']]);
    contractor.department = null;
    contractor.employeeId = null;
    contractor.onPremisesSamAccountName = null;
    if (c === 2) contractor.mail = null;
    // An invited B2B guest: its mail is whatever the inviter typed, its UPN the #EXT# form of that address.
    if (c === 1) {
      contractor.userType = 'Guest';
      contractor.mail = `${contractor.mailNickname}@partner.example`;
      contractor.userPrincipalName = `${contractor.mailNickname}_partner.example#EXT#@${(tenant.verifiedDomains.find((d) => d.isInitial) ?? tenant.verifiedDomains[0])?.name ?? tenant.defaultDomain}`;
    }
    falconContractors.members.add(contractor.id);
  }
  const projectFalcon = group('Project Falcon', {
    description: 'Cross-team project with external contractors',
    mail: `falcon@${tenant.defaultDomain}`,
    mailEnabled: true,
    groupTypes: ['Unified'],
    visibility: 'Private',
  });
  for (const id of engineers) projectFalcon.members.add(id);
  projectFalcon.members.add(falconContractors.id);

  const bookClub = group("Søren's Book Club", { description: 'Bøger, libros, livres' });
  for (const id of firstStaff) bookClub.members.add(id);

  return { allStaff, departments: departmentGroups, teams, projectFalcon, falconContractors, bookClub };
}

/** Makes user number `index`: showcase names first, then random ones with a few exact duplicates. */
function userFactory(
  tenant: Tenant,
  random: Random,
): (index: number, department: readonly [string, readonly string[]]) => SimUser {
  const nicknames = new Map<string, number>();
  const samNames = new Map<string, number>();
  // Names repeat a lot: fold each given/surname pair to ASCII once (this is most of the seeding time otherwise).
  const folded = new Map<string, { nickname: string; initials: string }>();
  const recentNames: [string, string][] = [];
  const unique = (taken: Map<string, number>, base: string): string => {
    const seen = (taken.get(base) ?? 0) + 1;
    taken.set(base, seen);
    return seen === 1 ? base : `${base}${seen}`;
  };
  const foldName = (givenName: string, surname: string) => {
    const key = `${givenName} ${surname}`;
    let entry = folded.get(key);
    if (!entry) {
      const letters = (text: string) =>
        foldToAscii(text)
          .replace(/[^A-Za-z]/g, '')
          .slice(0, 2);
      const initials = (letters(givenName) + letters(surname)).toUpperCase();
      entry = { nickname: mailNicknameFrom(key), initials: initials.length >= 2 ? initials : 'USR' };
      folded.set(key, entry);
    }
    return entry;
  };

  return (index, [department, titles]) => {
    const name: [string, string] =
      index < showcaseNames.length
        ? [...(showcaseNames[index] as readonly [string, string])]
        : index % 41 === 7
          ? (recentNames[0] as [string, string]) // the same display name as a colleague added five before
          : [random.pick(givenNames), random.pick(surnames)];
    recentNames.push(name);
    if (recentNames.length > 5) recentNames.shift();
    const [givenName, surname] = name;
    const { nickname, initials } = foldName(givenName, surname);
    const mailNickname = unique(nicknames, nickname);
    const hasMailbox = index !== 5 && !random.chance(0.04);
    const user: SimUser = {
      id: random.guid(),
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      mail: hasMailbox ? `${mailNickname}@${tenant.defaultDomain}` : null,
      userPrincipalName: `${mailNickname}@${tenant.defaultDomain}`,
      mailNickname,
      jobTitle: random.pick(titles),
      department,
      mobilePhone: random.chance(0.6) ? phoneNumber(random) : null,
      businessPhones: random.chance(0.5) ? [phoneNumber(random)] : noPhones,
      officeLocation: random.chance(0.9) ? random.pick(offices) : null,
      employeeId: random.chance(0.9) ? String(100000 + index) : null,
      onPremisesSamAccountName: random.chance(0.8) ? unique(samNames, initials) : null,
      accountEnabled: !random.chance(0.03),
      userType: 'Member',
      preferredLanguage: random.pick(preferredLanguages),
      createdDateTime: graphDateTime(seedEpoch + random.int(5 * 365) * 86_400_000 + random.int(86_400) * 1000),
      deletedDateTime: null,
    };
    tenant.users.set(user.id, user);
    return user;
  };
}

function phoneNumber(random: Random): string {
  const digits = () => String(random.int(100)).padStart(2, '0');
  return `${random.pick(phonePrefixes)} ${digits()} ${digits()} ${digits()} ${digits()}`;
}
