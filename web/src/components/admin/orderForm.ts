// The order form's state, the body POST /api/v1/accounts/{a}/orders takes, and the API's
// field errors ("subscriptions[1].seats") mapped back onto the form.

import type { FieldProblem } from '../../api/client';

export type LineKind = 'product' | 'collection' | 'service';

export interface OrderLine {
  kind: LineKind;
  code: string;
  seats: string;
  access: 'single_user' | 'multi_user';
  activation: 'sign_in' | 'serial_number';
  model: 'term' | 'perpetual_maintenance' | 'perpetual';
}

export interface OrderFormState {
  team_id: string;
  number: string;
  subscription_ref: string;
  term_months: string;
  starts_on: string; // YYYY-MM-DD or empty: today
  contract_manager_email: string;
  credits: string;
  lines: OrderLine[];
}

export function newLine(): OrderLine {
  return {
    kind: 'product',
    code: '',
    seats: '1',
    access: 'single_user',
    activation: 'sign_in',
    model: 'term',
  };
}

export function emptyOrder(teamId = ''): OrderFormState {
  return {
    team_id: teamId,
    number: '',
    subscription_ref: '',
    term_months: '12',
    starts_on: '',
    contract_manager_email: '',
    credits: '',
    lines: [newLine()],
  };
}

// Field name → message; line fields as "lines.0.seats".
export type OrderErrors = Record<string, string>;

const codeField: Record<LineKind, string> = {
  product: 'product_code',
  collection: 'collection_code',
  service: 'service_code',
};

function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

// What is wrong before sending (the server checks again, and more).
export function validateOrder(form: OrderFormState): OrderErrors {
  const errors: OrderErrors = {};
  const term = wholeNumber(form.term_months);
  if (term === null || term < 1 || term > 60) errors.term_months = 'From 1 to 60 months.';
  if (form.credits.trim() && wholeNumber(form.credits) === null) {
    errors.credits = 'A whole number of credits, or empty.';
  }
  const email = form.contract_manager_email.trim();
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
    errors.contract_manager_email = 'Not an e-mail address.';
  if (form.lines.length === 0) errors.lines = 'Add at least one line.';
  form.lines.forEach((line, i) => {
    if (!line.code) errors[`lines.${i}.code`] = 'Choose what this line sells.';
    const seats = wholeNumber(line.seats);
    if (seats === null || seats < 1) errors[`lines.${i}.seats`] = 'At least 1 seat.';
  });
  return errors;
}

export function orderBody(form: OrderFormState): Record<string, unknown> {
  const body: Record<string, unknown> = {
    term_months: Number(form.term_months),
    subscriptions: form.lines.map((line) => {
      const out: Record<string, unknown> = {
        [codeField[line.kind]]: line.code,
        seats: Number(line.seats),
      };
      if (line.kind !== 'service') {
        out.access = line.access;
        out.activation = line.access === 'multi_user' ? 'sign_in' : line.activation;
        out.model = line.model;
      }
      return out;
    }),
  };
  if (form.team_id) body.team_id = form.team_id;
  if (form.number.trim()) body.number = form.number.trim();
  if (form.subscription_ref.trim()) body.subscription_ref = form.subscription_ref.trim();
  if (form.starts_on) body.starts_at = `${form.starts_on}T00:00:00Z`;
  if (form.contract_manager_email.trim()) {
    body.contract_manager_email = form.contract_manager_email.trim();
  }
  if (form.credits.trim()) body.credits = Number(form.credits);
  return body;
}

// The API's field names onto the form's; anything unknown goes to `form`.
export function mapOrderErrors(problems: FieldProblem[] | undefined): OrderErrors {
  const errors: OrderErrors = {};
  const add = (key: string, message: string) => {
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  };
  for (const { field, message } of problems ?? []) {
    const line = /^subscriptions\[(\d+)\](?:\.(\w+))?$/.exec(field);
    if (line) {
      const [, index, name = ''] = line;
      const key = /_code$/.test(name) || name === '' ? 'code' : name;
      const known = ['code', 'seats', 'access', 'activation', 'model'];
      add(known.includes(key) ? `lines.${index}.${key}` : `lines.${index}.code`, message);
      continue;
    }
    if (field === 'starts_at') add('starts_on', message);
    else if (field === 'subscriptions') add('lines', message);
    else if (
      [
        'team_id',
        'number',
        'subscription_ref',
        'term_months',
        'contract_manager_email',
        'credits',
      ].includes(field)
    ) {
      add(field, message);
    } else add('form', `${field}: ${message}`);
  }
  return errors;
}
