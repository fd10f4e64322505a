import { describe, expect, it } from 'vitest';

import {
  activationLabel,
  adjustSeats,
  assignCandidates,
  howToStart,
  importOutcome,
  importSummary,
  isSignInSeat,
  seatSummary,
} from './model';
import type { TeamProduct } from './model';

function product(id: string, over: Partial<TeamProduct> = {}): TeamProduct {
  return {
    subscription_id: id,
    contract: { id: 'c1', number: '1100', status: 'active' },
    kind: 'product',
    item: { id: `i-${id}`, code: id.toUpperCase(), name: `Product ${id}` },
    products: [],
    access: 'single_user',
    activation: 'sign_in',
    model: 'term',
    seats: 5,
    assigned: 3,
    available: 2,
    ends_at: '2027-01-01T00:00:00Z',
    serial_number: null,
    migrated_at: null,
    ...over,
  };
}

describe('activation and start, in plain words', () => {
  it('names the two activation methods as people know them', () => {
    expect(activationLabel('sign_in')).toBe('Sign in');
    expect(activationLabel('serial_number')).toBe('Serial number');
  });

  it('tells a named user to sign in with their own e-mail', () => {
    expect(howToStart(product('a'), 'sam@example.com')).toMatch(/sign in with sam@example\.com/);
    expect(howToStart(product('a', { activation: 'serial_number' }), 'x@y.z')).toMatch(
      /serial number and product key/,
    );
    expect(howToStart(product('a', { access: 'multi_user' }), 'x@y.z')).toMatch(/license server/);
  });
});

describe('seat counters', () => {
  it('reads "3 of 5 assigned", and floating pools say they float', () => {
    expect(seatSummary(product('a'))).toBe('3 of 5 assigned');
    expect(seatSummary(product('a', { access: 'multi_user', seats: 1 }))).toBe('1 floating seat');
  });

  it('moves only the changed pools, and never past the seats or below zero', () => {
    const list = [product('a'), product('b', { assigned: 5, available: 0 })];
    const up = adjustSeats(list, ['a', 'b'], 1);
    expect(up.map((p) => [p.assigned, p.available])).toEqual([
      [4, 1],
      [5, 0],
    ]);
    const down = adjustSeats(list, ['a'], -1);
    expect(down[0]).toMatchObject({ assigned: 2, available: 3 });
    expect(down[1]).toBe(list[1]);
    expect(adjustSeats([product('c', { assigned: 0, available: 5 })], ['c'], -1)[0]).toMatchObject({
      assigned: 0,
      available: 5,
    });
  });
});

describe('what can be given to a person', () => {
  it('adds full single-user pools the API leaves out, never network ones or held ones', () => {
    const held = [product('h')];
    const assignable = [product('a'), product('n', { access: 'multi_user' })];
    const team = [
      product('h', { available: 0, assigned: 5 }),
      product('a'),
      product('f', { available: 0, assigned: 5 }),
      product('g', { available: 0, assigned: 5, access: 'multi_user' }),
      product('x', {
        available: 0,
        assigned: 5,
        contract: { id: 'c2', number: '2', status: 'expired' },
      }),
      product('o'),
    ];
    expect(assignCandidates(held, assignable, team).map((p) => p.subscription_id)).toEqual([
      'a',
      'f',
    ]);
  });

  // "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
  // license": a serial-number one, full or not, is managed in classic user management.
  it('never offers a serial-number subscription', () => {
    const serial = { activation: 'serial_number' as const };
    const assignable = [product('s', serial), product('a')];
    const team = [product('t', { ...serial, available: 0, assigned: 5 }), product('a')];
    expect(assignCandidates([], assignable, team).map((p) => p.subscription_id)).toEqual(['a']);
    expect(isSignInSeat(product('a'))).toBe(true);
    expect(isSignInSeat(product('s', serial))).toBe(false);
    expect(isSignInSeat(product('n', { access: 'multi_user' }))).toBe(false);
  });
});

describe('CSV import results', () => {
  it('marks each outcome readably', () => {
    expect(importOutcome('invited')).toEqual({ label: 'Invited', color: 'green' });
    expect(importOutcome('already_member').label).toBe('Already in the team');
    expect(importOutcome('duplicate_in_file').color).toBe('red');
    expect(importOutcome('something_new').label).toBe('something new');
  });

  it('sums up only what happened', () => {
    expect(
      importSummary({
        summary: { invited: 2, already_member: 1, invalid: 1 },
        rows: [],
      }),
    ).toBe('2 invited, 1 already in the team, 1 not imported');
  });
});
