import { Alert, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router';

import { api, ApiError, errorMessage } from '../api/client';
import { normaliseUserCode } from '../components/admin/userCode';
import { ErrorAlert, Page } from '../components/Page';
import { useMe } from '../session/SessionContext';

type Outcome = 'approved' | 'denied';

// The desktop application shows a code and opens this page; the signed-in person approves
// (the application is then signed in as them) or denies.
export default function DeviceApprovalPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [code, setCode] = useState(params.get('user_code') ?? '');
  const [busy, setBusy] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [fieldError, setFieldError] = useState<string | undefined>();
  const outcome = params.get('status');

  async function decide(decision: Outcome, event?: FormEvent) {
    event?.preventDefault();
    const userCode = normaliseUserCode(code);
    setError(undefined);
    setFieldError(undefined);
    if (!userCode) {
      setFieldError('Enter the code the application shows, like WDJB-MJHT.');
      return;
    }
    setBusy(decision);
    try {
      await api(`/api/v1/oauth/device/${decision === 'approved' ? 'approve' : 'deny'}`, {
        method: 'POST',
        body: { user_code: userCode },
      });
      setParams({ status: decision }, { replace: true });
    } catch (e) {
      const field = e instanceof ApiError ? e.fieldMessage('user_code') : undefined;
      if (field) setFieldError(field);
      else setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  if (outcome === 'approved' || outcome === 'denied') {
    return (
      <Page title={outcome === 'approved' ? 'Application connected' : 'Application not connected'}>
        <Alert
          color={outcome === 'approved' ? 'green' : 'gray'}
          title={outcome === 'approved' ? 'You can return to the application' : 'Access denied'}
          role="status"
        >
          {outcome === 'approved'
            ? `The application is now signed in as ${me.user.email}. Go back to it: it continues by itself within a few seconds. You can close this page.`
            : 'The application was not given access. If you did not start this, nothing else is needed; if you did, start the sign-in again in the application.'}
        </Alert>
      </Page>
    );
  }

  return (
    <Page
      title="Connect a desktop application"
      description="The application you are signing in to shows a code. Enter it here to let the application use Seatwise as you."
    >
      <Paper withBorder p="lg" maw={520}>
        <form onSubmit={(e) => void decide('approved', e)} noValidate>
          <Stack>
            <ErrorAlert message={error} title="The code could not be used" />
            <TextInput
              label="Code shown by the application"
              description="Eight letters, like WDJB-MJHT. Capitals and the dash are optional."
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={16}
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={fieldError}
              autoFocus={!code}
            />
            <Text size="sm">
              You are signed in as <strong>{me.user.email}</strong>. Approve only if the code
              matches the one on your screen and you started the sign-in yourself.
            </Text>
            <Group>
              <Button type="submit" loading={busy === 'approved'} disabled={busy !== null}>
                Approve
              </Button>
              <Button
                variant="default"
                color="red"
                loading={busy === 'denied'}
                disabled={busy !== null}
                onClick={() => void decide('denied')}
              >
                Deny
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Page>
  );
}
