// What the signed-in person may see in a team, from /api/v1/me. The API refuses anything
// not granted whatever the portal shows; these rules only decide which pages appear.

import type { Me, TeamRole } from '../api/types';

export interface TeamAccess {
  teamId: string;
  teamName: string;
  role: TeamRole | null; // null: not a member (an operator or reseller looking in)
  isPrimaryAdmin: boolean;
  isAdmin: boolean; // Primary or Secondary Admin
  isContractManager: boolean; // of at least one contract of this team
  isSoftwareCoordinator: boolean;
  isOperator: boolean;
  isReseller: boolean;
}

export function teamAccess(me: Me, teamId: string): TeamAccess {
  const membership = me.memberships.find((m) => m.team_id === teamId && m.status === 'active');
  const contracts = me.contracts.filter((c) => c.team_id === teamId);
  const role = membership?.role ?? null;
  return {
    teamId,
    teamName: membership?.team_name ?? teamId,
    role,
    isPrimaryAdmin: role === 'primary_admin',
    isAdmin: role === 'primary_admin' || role === 'secondary_admin',
    isContractManager: contracts.some((c) => c.role === 'contract_manager'),
    isSoftwareCoordinator: contracts.some((c) => c.role === 'software_coordinator'),
    isOperator: me.user.is_operator,
    isReseller: me.user.reseller_id !== null,
  };
}

// The permission matrix, as pages.
export const can = {
  manageUsers: (a: TeamAccess) => a.isAdmin || a.isOperator,
  assign: (a: TeamAccess) => a.isAdmin || a.isSoftwareCoordinator || a.isOperator,
  classicUsers: (a: TeamAccess) => a.isAdmin || a.isSoftwareCoordinator || a.isContractManager,
  devices: (a: TeamAccess) => a.isAdmin || a.isSoftwareCoordinator || a.isOperator,
  teamReports: (a: TeamAccess) =>
    a.isAdmin || a.isSoftwareCoordinator || a.isContractManager || a.isOperator,
  billing: (a: TeamAccess) => a.isContractManager || a.isOperator,
  audit: (a: TeamAccess) => a.isAdmin || a.isOperator,
  webhooks: (a: TeamAccess) => a.isAdmin,
};

// The teams the person works in, active memberships first by name.
export function activeTeams(me: Me): { id: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const m of me.memberships) {
    if (m.status === 'active' && !seen.has(m.team_id)) seen.set(m.team_id, m.team_name);
  }
  return [...seen.entries()]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function displayName(user: { first_name: string; last_name: string; email: string }) {
  const name = `${user.first_name} ${user.last_name}`.trim();
  return name || user.email;
}
