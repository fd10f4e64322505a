import { describe, expect, it } from 'vitest';

import {
  companyChanges,
  creditDays,
  deviceStatusLook,
  expiryText,
  formatDeviceSort,
  isDrillable,
  nextDeviceSort,
  orderSummary,
  parseDeviceSort,
  parseDeviceStatus,
  parseRange,
  poolDays,
  termText,
  usageBars,
} from './logic';
import type { NetworkPool, ProductUsageRow } from './types';

describe('report ranges', () => {
  it('accepts the five ranges and falls back to this month', () => {
    for (const range of ['this_month', '3m', '6m', '9m', '12m']) {
      expect(parseRange(range)).toBe(range);
    }
    expect(parseRange(null)).toBe('this_month');
    expect(parseRange('24m')).toBe('this_month');
    expect(parseRange('3M')).toBe('this_month');
  });
});

describe('device status badges', () => {
  it('names each status and explains out of date as 30 days without a check-in', () => {
    expect(deviceStatusLook('online')).toMatchObject({ label: 'Online', color: 'green' });
    expect(deviceStatusLook('offline')).toMatchObject({ label: 'Offline', color: 'gray' });
    const stale = deviceStatusLook('out_of_date');
    expect(stale).toMatchObject({ label: 'Out of date', color: 'orange' });
    expect(stale.hint).toMatch(/more than 30 days/);
  });

  it('reads only known statuses from the URL', () => {
    expect(parseDeviceStatus('out_of_date')).toBe('out_of_date');
    expect(parseDeviceStatus('stale')).toBeNull();
    expect(parseDeviceStatus(null)).toBeNull();
  });
});

describe('device sort', () => {
  it('parses a column with an optional minus, defaulting to asset name', () => {
    expect(parseDeviceSort('-last_check_in_at')).toEqual({
      column: 'last_check_in_at',
      descending: true,
    });
    expect(parseDeviceSort('os')).toEqual({ column: 'os', descending: false });
    expect(parseDeviceSort('-registered_at; drop')).toEqual({
      column: 'asset_name',
      descending: false,
    });
    expect(parseDeviceSort(null)).toEqual({ column: 'asset_name', descending: false });
  });

  it('flips the same column and starts another ascending', () => {
    const byName = parseDeviceSort(null);
    const flipped = nextDeviceSort(byName, 'asset_name');
    expect(formatDeviceSort(flipped)).toBe('-asset_name');
    expect(formatDeviceSort(nextDeviceSort(flipped, 'asset_name'))).toBe('asset_name');
    expect(formatDeviceSort(nextDeviceSort(flipped, 'status'))).toBe('status');
  });
});

describe('seat usage chart data', () => {
  const row = (over: Partial<ProductUsageRow>): ProductUsageRow => ({
    kind: 'product',
    id: 'p',
    code: 'P',
    name: 'Product',
    sessions: 1,
    seconds: 3600,
    hours: 1,
    users: 1,
    products: 1,
    ...over,
  });

  it('puts most users first, then most hours, and shortens long names', () => {
    const bars = usageBars(
      [
        row({ name: 'Few', users: 1, hours: 9 }),
        row({ name: 'Architecture, Engineering & Construction Collection', users: 4 }),
        row({ name: 'Busy', users: 1, hours: 20 }),
      ],
      20,
    );
    expect(bars.map((b) => b.name)).toEqual(['Architecture, Engin…', 'Busy', 'Few']);
    expect(bars[0]).toMatchObject({ users: 4 });
    expect(bars[0]?.name).toHaveLength(20);
  });

  it('drills down from collections and product groups only', () => {
    expect(isDrillable('collection')).toBe(true);
    expect(isDrillable('product_group')).toBe(true);
    expect(isDrillable('product')).toBe(false);
  });
});

describe('cloud credits by day', () => {
  it('adds up each service per day, days in order', () => {
    const { days, services } = creditDays([
      {
        date: '2026-11-02',
        service_id: 's1',
        service_code: 'RND',
        service_name: 'Rendering',
        credits: 5,
      },
      {
        date: '2026-11-01',
        service_id: 's2',
        service_code: 'SIM',
        service_name: 'Simulation',
        credits: 2,
      },
      {
        date: '2026-11-02',
        service_id: 's1',
        service_code: 'RND',
        service_name: 'Rendering',
        credits: 3,
      },
    ]);
    expect(days).toEqual([
      { date: '2026-11-01', SIM: 2 },
      { date: '2026-11-02', RND: 8 },
    ]);
    expect(services).toEqual([
      { code: 'RND', name: 'Rendering' },
      { code: 'SIM', name: 'Simulation' },
    ]);
  });
});

describe('network pool days', () => {
  it('draws the seats owned beside each day, days in order', () => {
    const pool: NetworkPool = {
      subscription_id: 'sub',
      contract_id: 'ctr',
      product_id: 'prd',
      product_code: 'STR',
      product_name: 'Structa',
      seats: 5,
      peak: 5,
      checkouts: 9,
      denials: 2,
      borrowed: 0,
      days: [
        { date: '2026-11-03', peak: 5, checkouts: 6, denials: 2, borrowed: 0 },
        { date: '2026-11-01', peak: 2, checkouts: 3, denials: 0, borrowed: 0 },
      ],
    };
    expect(poolDays(pool)).toEqual([
      { date: '2026-11-01', peak: 2, seats: 5, denials: 0 },
      { date: '2026-11-03', peak: 5, seats: 5, denials: 2 },
    ]);
  });
});

describe('contracts', () => {
  it('says how long is left and marks the renewal window as urgent', () => {
    expect(expiryText(400)).toEqual({ text: '400 days left', urgent: false });
    expect(expiryText(90)).toEqual({ text: '90 days left', urgent: true });
    expect(expiryText(1)).toEqual({ text: '1 day left', urgent: true });
    expect(expiryText(0)).toEqual({ text: 'expires today', urgent: true });
    expect(expiryText(-1)).toEqual({ text: 'expired 1 day ago', urgent: true });
    expect(expiryText(-12).text).toBe('expired 12 days ago');
  });

  it('reads terms in years when whole', () => {
    expect(termText(12)).toBe('1 year');
    expect(termText(36)).toBe('3 years');
    expect(termText(18)).toBe('18 months');
    expect(termText(1)).toBe('1 month');
  });

  const company = {
    name: 'Contoso Engineering Ltd',
    address_line1: '12 Harbour Road',
    address_line2: 'Unit 4',
    city: 'Bristol',
    postal_code: 'BS1 5TR',
    region: '',
    country: 'GB',
  };

  it('sends only the company fields that changed, trimmed', () => {
    expect(companyChanges(company, { ...company })).toEqual({});
    expect(
      companyChanges(company, { ...company, name: '  Contoso Group ', city: 'Bristol ' }),
    ).toEqual({
      name: 'Contoso Group',
    });
    expect(companyChanges(company, { ...company, address_line2: '' })).toEqual({
      address_line2: '',
    });
  });

  it('summarises a company change request from its details', () => {
    expect(
      orderSummary({
        type: 'company_info',
        requested: { name: 'Contoso Group', region: 'Avon' },
        current: company,
      }),
    ).toBe(
      'Company information change requested — Company name: Contoso Engineering Ltd → Contoso Group; Region or state: Avon',
    );
    expect(orderSummary({ seats: 5, product: 'DRL', nested: { a: 1 } })).toBe(
      'seats: 5; product: DRL',
    );
    expect(orderSummary({})).toBe('—');
  });
});
