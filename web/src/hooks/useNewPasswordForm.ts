import { useState } from 'react';
import type { FormEvent } from 'react';

import { ApiError, errorMessage } from '../api/client';
import { passwordProblem } from '../components/PasswordFields';
import { notifyError } from '../components/notify';

interface Options {
  // The API's name for the new password in a problem's field errors.
  field?: string;
  // Errors of other fields this form shows itself; answers true when it showed `error`.
  fieldError?: (error: ApiError) => boolean;
  // Shows any other error as a notification with this title instead of in `error`.
  notifyTitle?: string;
}

// A form that sets a new password (typed twice): its fields, whether it is sending, and
// its errors — the new password's own (from the API's field errors) and any other.
export function useNewPasswordForm({ field = 'password', fieldError, notifyTitle }: Options = {}) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  // Checks the two passwords, then runs `send` and shows what went wrong.
  async function submit(event: FormEvent, send: (password: string) => Promise<void>) {
    event.preventDefault();
    setTouched(true);
    if (passwordProblem(password, repeat)) return;
    setBusy(true);
    setError(undefined);
    setPasswordError(undefined);
    try {
      await send(password);
    } catch (e) {
      if (e instanceof ApiError && fieldError?.(e)) return;
      const message = e instanceof ApiError ? e.fieldMessage(field) : undefined;
      if (message) setPasswordError(message);
      else if (notifyTitle) notifyError(e, notifyTitle);
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  function clear() {
    setPassword('');
    setRepeat('');
    setTouched(false);
  }

  return {
    busy,
    error,
    submit,
    clear,
    // The props of NewPasswordFields.
    fields: {
      password,
      repeat,
      onPassword: setPassword,
      onRepeat: setRepeat,
      serverError: passwordError,
      touched,
    },
  };
}
