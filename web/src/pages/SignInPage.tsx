import {
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import { api, ApiError, errorMessage } from '../api/client';
import type { SignInAnswer } from '../api/types';
import { ErrorAlert } from '../components/Page';
import { useSession } from '../session/SessionContext';

// Only paths of this portal are followed after sign-in, never another site.
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

export default function SignInPage() {
  const { state, reload } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · Seatwise';
  }, []);
  useEffect(() => {
    if (state.status === 'signed-in') navigate(next, { replace: true });
  }, [state, next, navigate]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, string> = { email, password };
      if (needsCode && code) body[useRecovery ? 'recovery_code' : 'totp_code'] = code.trim();
      await api<SignInAnswer>('/api/v1/auth/sign-in', {
        method: 'POST',
        body,
        quietUnauthenticated: true,
      });
      await reload();
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && e.fieldMessage('totp_code') && !needsCode) {
        setNeedsCode(true);
      } else {
        setError(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Sign in to Seatwise
              </Title>
              <Text size="sm" c="dimmed">
                Manage your team&apos;s products, seats and devices.
              </Text>
            </div>
            <ErrorAlert message={error} title="Could not sign in" />
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              disabled={needsCode}
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              disabled={needsCode}
            />
            {needsCode && (
              <>
                <TextInput
                  label={useRecovery ? 'Recovery code' : 'Authentication code'}
                  description={
                    useRecovery
                      ? 'One of the recovery codes you saved when you turned on two-step verification.'
                      : 'The 6-digit code from your authenticator app.'
                  }
                  autoComplete="one-time-code"
                  inputMode={useRecovery ? 'text' : 'numeric'}
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                  autoFocus
                  required
                />
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={() => setUseRecovery(!useRecovery)}
                >
                  {useRecovery
                    ? 'Use the authenticator app instead'
                    : 'Use a recovery code instead'}
                </Anchor>
              </>
            )}
            <Button type="submit" loading={busy}>
              {needsCode ? 'Verify and sign in' : 'Sign in'}
            </Button>
            <Anchor component={Link} to="/reset-password" size="sm">
              Forgot your password?
            </Anchor>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
