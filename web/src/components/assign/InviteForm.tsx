import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { api, ApiError, errorMessage } from '../../api/client';
import { notifySuccess } from '../notify';
import { ErrorAlert } from '../Page';
import type { Member } from './model';

// One person to invite: first name, last name and e-mail, with the server's field errors on
// the inputs. `note` says what happens next for whoever is inviting.
export function InviteForm({
  teamId,
  onDone,
  note = 'They join as a user. Once they have accepted, you can make them a Secondary Admin from the list.',
}: {
  teamId: string;
  onDone: () => void;
  note?: string;
}) {
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const team = encodeURIComponent(teamId);
    try {
      const member = await api<Member>(`/api/v1/teams/${team}/users`, {
        method: 'POST',
        body: { first_name: first.trim(), last_name: last.trim(), email: email.trim() },
      });
      // Everyone invited accepts first, whether or not the address already had an account.
      notifySuccess(`${member.email} is invited; the invitation e-mail is on its way.`);
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e : errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, label: string) => {
    const message = error instanceof ApiError ? error.fieldMessage(name) : undefined;
    return message ? `${label} ${message}` : undefined;
  };
  const general =
    error instanceof ApiError ? (error.problem.errors?.length ? undefined : error.message) : error;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <ErrorAlert message={general} title="Nobody was invited" />
        <Group grow wrap="wrap">
          <TextInput
            label="First name"
            required
            value={first}
            onChange={(e) => setFirst(e.currentTarget.value)}
            error={field('first_name', 'First name')}
            data-autofocus
          />
          <TextInput
            label="Last name"
            required
            value={last}
            onChange={(e) => setLast(e.currentTarget.value)}
            error={field('last_name', 'Last name')}
          />
        </Group>
        <TextInput
          label="E-mail"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={field('email', 'E-mail')}
        />
        <Text size="sm" c="dimmed">
          {note}
        </Text>
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Send invitation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
