import type { ldapEn } from './ldap-en.js';

/** The Active Directory (LDAP) texts of the admin pages in Danish. */
export const ldapDa: typeof ldapEn = {
  provider: 'Active Directory (LDAP)',
  choose: 'Hvilket katalog?',
  intro:
    'Tjenesten forbinder til en domænecontroller over LDAPS (eller LDAP med StartTLS), logger på med en tjenestekonto og læser brugere og grupper under basis-DN. Forbindelsen testes, så snart den er oprettet.',
  url: 'URL',
  urlHint: 'ldaps://dc01.contoso.com (port 636), eller ldap://dc01.contoso.com for StartTLS på port 389.',
  bindDn: 'Bind-DN eller UPN',
  bindDnHint:
    'Tjenestekontoen, der læser kataloget: CN=svc-sync,OU=Service,DC=contoso,DC=com eller svc-sync@contoso.com.',
  bindPassword: 'Adgangskode',
  bindPasswordHint: 'Gemmes krypteret og vises aldrig igen. Indtast den igen for at ændre den.',
  caCertificate: 'CA-certifikat (PEM)',
  caCertificateHint:
    'Når domænecontrollerens certifikat er udstedt af jeres egen CA: indsæt CA’ens certifikat (-----BEGIN CERTIFICATE----- …). Lad feltet være tomt for at stole på de almindelige offentlige CA’er.',
  baseDn: 'Basis-DN',
  baseDnHint: 'Den del af kataloget, brugerne ligger under, f.eks. DC=contoso,DC=com.',
  allowUnencrypted: 'Tillad ukrypteret LDAP (kun testkataloger: adgangskoden sendes ukrypteret over netværket)',
  submit: 'Opret og test',
  check: 'Test igen',
  directory: 'Basis-DN',
  failures: {
    invalid_options: 'Indstillingerne kan ikke bruges, som de er angivet.',
    unencrypted_refused: 'Ukrypteret LDAP afvises: brug ldaps:// eller StartTLS.',
    host_unreachable: 'Domænecontrolleren kunne ikke nås.',
    certificate_not_trusted: 'Domænecontrollerens certifikat er ikke betroet: tilføj CA-certifikatet.',
    tls_failed: 'TLS kunne ikke sættes op med domænecontrolleren.',
    invalid_credentials: 'Bind-DN eller adgangskode er forkert (LDAP-resultat 49).',
    strong_auth_required: 'Domænecontrolleren kræver en krypteret forbindelse.',
    base_dn_not_found: 'Basis-DN findes ikke på domænecontrolleren.',
    insufficient_access: 'Tjenestekontoen må ikke læse kataloget.',
    paging_cookie_rejected: 'Domænecontrolleren ville ikke fortsætte en sidevis læsning.',
    timeout: 'Domænecontrolleren svarede ikke i tide.',
    ldap_error: 'Domænecontrolleren svarede med en fejl.',
  },
  connected: (host, users) => `Forbundet til ${host}; ${users} brugere under basis-DN.`,
  fieldRequired: 'Feltet skal udfyldes.',
  alreadyConnected: 'Virksomheden har allerede en forbindelse til denne basis-DN.',
  secretsKeyMissing: 'LDAP-forbindelser kræver, at SECRETS_KEY er sat på tjenesten (adgangskoden gemmes krypteret).',
  ldapPath: 'LDAP-sti',
  ldapPathHint: 'Kun brugere under denne DN, f.eks. OU=Staff,DC=contoso,DC=com. Tom: hele basis-DN.',
  ldapPathAzureHint:
    'Kun brugere synkroniseret fra lokal AD, hvis DN ender med denne DN (Entras onPremisesDistinguishedName). Tom: alle i gruppen.',
  ldapFilter: 'Filter',
  ldapFilterHint:
    'Et LDAP-filter, brugerne også skal opfylde (RFC 4515), f.eks. (&(department=Sales)(!(title=Intern))).',
  groupDn: 'Gruppe',
  groupDnHint: 'Søg på navn og vælg; dens medlemmer tæller, også gennem indlejrede grupper.',
  test: 'Test sti og filter',
  testResult: (count) => `${count} brugere passer.`,
  testFirst: 'De første ti:',
  testNone: 'Ingen brugere passer.',
};
