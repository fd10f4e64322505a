// The rules these pages apply to API answers: report ranges, status badges, sort orders and
// the shapes the charts draw. Kept apart from the components so they can be tested alone.

import type {
  ContractStatus,
  DeviceStatus,
  NetworkPool,
  PersonalCredit,
  ProductUsageRow,
  UsageRowKind,
} from './types';

// ---- report ranges -----------------------------------------------------------------------

export const REPORT_RANGES = [
  { value: 'this_month', label: 'This month' },
  { value: '3m', label: 'Last 3 months' },
  { value: '6m', label: 'Last 6 months' },
  { value: '9m', label: 'Last 9 months' },
  { value: '12m', label: 'Last 12 months' },
] as const;

export type ReportRange = (typeof REPORT_RANGES)[number]['value'];

// The range named in the URL, or this month for anything else.
export function parseRange(value: string | null | undefined): ReportRange {
  const found = REPORT_RANGES.find((r) => r.value === value);
  return found ? found.value : 'this_month';
}

export function rangeLabel(range: ReportRange): string {
  return REPORT_RANGES.find((r) => r.value === range)?.label ?? 'This month';
}

// ---- devices -----------------------------------------------------------------------------

export const OUT_OF_DATE_DAYS = 30;

export interface BadgeLook {
  label: string;
  color: string;
  hint: string;
}

export function deviceStatusLook(status: DeviceStatus): BadgeLook {
  switch (status) {
    case 'online':
      return { label: 'Online', color: 'green', hint: 'Checked in within the last 15 minutes.' };
    case 'offline':
      return {
        label: 'Offline',
        color: 'gray',
        hint: `No check-in in the last 15 minutes, but within ${OUT_OF_DATE_DAYS} days.`,
      };
    case 'out_of_date':
      return {
        label: 'Out of date',
        color: 'orange',
        hint: `No check-in for more than ${OUT_OF_DATE_DAYS} days: the computer may be switched off, decommissioned, have had the software removed, or have stopped while updating.`,
      };
  }
}

export const DEVICE_STATUSES: { value: DeviceStatus; label: string }[] = [
  { value: 'online', label: 'Online' },
  { value: 'offline', label: 'Offline' },
  { value: 'out_of_date', label: 'Out of date' },
];

export function parseDeviceStatus(value: string | null): DeviceStatus | null {
  return DEVICE_STATUSES.find((s) => s.value === value)?.value ?? null;
}

export const DEVICE_SORT_COLUMNS = [
  { value: 'asset_name', label: 'Asset name' },
  { value: 'os', label: 'Operating system' },
  { value: 'products', label: 'Products in use' },
  { value: 'last_check_in_at', label: 'Last check-in' },
  { value: 'last_user', label: 'Last user' },
  { value: 'status', label: 'Status' },
] as const;

export type DeviceSortColumn = (typeof DEVICE_SORT_COLUMNS)[number]['value'];

export interface DeviceSort {
  column: DeviceSortColumn;
  descending: boolean;
}

export function parseDeviceSort(value: string | null): DeviceSort {
  const descending = value?.startsWith('-') ?? false;
  const name = descending ? value?.slice(1) : value;
  const column = DEVICE_SORT_COLUMNS.find((c) => c.value === name)?.value;
  return column ? { column, descending } : { column: 'asset_name', descending: false };
}

export function formatDeviceSort(sort: DeviceSort): string {
  return `${sort.descending ? '-' : ''}${sort.column}`;
}

// Clicking a column header: the same column flips, another starts ascending.
export function nextDeviceSort(current: DeviceSort, column: DeviceSortColumn): DeviceSort {
  if (current.column === column) return { column, descending: !current.descending };
  return { column, descending: false };
}

// ---- seat usage --------------------------------------------------------------------------

export function isDrillable(kind: UsageRowKind): boolean {
  return kind === 'collection' || kind === 'product_group';
}

export function usageKindLabel(kind: UsageRowKind): string {
  if (kind === 'collection') return 'Collection';
  if (kind === 'product_group') return 'Product group';
  return 'Product';
}

export interface UsageBar {
  name: string;
  users: number;
  hours: number;
}

// One bar per row, most users first, names shortened so the axis stays readable.
export function usageBars(rows: ProductUsageRow[], maxName = 28): UsageBar[] {
  return [...rows]
    .sort((a, b) => b.users - a.users || b.hours - a.hours || a.name.localeCompare(b.name))
    .map((r) => ({
      name: r.name.length > maxName ? `${r.name.slice(0, maxName - 1)}…` : r.name,
      users: r.users,
      hours: r.hours,
    }));
}

// ---- cloud credits -----------------------------------------------------------------------

export interface CreditDay {
  date: string;
  [service: string]: number | string;
}

// Personal credit rows (one per day and service) as one entry per day with a number per
// service, days in order; and the services that appear, by code.
export function creditDays(rows: PersonalCredit[]): {
  days: CreditDay[];
  services: { code: string; name: string }[];
} {
  const byDay = new Map<string, CreditDay>();
  const services = new Map<string, string>();
  for (const row of rows) {
    services.set(row.service_code, row.service_name);
    const day = byDay.get(row.date) ?? { date: row.date };
    const before = day[row.service_code];
    day[row.service_code] = (typeof before === 'number' ? before : 0) + row.credits;
    byDay.set(row.date, day);
  }
  return {
    days: [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date)),
    services: [...services.entries()]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
}

// ---- network licenses --------------------------------------------------------------------

export interface PoolDay {
  date: string;
  peak: number;
  seats: number;
  denials: number;
}

export function poolDays(pool: NetworkPool): PoolDay[] {
  return [...pool.days]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => ({ date: d.date, peak: d.peak, seats: pool.seats, denials: d.denials }));
}

// ---- contracts ---------------------------------------------------------------------------

export function contractStatusLook(status: ContractStatus): { label: string; color: string } {
  switch (status) {
    case 'active':
      return { label: 'Active', color: 'green' };
    case 'expiring':
      return { label: 'Expiring', color: 'orange' };
    case 'expired':
      return { label: 'Expired', color: 'red' };
    case 'suspended':
      return { label: 'Suspended', color: 'red' };
    case 'cancelled':
      return { label: 'Cancelled', color: 'gray' };
    case 'renewed':
      return { label: 'Renewed', color: 'blue' };
  }
}

// "79 days left", "expires today", "expired 3 days ago"; renewal notices start at 90 days.
export function expiryText(days: number): { text: string; urgent: boolean } {
  if (days > 1) return { text: `${days} days left`, urgent: days <= 90 };
  if (days === 1) return { text: '1 day left', urgent: true };
  if (days === 0) return { text: 'expires today', urgent: true };
  const ago = -days;
  return { text: `expired ${ago} day${ago === 1 ? '' : 's'} ago`, urgent: true };
}

export function termText(months: number): string {
  if (months % 12 === 0) {
    const years = months / 12;
    return `${years} year${years === 1 ? '' : 's'}`;
  }
  return `${months} month${months === 1 ? '' : 's'}`;
}

export const COMPANY_FIELDS = [
  { key: 'name', label: 'Company name' },
  { key: 'address_line1', label: 'Address line 1' },
  { key: 'address_line2', label: 'Address line 2' },
  { key: 'city', label: 'City' },
  { key: 'postal_code', label: 'Postal code' },
  { key: 'region', label: 'Region or state' },
  { key: 'country', label: 'Country (ISO code, e.g. GB)' },
] as const;

export type CompanyKey = (typeof COMPANY_FIELDS)[number]['key'];

// Only the fields that differ from what the contract holds now (trimmed).
export function companyChanges(
  current: Record<CompanyKey, string>,
  edited: Record<CompanyKey, string>,
): Partial<Record<CompanyKey, string>> {
  const out: Partial<Record<CompanyKey, string>> = {};
  for (const { key } of COMPANY_FIELDS) {
    const value = edited[key].trim();
    if (value !== current[key].trim()) out[key] = value;
  }
  return out;
}

// ---- orders ------------------------------------------------------------------------------

export function orderKindLabel(kind: string): string {
  const labels: Record<string, string> = {
    new: 'New order',
    renewal: 'Renewal',
    change: 'Change',
    add_seats: 'Seats added',
    credits: 'Cloud credits',
  };
  return labels[kind] ?? kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// One line that says what an order did, from its free-form details.
export function orderSummary(details: Record<string, unknown>): string {
  if (details.type === 'company_info' && isRecord(details.requested)) {
    const current = isRecord(details.current) ? details.current : {};
    const changes = Object.entries(details.requested).map(([key, value]) => {
      const label = COMPANY_FIELDS.find((f) => f.key === key)?.label ?? key;
      const before =
        typeof current[key] === 'string' && current[key] ? `${String(current[key])} → ` : '';
      return `${label}: ${before}${String(value) || '(empty)'}`;
    });
    return `Company information change requested — ${changes.join('; ') || 'no field changed'}`;
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parts.push(`${key.replace(/_/g, ' ')}: ${String(value)}`);
    }
  }
  return parts.join('; ') || '—';
}
