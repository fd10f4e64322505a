import { ApiError } from '../api/client';

export type FormErrors = Record<string, string | undefined>;

// A refused change as errors on the form's inputs: the API's field errors when one names a
// field of the form, or a conflict (409) on `conflictField`. Null when the form cannot show
// it on an input (the caller then tells it another way).
export function formErrorsOf(
  error: unknown,
  fields: readonly string[],
  conflictField?: string,
): FormErrors | null {
  if (!(error instanceof ApiError)) return null;
  const named = (error.problem.errors ?? []).filter((p) => fields.includes(p.field));
  if (named.length > 0) {
    const out: FormErrors = {};
    for (const p of named) out[p.field] ??= p.message;
    return out;
  }
  if (error.status === 409 && conflictField) return { [conflictField]: error.message };
  return null;
}
