// The merge and split dialog's data: what a team holds, what the server answers for a move
// (or its dry run), and the request built from the person's choices.

export type TeamRole = 'primary_admin' | 'secondary_admin' | 'user';

export interface TeamSummary {
  id: string | null;
  account_id: string;
  name: string;
  created_at: string | null;
}

export interface TeamMember {
  user_id: string;
  email: string;
  name: string;
  role: TeamRole;
  status: 'invited' | 'active';
}

export interface TeamContents {
  team: TeamSummary;
  members: TeamMember[];
  contracts: { id: string; number: string; subscriptions: number; assignments: number }[];
  devices: { id: string; asset_name: string }[];
}

export interface MoveAnswer {
  dry_run: boolean;
  merge: boolean;
  from_team: TeamSummary;
  to_team: TeamSummary;
  to_team_created: boolean;
  people: {
    user_id: string;
    email: string;
    name: string;
    status: string;
    role_before: TeamRole;
    role_after: TeamRole;
    seats_ended: number;
  }[];
  contracts: {
    id: string;
    number: string;
    assignments: number;
    subscriptions: { id: string; seats: number; assigned: number }[];
  }[];
  devices: { id: string; asset_name: string; reason: 'named' | 'all' | 'contracts' }[];
  notes: { kind: string; user_id: string; message: string }[];
  webhooks_moved: number;
  from_primary_admin_id: string | null;
  to_primary_admin_id: string | null;
  notified: string[];
}

// The "into" choice that creates a team.
export const NEW_TEAM = '__new__';

export interface MoveChoice {
  mode: 'merge' | 'split';
  toTeam: string; // a team id, NEW_TEAM, or '' (not chosen yet)
  newTeamName: string;
  newTeamPrimaryAdmin: string;
  sourcePrimaryAdmin: string;
  people: string[];
  contracts: string[];
  devices: string[];
}

export const emptyChoice: MoveChoice = {
  mode: 'merge',
  toTeam: '',
  newTeamName: '',
  newTeamPrimaryAdmin: '',
  sourcePrimaryAdmin: '',
  people: [],
  contracts: [],
  devices: [],
};

export const roleLabel: Record<TeamRole, string> = {
  primary_admin: 'Primary Admin',
  secondary_admin: 'Secondary Admin',
  user: 'User',
};

// "Primary Admin → Secondary Admin", or the one role when it stays.
export function roleChange(before: TeamRole, after: TeamRole): string {
  return before === after ? roleLabel[after] : `${roleLabel[before]} → ${roleLabel[after]}`;
}

// The source's Primary Admin, when a split takes them along (the team then needs another).
export function movingPrimaryAdmin(choice: MoveChoice, contents: TeamContents): TeamMember | null {
  if (choice.mode !== 'split') return null;
  const pa = contents.members.find((m) => m.role === 'primary_admin');
  return pa && choice.people.includes(pa.user_id) ? pa : null;
}

// What is still missing before the move can be previewed; null when nothing is.
export function missingChoice(choice: MoveChoice, contents: TeamContents): string | null {
  if (!choice.toTeam) return 'Choose the team to move into.';
  if (choice.mode === 'merge') return null;
  if (choice.toTeam === NEW_TEAM) {
    if (!choice.newTeamName.trim()) return 'Name the new team.';
    if (!choice.newTeamPrimaryAdmin) return 'Choose the Primary Admin of the new team.';
  }
  if (!choice.people.length && !choice.contracts.length && !choice.devices.length) {
    return 'Choose at least one person, contract or device to move.';
  }
  if (movingPrimaryAdmin(choice, contents) && !choice.sourcePrimaryAdmin) {
    return `Choose who becomes the Primary Admin of ${contents.team.name} in their place.`;
  }
  return null;
}

// The body of POST /api/v1/teams/{team}/moves.
export function moveBody(
  choice: MoveChoice,
  contents: TeamContents,
  dryRun: boolean,
): Record<string, unknown> {
  const body: Record<string, unknown> = { dry_run: dryRun };
  if (choice.toTeam === NEW_TEAM && choice.mode === 'split') {
    body.new_team_name = choice.newTeamName.trim();
    body.new_team_primary_admin = choice.newTeamPrimaryAdmin;
  } else {
    body.to_team = choice.toTeam;
  }
  if (choice.mode === 'merge') {
    body.all = true;
    return body;
  }
  if (choice.people.length) body.people = choice.people;
  if (choice.contracts.length) body.contracts = choice.contracts;
  if (choice.devices.length) body.devices = choice.devices;
  if (movingPrimaryAdmin(choice, contents)) body.source_primary_admin = choice.sourcePrimaryAdmin;
  return body;
}
