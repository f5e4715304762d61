/**
 * Word lists for the seeded directory. Chosen to break naive code: diacritics, ligatures, non-Latin
 * scripts, apostrophes, multi-word surnames, and names that fold to the same ASCII form.
 */

/** The first users of every seeded tenant, so even a 5-user tenant shows the awkward cases. */
export const showcaseNames: readonly (readonly [string, string])[] = [
  ['Søren', 'Ærø'],
  ['Zoë', 'Ødegaard'],
  ['José', 'Núñez'],
  ['Anaïs', 'Dubois'],
  ['Łukasz', 'Kowalski'],
  ['Siobhán', "O'Brien"],
  ['Björn', 'Lindström'],
  ['Mei', '李'],
];

export const givenNames: readonly string[] = [
  'Søren', 'Zoë', 'José', 'María', 'François', 'Jürgen', 'Björn', 'Åsa', 'Ægir', 'Łukasz', 'Zoltán', 'Chloé',
  'Noël', 'Anaïs', 'Siobhán', 'Ngozi', 'Wei', 'Yuki', 'Priya', 'Aarav', 'Fatima', 'Mohammed', 'Olga', 'Dmitri',
  'Inês', 'João', 'Renée', 'Ólafur', 'Þóra', 'Giulia', 'Chiara', 'Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Elijah',
  'Sophia', 'Lucas', 'Mia', 'Oliver', 'Amelia', 'Ethan', 'Harper', 'Mateo', 'Camila', 'Freja', 'Magnus', 'Ingrid',
  'Astrid', 'Kwame', 'Aisha', 'Hiroshi', 'Sakura', 'Raúl', 'Lucía', 'Ana', 'Mark', 'Maria', 'David', 'Sarah',
  'Ren', 'Jun', 'Sven', 'Kai', 'Nikolai', 'Tomás', 'Zeynep', 'Emre', 'Ayşe', 'Çağla', 'Dóra', 'Bjørn', 'Ida',
  'Αλέξανδρος', 'Дмитрий', '美咲',
];

export const surnames: readonly string[] = [
  'Ærø', 'Smith', 'Johnson', 'García', 'Müller', 'Østergaard', 'Núñez', 'Dubois', 'Kowalski', 'Nguyen', 'Kim',
  "O'Brien", 'van der Berg', 'Søndergaard', 'Łukasiewicz', 'Çelik', 'Öztürk', 'Hernández', 'Björklund',
  'Lindström', 'Ødegaard', 'Fernández', "D'Angelo", 'Singh', 'Patel', 'Tanaka', 'Chen', 'Wang', 'Okafor',
  'Mensah', 'Rossi', 'Bianchi', 'Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Larsen', 'Sørensen',
  'Rasmussen', 'Jørgensen', 'Petersen', 'Kristensen', 'Brown', 'Taylor', 'Wilson', 'Martínez', 'López', 'Silva',
  'Santos', 'Costa', 'Yılmaz', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Novák', 'Dvořák', 'Horváth',
  'Nagy', 'Papadopoulos', 'Ivanova', 'de la Cruz', 'Mac Giolla', 'Al-Hashimi', 'Ahmed', 'Khan', 'Sato',
  'Suzuki', 'Takahashi', 'Park', 'Lee', 'Choi', 'Zhang', 'Liu', 'Παπαδόπουλος', 'Иванов', '佐藤',
];

/** Department name → job titles; the department groups of a seeded tenant come from here. */
export const departments: readonly (readonly [string, readonly string[]])[] = [
  ['Engineering', ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'Site Reliability Engineer', 'QA Engineer']],
  ['Sales', ['Account Executive', 'Sales Development Representative', 'Regional Sales Director']],
  ['Marketing', ['Product Marketing Manager', 'Content Strategist', 'Brand Designer']],
  ['Finance', ['Financial Analyst', 'Controller', 'Accounts Payable Specialist']],
  ['Human Resources', ['HR Business Partner', 'Recruiter', 'People Operations Specialist']],
  ['Customer Support', ['Support Engineer', 'Customer Success Manager', 'Support Team Lead']],
  ['Operations', ['Operations Manager', 'Facilities Coordinator', 'Procurement Specialist']],
  ['Legal', ['Legal Counsel', 'Paralegal', 'Compliance Officer']],
];

export const teamNames: readonly string[] = [
  'Aurora', 'Borealis', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Glacier', 'Harbor', 'Iris', 'Juniper', 'Kestrel',
  'Lumen', 'Meridian', 'Nimbus', 'Orchid', 'Polaris', 'Quartz', 'Raven', 'Summit', 'Tundra', 'Umbra', 'Vega',
];

export const offices: readonly string[] = [
  'København HQ 2.14', 'Aarhus 1.03', 'Madrid Oficina 4', 'München 3.OG', 'Building 4/1203', 'Seattle 18/2111',
  'Tokyo 7F', 'São Paulo Sala 12', 'Remote',
];

export const preferredLanguages: readonly (string | null)[] = ['en-US', 'da-DK', 'es-ES', 'fr-FR', 'de-DE', 'ja-JP', null];

export const phonePrefixes: readonly string[] = ['+45', '+1 425', '+34', '+49', '+33', '+81', '+55'];
