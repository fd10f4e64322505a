// The audit log's filters as they live in the address, and what the API is asked.

export interface AuditFilters {
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  from: string; // YYYY-MM-DD, first day included
  to: string; // YYYY-MM-DD, last day included
  outcome: '' | 'allowed' | 'denied'; // '' for both
}

export const emptyAuditFilters: AuditFilters = {
  actor: '',
  action: '',
  target_type: '',
  target_id: '',
  from: '',
  to: '',
  outcome: '',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function outcomeOf(value: string | null): AuditFilters['outcome'] {
  return value === 'allowed' || value === 'denied' ? value : '';
}

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const get = (key: keyof AuditFilters) => (params.get(key) ?? '').trim();
  return {
    actor: get('actor'),
    action: get('action'),
    target_type: get('target_type'),
    target_id: get('target_id'),
    from: DAY.test(get('from')) ? get('from') : '',
    to: DAY.test(get('to')) ? get('to') : '',
    outcome: outcomeOf(get('outcome')),
  };
}

// The day after `day` (YYYY-MM-DD), as the API's exclusive upper bound.
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

// Query parameters for GET …/audit: dates become whole UTC days.
export function auditApiParams(
  filters: AuditFilters,
  after: string,
  format: 'json' | 'csv' = 'json',
): Record<string, string | undefined> {
  return {
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    target_type: filters.target_type || undefined,
    target_id: filters.target_id || undefined,
    from: filters.from ? `${filters.from}T00:00:00Z` : undefined,
    to: filters.to ? `${nextDay(filters.to)}T00:00:00Z` : undefined,
    outcome: filters.outcome || undefined,
    after: after || undefined,
    limit: format === 'json' ? '25' : undefined,
    format: format === 'csv' ? 'csv' : undefined,
  };
}

export function activeFilterCount(filters: AuditFilters): number {
  return Object.values(filters).filter((v) => v !== '').length;
}

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  changed: boolean;
}

function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function flatten(value: unknown, prefix: string, into: Map<string, unknown>) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into.set(prefix, value);
    for (const [key, inner] of entries) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    return;
  }
  into.set(prefix || 'value', value);
}

// Before and after of an entry, field by field (nested objects as dotted names), changed
// fields marked; fields in either side appear once, in the order first seen.
export function diffRows(before: unknown, after: unknown): DiffRow[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, '', a);
  if (after !== null && after !== undefined) flatten(after, '', b);
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  return fields.map((field) => {
    const left = show(a.get(field));
    const right = show(b.get(field));
    return { field, before: left, after: right, changed: left !== right };
  });
}
