import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';

import { api, errorMessage } from '../api/client';
import { CenteredCard } from '../components/CenteredCard';
import { ErrorAlert } from '../components/Page';
import { NewPasswordFields } from '../components/PasswordFields';
import { useNewPasswordForm } from '../hooks/useNewPasswordForm';

// /reset-password asks for the e-mail address; /reset-password/:token (the e-mailed link)
// sets the new password.
export default function PasswordResetPage() {
  const { token } = useParams();
  return token ? <ChooseNewPassword token={token} /> : <RequestReset />;
}

function RequestReset() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/v1/auth/password-reset', { method: 'POST', body: { email: email.trim() } });
      setSent(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <CenteredCard
      title="Reset your password"
      intro="Enter the e-mail address you sign in with. If it belongs to an account, a link to choose a new password arrives in a few minutes."
    >
      {sent ? (
        <Alert color="green" title="Check your e-mail" role="status">
          If {email} has a Seatwise account, a reset link is on its way. The link works once and
          expires after an hour.
        </Alert>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <ErrorAlert message={error} />
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy}>
              Send reset link
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/sign-in" size="sm">
        Back to sign-in
      </Anchor>
    </CenteredCard>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  const form = useNewPasswordForm();

  function submit(event: FormEvent) {
    return form.submit(event, async (password) => {
      await api(`/api/v1/auth/password-reset/${encodeURIComponent(token)}`, {
        method: 'POST',
        body: { password },
      });
      setDone(true);
    });
  }

  return (
    <CenteredCard title="Choose a new password">
      {done ? (
        <Alert color="green" title="Password changed" role="status">
          Your password was changed and every other session was signed out.{' '}
          <Anchor component={Link} to="/sign-in">
            Sign in
          </Anchor>{' '}
          with the new one.
        </Alert>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <ErrorAlert message={form.error} title="The password could not be changed" />
            <NewPasswordFields {...form.fields} />
            <Button type="submit" loading={form.busy}>
              Change password
            </Button>
          </Stack>
        </form>
      )}
    </CenteredCard>
  );
}
