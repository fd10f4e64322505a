// Shapes of the device, report and contract answers these pages read (api/openapi.yaml).

export type DeviceStatus = 'online' | 'offline' | 'out_of_date';

export interface PersonRef {
  id: string;
  name: string;
  email: string;
}

export interface ProductRef {
  id: string;
  code: string;
  name: string;
}

export interface Device {
  id: string;
  asset_name: string;
  os: string;
  app_version: string;
  status: DeviceStatus;
  last_check_in_at: string | null;
  last_user: PersonRef | null;
  products: ProductRef[];
  description: string;
  default_product_access: boolean;
  default_update_access: boolean;
  registered_at: string;
  updated_at: string;
}

export interface DeviceActivation {
  id: string;
  kind: string;
  product: ProductRef;
  subscription_id: string;
  user: PersonRef | null;
  issued_at: string;
  expires_at: string;
  offline_grace_until: string;
}

export interface DeviceLease {
  id: string;
  product: ProductRef;
  subscription_id: string;
  user_name: string;
  host: string;
  checked_out_at: string;
  heartbeat_at: string;
  expires_at: string;
  borrowed_until: string | null;
}

export interface DeviceDetails extends Device {
  activations: DeviceActivation[];
  leases: DeviceLease[];
}

export type { CursorPage } from '../../api/types';

export type ReportScope = 'team' | 'contracts' | 'self';

export interface ReportWindow {
  name: string;
  from: string;
  to: string;
}

export type UsageRowKind = 'collection' | 'product_group' | 'product';

export interface ProductUsageRow {
  kind: UsageRowKind;
  id: string;
  code: string;
  name: string;
  sessions: number;
  seconds: number;
  hours: number;
  users: number;
  products: number;
}

export interface UserUsageRow {
  user_id: string;
  name: string;
  email: string;
  products: number;
  sessions: number;
  seconds: number;
  hours: number;
  last_used: string;
}

export interface SeatUsageReport {
  range: ReportWindow;
  scope: ReportScope;
  by: 'product' | 'user';
  totals: { users: number; products: number; single_user_seats: number };
  group: { kind: 'collection' | 'product_group'; id: string; code: string; name: string } | null;
  items: (ProductUsageRow | UserUsageRow)[];
}

export interface PersonalCredit {
  date: string;
  service_id: string;
  service_code: string;
  service_name: string;
  credits: number;
}

export interface CreditReport {
  range: ReportWindow;
  scope: ReportScope;
  personal_total: number;
  personal: PersonalCredit[];
  users: { user_id: string; name: string; email: string; credits: number }[];
  contracts: {
    contract_id: string;
    number: string;
    consumers: number;
    used: number;
    balance: number;
  }[];
}

export interface NetworkDay {
  date: string;
  peak: number;
  checkouts: number;
  denials: number;
  borrowed: number;
}

export interface NetworkPool {
  subscription_id: string;
  contract_id: string;
  product_id: string;
  product_code: string;
  product_name: string;
  seats: number;
  peak: number;
  checkouts: number;
  denials: number;
  borrowed: number;
  days: NetworkDay[];
}

export interface NetworkReport {
  range: ReportWindow;
  scope: ReportScope;
  subscriptions: NetworkPool[];
}

export type ContractStatus =
  'active' | 'expiring' | 'expired' | 'suspended' | 'cancelled' | 'renewed';

export interface ContractSummary {
  id: string;
  number: string;
  subscription_ref: string;
  term_months: number;
  starts_at: string;
  ends_at: string;
  days_to_expiry: number;
  status: ContractStatus;
  team: { id: string; name: string };
  account_id: string;
  company_name: string;
  credit_balance: number;
}

export interface CompanyInfo {
  name: string;
  address_line1: string;
  address_line2: string;
  city: string;
  postal_code: string;
  region: string;
  country: string;
}

export interface ProductLine {
  subscription_id: string;
  kind: 'product' | 'collection' | 'service';
  product_id: string | null;
  collection_id: string | null;
  service_id: string | null;
  code: string;
  name: string;
  seats: number;
  assigned: number;
  access: 'single_user' | 'multi_user';
  activation: 'sign_in' | 'serial_number';
  model: string;
  serial_number: string | null;
  product_key: string | null;
  expires_at: string;
  migrated_at: string | null;
}

export interface Order {
  id: string;
  kind: string;
  created_at: string;
  placed_by: string | null;
  details: Record<string, unknown>;
}

// A company information change request and what became of it.
export interface CompanyChangeRequest extends Order {
  status: 'open' | 'applied' | 'declined';
  decided_by: PersonRef | null;
  decided_at: string | null;
  reason: string | null;
}

// A contract the signed-in person was granted use of (GET /api/v1/me/contracts).
export interface MyContractUse {
  kind: 'product' | 'service';
  code: string;
  name: string;
  via: 'seat' | 'classic' | 'network';
  expires_at: string;
}

export interface MyContract {
  contract_id: string;
  number: string;
  status: ContractStatus;
  starts_at: string;
  ends_at: string;
  team: { id: string; name: string };
  uses: MyContractUse[];
}

export interface ContractDetails extends ContractSummary {
  company: CompanyInfo;
  contract_manager: PersonRef | null;
  software_coordinator: PersonRef | null;
  products: ProductLine[];
  orders: Order[];
}

export interface CreditEntry {
  id: string;
  reason: 'purchase' | 'adjustment' | 'refund' | 'consumption';
  amount: number;
  balance_after: number;
  user_id: string | null;
  service_id: string | null;
  actor_id: string | null;
  event_id: string | null;
  note: string;
  at: string;
}

export interface CreditLedger {
  balance: number;
  items: CreditEntry[];
  next_after: string | null;
}

export interface MemberChange {
  user_id: string;
  name: string;
  email: string;
  membership_status: string;
  at: string;
}

export interface RenewalLine extends ProductLine {
  unassigned: number;
  unused: number;
  unused_users: { user_id: string; name: string; email: string; assigned_at: string }[];
}

export interface RenewalReview {
  contract_id: string;
  number: string;
  ends_at: string;
  as_of: string;
  unused_since: string;
  members_since: string;
  unused_total: number;
  subscriptions: RenewalLine[];
  added: MemberChange[];
  removed: MemberChange[];
}
