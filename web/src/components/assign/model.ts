// What the assignment and user pages read from the API, and the plain-language words and
// counters they show (see api/openapi.yaml: team products, holders, members, CSV import).

export type Activation = 'sign_in' | 'serial_number';
export type Access = 'single_user' | 'multi_user';

export interface TeamProduct {
  subscription_id: string;
  contract: { id: string; number: string; status: string };
  kind: string; // product | collection | service
  item: { id: string; code: string; name: string };
  products: { id: string; code: string; name: string }[];
  access: Access;
  activation: Activation;
  model: string;
  seats: number;
  assigned: number;
  available: number;
  ends_at: string;
  serial_number: string | null;
  migrated_at: string | null;
  assignment_id?: string;
  assigned_at?: string;
}

export interface Member {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
  last_sign_in_at: string | null;
  role: 'primary_admin' | 'secondary_admin' | 'user';
  membership_status: 'invited' | 'active' | 'removed';
  pending: boolean;
  invitation_expired?: boolean; // the latest invitation ran out unaccepted
  invited_at: string;
  accepted_at: string | null;
}

export type { CursorPage } from '../../api/types';

export interface UserProducts {
  user: { id: string; email: string; first_name: string; last_name: string };
  items: TeamProduct[];
  assignable?: TeamProduct[];
}

export interface Holder {
  user_id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string | null;
  primary_admin: boolean;
  contract_manager: boolean;
  assignment_id: string;
  assigned_at: string;
  assigned_by: string | null;
}

export interface ImportRow {
  row: number;
  line: number;
  email: string;
  result: string;
  message: string;
  user_id: string | null;
}

export interface ImportAnswer {
  summary: {
    // Whether an invited address already had an account is never told.
    invited: number;
    already_member: number;
    invalid: number;
  };
  rows: ImportRow[];
}

export interface ClassicUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  membership_status: string;
  subscription_ids: string[];
}

export interface ClassicUsers {
  contract: { id: string; number: string; status: string };
  subscriptions: TeamProduct[];
  items: ClassicUser[];
}

// "Sign in" or "Serial number": the one thing people could not tell apart.
export function activationLabel(activation: string): string {
  return activation === 'serial_number' ? 'Serial number' : 'Sign in';
}

export function accessLabel(access: string): string {
  return access === 'multi_user' ? 'Multi-user (network)' : 'Single-user';
}

export function modelLabel(model: string): string {
  switch (model) {
    case 'term':
      return 'Term subscription';
    case 'perpetual_maintenance':
      return 'Perpetual on maintenance';
    case 'perpetual':
      return 'Perpetual';
    default:
      return model;
  }
}

export function kindLabel(kind: string): string {
  switch (kind) {
    case 'collection':
      return 'Collection';
    case 'service':
      return 'Service';
    default:
      return 'Product';
  }
}

export function roleLabel(role: string | null | undefined): string {
  switch (role) {
    case 'primary_admin':
      return 'Primary Admin';
    case 'secondary_admin':
      return 'Secondary Admin';
    case 'user':
      return 'User';
    default:
      return '—';
  }
}

export function isFloating(p: Pick<TeamProduct, 'access'>): boolean {
  return p.access === 'multi_user';
}

// A single-user sign-in seat: what By user and By product assign. Serial-number access is
// managed in classic user management and network seats are shared.
export function isSignInSeat(p: Pick<TeamProduct, 'access' | 'activation'>): boolean {
  return p.access === 'single_user' && p.activation === 'sign_in';
}

// "3 of 5 assigned" (or, for a network pool, how many seats float).
export function seatSummary(p: Pick<TeamProduct, 'access' | 'seats' | 'assigned'>): string {
  if (isFloating(p)) return `${p.seats} floating seat${p.seats === 1 ? '' : 's'}`;
  return `${p.assigned} of ${p.seats} assigned`;
}

// The counters of `subscriptionIds` after `delta` seats each were assigned (+) or freed (−),
// so the page shows the change before the server's next answer arrives.
export function adjustSeats<
  T extends Pick<TeamProduct, 'subscription_id' | 'assigned' | 'available' | 'seats'>,
>(products: T[], subscriptionIds: readonly string[], delta: number): T[] {
  const ids = new Set(subscriptionIds);
  return products.map((p) => {
    if (!ids.has(p.subscription_id)) return p;
    const assigned = Math.min(p.seats, Math.max(0, p.assigned + delta));
    return { ...p, assigned, available: p.seats - assigned };
  });
}

// The one-line start for a product: what to do after installing it.
export function howToStart(p: Pick<TeamProduct, 'activation' | 'access'>, email: string): string {
  if (isFloating(p)) {
    return 'Install, open and point it at your company’s license server: a seat is taken from the pool while it runs and given back when you close it.';
  }
  if (p.activation === 'serial_number') {
    return 'Install, open, choose “Enter a serial number” and type the serial number and product key shown here.';
  }
  return `Install, open, choose “Sign in” and sign in with ${email}. No serial number is needed.`;
}

export type OutcomeColor = 'green' | 'gray' | 'red';

// How each CSV row's outcome reads and how it is marked.
export function importOutcome(result: string): { label: string; color: OutcomeColor } {
  switch (result) {
    case 'invited':
      return { label: 'Invited', color: 'green' };
    case 'already_member':
      return { label: 'Already in the team', color: 'gray' };
    case 'invalid_email':
      return { label: 'Invalid e-mail', color: 'red' };
    case 'missing_field':
      return { label: 'Missing field', color: 'red' };
    case 'invalid_field':
      return { label: 'Invalid field', color: 'red' };
    case 'duplicate_in_file':
      return { label: 'Duplicate in file', color: 'red' };
    default:
      return { label: result.replace(/_/g, ' '), color: 'red' };
  }
}

export function importSummary(answer: ImportAnswer): string {
  const s = answer.summary;
  const parts = [`${s.invited} invited`];
  if (s.already_member) parts.push(`${s.already_member} already in the team`);
  if (s.invalid) parts.push(`${s.invalid} not imported`);
  return parts.join(', ');
}

export const CSV_COLUMNS = ['first_name', 'last_name', 'email'] as const;

export const SAMPLE_CSV =
  'first_name,last_name,email\nJane,Doe,jane.doe@example.com\nJohn,Smith,john.smith@example.com\n';

export function personName(p: { first_name: string; last_name: string; email: string }): string {
  return `${p.first_name} ${p.last_name}`.trim() || p.email;
}

// What an admin can try to give a person: the API's assignable products plus the team's
// single-user pools that are full (the API leaves those out; trying one shows who holds the
// seats). Network pools are never assigned.
export function assignCandidates(
  held: readonly TeamProduct[],
  assignable: readonly TeamProduct[],
  team: readonly TeamProduct[],
): TeamProduct[] {
  const taken = new Set(held.map((p) => p.subscription_id));
  const listed = new Set(assignable.map((p) => p.subscription_id));
  const full = team.filter(
    (p) =>
      !taken.has(p.subscription_id) &&
      !listed.has(p.subscription_id) &&
      isSignInSeat(p) &&
      p.available <= 0 &&
      p.contract.status !== 'expired',
  );
  return [...assignable.filter((p) => isSignInSeat(p) && !taken.has(p.subscription_id)), ...full];
}
