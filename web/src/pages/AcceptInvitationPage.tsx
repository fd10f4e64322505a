import { Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { api } from '../api/client';
import type { SignInAnswer } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { ErrorAlert } from '../components/Page';
import { NewPasswordFields } from '../components/PasswordFields';
import { useNewPasswordForm } from '../hooks/useNewPasswordForm';
import { useSession } from '../session/SessionContext';

// The link in an invitation e-mail: choose a password, and you are in the team.
export default function AcceptInvitationPage() {
  const { token = '' } = useParams();
  const { reload } = useSession();
  const navigate = useNavigate();
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const form = useNewPasswordForm();

  function submit(event: FormEvent) {
    return form.submit(event, async (password) => {
      const body: Record<string, string> = { password };
      if (first.trim()) body.first_name = first.trim();
      if (last.trim()) body.last_name = last.trim();
      await api<SignInAnswer>(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, {
        method: 'POST',
        body,
        quietUnauthenticated: true,
      });
      await reload();
      navigate('/', { replace: true });
    });
  }

  return (
    <CenteredCard
      title="Join your team"
      intro="Your admin invited you to Seatwise. Choose a password to finish setting up your account; you then see the products assigned to you."
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <ErrorAlert message={form.error} title="The invitation could not be accepted" />
          <Group grow>
            <TextInput
              label="First name"
              autoComplete="given-name"
              value={first}
              onChange={(e) => setFirst(e.currentTarget.value)}
            />
            <TextInput
              label="Last name"
              autoComplete="family-name"
              value={last}
              onChange={(e) => setLast(e.currentTarget.value)}
            />
          </Group>
          <NewPasswordFields {...form.fields} />
          <Button type="submit" loading={form.busy}>
            Accept invitation
          </Button>
          <Anchor component={Link} to="/sign-in" size="sm">
            Already have a password? Sign in
          </Anchor>
        </Stack>
      </form>
    </CenteredCard>
  );
}
