import { describe, expect, it } from 'vitest';

import {
  activeFilterCount,
  auditApiParams,
  diffRows,
  nextDay,
  readAuditFilters,
} from './auditQuery';

describe('audit filters', () => {
  it('reads filters from the address and drops malformed dates', () => {
    const filters = readAuditFilters(
      new URLSearchParams(
        'action=user.invite&from=2026-01-05&to=yesterday&actor=%20usr_1%20&outcome=denied',
      ),
    );
    expect(filters).toEqual({
      actor: 'usr_1',
      action: 'user.invite',
      target_type: '',
      target_id: '',
      from: '2026-01-05',
      to: '',
      outcome: 'denied',
    });
    expect(activeFilterCount(filters)).toBe(4);
    expect(auditApiParams(filters, '').outcome).toBe('denied');
    expect(readAuditFilters(new URLSearchParams('outcome=maybe')).outcome).toBe('');
  });

  it('asks the API for whole days, the last one included', () => {
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    const params = auditApiParams(
      { ...readAuditFilters(new URLSearchParams()), from: '2026-03-01', to: '2026-03-31' },
      'cur',
    );
    expect(params.from).toBe('2026-03-01T00:00:00Z');
    expect(params.to).toBe('2026-04-01T00:00:00Z');
    expect(params.after).toBe('cur');
    expect(params.limit).toBe('25');
    expect(params.format).toBeUndefined();
  });

  it('exports CSV without a page limit', () => {
    const params = auditApiParams(readAuditFilters(new URLSearchParams('action=x')), '', 'csv');
    expect(params).toMatchObject({ action: 'x', format: 'csv', limit: undefined });
  });
});

describe('diffRows', () => {
  it('marks changed, added and removed fields, nested ones by dotted name', () => {
    const rows = diffRows(
      { name: 'Old', seats: 3, company: { city: 'Bristol' }, gone: true },
      { name: 'New', seats: 3, company: { city: 'Bath' }, added: null },
    );
    expect(rows).toEqual([
      { field: 'name', before: 'Old', after: 'New', changed: true },
      { field: 'seats', before: '3', after: '3', changed: false },
      { field: 'company.city', before: 'Bristol', after: 'Bath', changed: true },
      { field: 'gone', before: 'true', after: '', changed: true },
      { field: 'added', before: '', after: '—', changed: true },
    ]);
  });

  it('handles a creation (no before) and plain text values', () => {
    expect(diffRows(null, 'note')).toEqual([
      { field: 'value', before: '', after: 'note', changed: true },
    ]);
    expect(diffRows(null, null)).toEqual([]);
  });
});
