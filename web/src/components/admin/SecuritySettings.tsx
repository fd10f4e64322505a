import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { api, errorMessage } from '../../api/client';
import { ErrorAlert } from '../Page';
import { notifyError, notifySuccess } from '../notify';
import { NewPasswordFields } from '../PasswordFields';
import { useNewPasswordForm } from '../../hooks/useNewPasswordForm';
import { useSession } from '../../session/SessionContext';
import { CopyTextButton, SecretValue, saveText } from './SecretValue';

export function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [currentError, setCurrentError] = useState<string | undefined>();
  const form = useNewPasswordForm({
    field: 'new_password',
    notifyTitle: 'The password was not changed',
    fieldError: (e) => {
      const message = e.fieldMessage('current_password');
      if (message) setCurrentError(message);
      return message !== undefined;
    },
  });

  function submit(event: FormEvent) {
    return form.submit(event, async (password) => {
      setCurrentError(undefined);
      await api('/api/v1/auth/password', {
        method: 'POST',
        body: { current_password: current, new_password: password },
      });
      notifySuccess('Your password is changed.');
      setCurrent('');
      form.clear();
    });
  }

  return (
    <Paper withBorder p="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack maw={420}>
          <Title order={2} size="h4">
            Password
          </Title>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={currentError}
          />
          <NewPasswordFields {...form.fields} />
          <Group>
            <Button type="submit" loading={form.busy}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join('\n');
  return (
    <Alert color="yellow" title="Save your recovery codes now" role="status">
      <Stack gap="sm">
        <Text size="sm">
          Each code signs you in once if you lose your phone. They are shown only now: copy them or
          download them and keep them somewhere safe.
        </Text>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" data-testid="recovery-codes">
          {codes.map((code) => (
            <Text key={code} ff="monospace" size="sm">
              {code}
            </Text>
          ))}
        </SimpleGrid>
        <Group>
          <CopyTextButton value={text} label="Copy codes" />
          <Button
            variant="default"
            onClick={() => saveText(`${text}\n`, 'seatwise-recovery-codes.txt')}
          >
            Download codes
          </Button>
          <Button onClick={onDone}>I have saved them</Button>
        </Group>
      </Stack>
    </Alert>
  );
}

interface Enrollment {
  secret: string;
  otpauth_uri: string;
}

// Two-step verification with an authenticator app (TOTP), recovery codes, turning it off.
export function TwoStepVerification() {
  const { state, reload } = useSession();
  const enrolled = state.status === 'signed-in' && state.me.user.totp_enrolled;
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | undefined>();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [regenCode, setRegenCode] = useState('');
  const [offPassword, setOffPassword] = useState('');

  async function begin() {
    setBusy('begin');
    setError(undefined);
    try {
      setEnrollment(await api<Enrollment>('/api/v1/me/mfa/totp', { method: 'POST' }));
      setCode('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setCodeError(undefined);
    if (!/^\d{6}$/.test(code.trim())) {
      setCodeError('Enter the 6-digit code your app shows now.');
      return;
    }
    setBusy('confirm');
    try {
      const answer = await api<{ recovery_codes: string[] }>('/api/v1/me/mfa/totp/confirm', {
        method: 'POST',
        body: { code: code.trim() },
      });
      setCodes(answer.recovery_codes);
      setEnrollment(null);
      notifySuccess('Two-step verification is on.');
      await reload();
    } catch (e) {
      setCodeError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  async function regenerate(event: FormEvent) {
    event.preventDefault();
    setBusy('regen');
    try {
      const answer = await api<{ recovery_codes: string[] }>('/api/v1/me/mfa/recovery-codes', {
        method: 'POST',
        body: { code: regenCode.trim() },
      });
      setCodes(answer.recovery_codes);
      setRegenCode('');
      notifySuccess('New recovery codes made; the old ones no longer work.');
    } catch (e) {
      notifyError(e, 'No new recovery codes');
    } finally {
      setBusy(null);
    }
  }

  async function turnOff(event: FormEvent) {
    event.preventDefault();
    setBusy('off');
    try {
      await api('/api/v1/me/mfa/totp', { method: 'DELETE', body: { password: offPassword } });
      setOffPassword('');
      setCodes(null);
      notifySuccess('Two-step verification is off.');
      await reload();
    } catch (e) {
      notifyError(e, 'Two-step verification is still on');
    } finally {
      setBusy(null);
    }
  }

  return (
    <Paper withBorder p="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Two-step verification
          </Title>
          <Badge color={enrolled ? 'green' : 'gray'} variant="light">
            {enrolled ? 'On' : 'Off'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          With it on, signing in asks for a 6-digit code from an authenticator app on your phone as
          well as your password.
        </Text>
        <ErrorAlert message={error} />
        {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}

        {!enrolled && !enrollment && (
          <Group>
            <Button onClick={() => void begin()} loading={busy === 'begin'}>
              Turn on two-step verification
            </Button>
          </Group>
        )}

        {!enrolled && enrollment && (
          <form onSubmit={(e) => void confirm(e)} noValidate>
            <Stack maw={640}>
              <List type="ordered" size="sm" spacing="xs">
                <List.Item>
                  In your authenticator app, add an account and choose to enter a setup key.
                </List.Item>
                <List.Item>Enter the key below (account: Seatwise, time-based).</List.Item>
                <List.Item>Type the 6-digit code the app then shows.</List.Item>
              </List>
              <SecretValue label="Setup key" value={enrollment.secret} />
              <SecretValue label="Setup link (otpauth URI)" value={enrollment.otpauth_uri} />
              <Text size="xs" c="dimmed">
                Apps that accept a link can take the setup link instead of the key.{' '}
                <Anchor href={enrollment.otpauth_uri} size="xs">
                  Open in an authenticator app on this device
                </Anchor>
              </Text>
              <TextInput
                label="Code from the app"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                required
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                error={codeError}
                maw={200}
              />
              <Group>
                <Button type="submit" loading={busy === 'confirm'}>
                  Confirm and turn on
                </Button>
                <Button variant="default" onClick={() => setEnrollment(null)}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        )}

        {enrolled && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <form onSubmit={(e) => void regenerate(e)} noValidate>
              <Stack gap="sm">
                <Text fw={500}>New recovery codes</Text>
                <Text size="sm" c="dimmed">
                  Replaces every recovery code you have. Confirm with a code from your app.
                </Text>
                <TextInput
                  label="Code from the app"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  required
                  value={regenCode}
                  onChange={(e) => setRegenCode(e.currentTarget.value)}
                  maw={200}
                />
                <Group>
                  <Button type="submit" variant="default" loading={busy === 'regen'}>
                    Make new recovery codes
                  </Button>
                </Group>
              </Stack>
            </form>
            <form onSubmit={(e) => void turnOff(e)} noValidate>
              <Stack gap="sm">
                <Text fw={500}>Turn off</Text>
                <Text size="sm" c="dimmed">
                  Signing in then asks for your password only. Confirm with your password.
                </Text>
                <PasswordInput
                  label="Your password"
                  autoComplete="current-password"
                  required
                  value={offPassword}
                  onChange={(e) => setOffPassword(e.currentTarget.value)}
                  maw={300}
                />
                <Group>
                  <Button type="submit" color="red" variant="light" loading={busy === 'off'}>
                    Turn off two-step verification
                  </Button>
                </Group>
              </Stack>
            </form>
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
