// Shapes of the API answers the portal reads (see api/openapi.yaml).

export type TeamRole = 'primary_admin' | 'secondary_admin' | 'user';
export type ContractRole = 'contract_manager' | 'software_coordinator';

export interface User {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
  totp_enrolled: boolean;
  is_operator: boolean;
  reseller_id: string | null;
  last_sign_in_at: string | null;
  created_at: string;
}

export interface MeMembership {
  team_id: string;
  team_name: string;
  account_id: string;
  role: TeamRole;
  status: string;
}

export interface MeContract {
  contract_id: string;
  number: string;
  team_id: string;
  role: ContractRole;
}

export interface Me {
  user: User;
  memberships: MeMembership[];
  contracts: MeContract[];
}

export interface SignInAnswer {
  user: User;
  csrf_token: string;
  expires_at: string;
  mfa_required: boolean;
}

// The one shape of a list answer: the items and the cursor of the next page (null on the last).
export interface CursorPage<T> {
  items: T[];
  next_after: string | null;
}
