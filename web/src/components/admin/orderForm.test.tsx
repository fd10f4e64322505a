import { describe, expect, it } from 'vitest';

import { emptyOrder, mapOrderErrors, newLine, orderBody, validateOrder } from './orderForm';

describe('order form', () => {
  it('needs a term, a product and seats on every line', () => {
    const form = emptyOrder('team_1');
    form.term_months = '0';
    form.lines = [{ ...newLine(), seats: '0' }];
    expect(validateOrder(form)).toEqual({
      term_months: 'From 1 to 60 months.',
      'lines.0.code': 'Choose what this line sells.',
      'lines.0.seats': 'At least 1 seat.',
    });
    form.term_months = '36';
    form.lines = [{ ...newLine(), code: 'DRL', seats: '5' }];
    expect(validateOrder(form)).toEqual({});
  });

  it('sends the code under the field of its kind, and only what was filled in', () => {
    const form = emptyOrder('team_1');
    form.contract_manager_email = ' cm@example.com ';
    form.starts_on = '2026-12-01';
    form.lines = [
      { ...newLine(), code: 'DRL', seats: '3', activation: 'serial_number' },
      {
        ...newLine(),
        kind: 'collection',
        code: 'AEC',
        seats: '2',
        access: 'multi_user',
        activation: 'serial_number',
      },
      { ...newLine(), kind: 'service', code: 'SUP', seats: '1' },
    ];
    expect(orderBody(form)).toEqual({
      team_id: 'team_1',
      term_months: 12,
      starts_at: '2026-12-01T00:00:00Z',
      contract_manager_email: 'cm@example.com',
      subscriptions: [
        {
          product_code: 'DRL',
          seats: 3,
          access: 'single_user',
          activation: 'serial_number',
          model: 'term',
        },
        // network seats are always taken by signing in
        {
          collection_code: 'AEC',
          seats: 2,
          access: 'multi_user',
          activation: 'sign_in',
          model: 'term',
        },
        { service_code: 'SUP', seats: 1 },
      ],
    });
  });

  it('maps the API field errors onto the form', () => {
    expect(
      mapOrderErrors([
        { field: 'subscriptions[1].seats', message: 'must be an integer from 1 to 1000000' },
        { field: 'subscriptions[0].product_code', message: 'no such product' },
        { field: 'subscriptions[2]', message: 'must be an object' },
        { field: 'starts_at', message: 'must be an RFC 3339 date-time' },
        { field: 'contract_manager_email', message: 'no such user' },
        { field: 'mystery', message: 'odd' },
      ]),
    ).toEqual({
      'lines.1.seats': 'must be an integer from 1 to 1000000',
      'lines.0.code': 'no such product',
      'lines.2.code': 'must be an object',
      starts_on: 'must be an RFC 3339 date-time',
      contract_manager_email: 'no such user',
      form: 'mystery: odd',
    });
  });
});
