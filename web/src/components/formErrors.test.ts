import { describe, expect, it } from 'vitest';

import { ApiError } from '../api/client';
import { formErrorsOf } from './formErrors';

describe('formErrorsOf', () => {
  it('puts the API field errors on the form inputs, the first message per field', () => {
    const e = new ApiError(400, {
      detail: 'invalid',
      errors: [
        { field: 'contact_email', message: 'Not an e-mail address.' },
        { field: 'contact_email', message: 'Second.' },
        { field: 'name', message: 'Required.' },
      ],
    });
    expect(formErrorsOf(e, ['name', 'contact_email'])).toEqual({
      contact_email: 'Not an e-mail address.',
      name: 'Required.',
    });
  });

  it('shows a conflict on the named field', () => {
    const e = new ApiError(409, { detail: 'A reseller named Acme exists.' });
    expect(formErrorsOf(e, ['name'], 'name')).toEqual({ name: 'A reseller named Acme exists.' });
    expect(formErrorsOf(e, ['name'])).toBeNull();
  });

  it('leaves other errors to the caller', () => {
    expect(
      formErrorsOf(new ApiError(400, { errors: [{ field: 'x', message: 'm' }] }), ['name']),
    ).toBeNull();
    expect(formErrorsOf(new ApiError(500, { detail: 'down' }), ['name'], 'name')).toBeNull();
    expect(formErrorsOf(new Error('x'), ['name'])).toBeNull();
  });
});
