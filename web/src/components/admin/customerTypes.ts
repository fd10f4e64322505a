// Shapes of the account, contract and catalog answers the consoles read.

import type { CompanyInfo } from '../insight/types';

// The company block is the same one the contract pages show.
export type Company = CompanyInfo;

export interface Account {
  id: string;
  reseller_id: string | null;
  company: Company;
  created_at: string;
}

export interface AccountContract {
  id: string;
  number: string;
  team_id: string;
  status: string;
  ends_at: string;
  starts_at: string;
  term_months: number;
  subscription_ref: string;
  credit_balance: number;
}

export interface AccountDetails extends Account {
  teams: { id: string; name: string }[];
  contracts: AccountContract[];
}

export interface Person {
  id: string;
  name: string;
  email: string;
}

export interface ContractLine {
  subscription_id: string;
  kind: string;
  code: string;
  name: string;
  seats: number;
  assigned: number;
  access: string;
  activation: string;
  model: string;
  serial_number: string | null;
  product_key: string | null;
  expires_at: string;
  migrated_at: string | null;
}

export interface ContractOrder {
  id: string;
  kind: string;
  created_at: string;
  placed_by: string | null;
  details: Record<string, unknown>;
}

export interface ContractDetails {
  id: string;
  number: string;
  subscription_ref: string;
  term_months: number;
  starts_at: string;
  ends_at: string;
  days_to_expiry: number;
  status: string;
  team: { id: string; name: string };
  account_id: string;
  company_name: string;
  credit_balance: number;
  contract_manager: Person | null;
  software_coordinator: Person | null;
  products: ContractLine[];
  orders: ContractOrder[];
}

export interface MigrationAnswer {
  contract_id: string;
  dry_run: boolean;
  migrated: {
    subscription_id: string;
    product: string;
    serial_number: string;
    seats: number;
    assignments_ended: number;
    activations_revoked: number;
    seats_held_by: string | null;
  }[];
  skipped: { subscription_id: string; product: string; reason: string }[];
}

export interface CatalogItem {
  id: string;
  code: string;
  name: string;
}

export interface Product extends CatalogItem {
  release: string;
  description: string;
  retired: boolean;
}

export interface ProductSet extends CatalogItem {
  product_ids: string[];
}

export interface Service extends CatalogItem {
  kind: string;
  description: string;
}

export type { CursorPage } from '../../api/types';

export const accessLabel: Record<string, string> = {
  single_user: 'Single-user',
  multi_user: 'Multi-user (network)',
};
export const activationLabel: Record<string, string> = {
  sign_in: 'Sign in',
  serial_number: 'Serial number',
};
export const modelLabel: Record<string, string> = {
  term: 'Term subscription',
  perpetual_maintenance: 'Perpetual on maintenance',
  perpetual: 'Perpetual',
};
