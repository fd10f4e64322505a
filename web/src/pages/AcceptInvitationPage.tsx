import { Alert, Anchor, Button, Divider, Group, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { api, errorMessage } from '../api/client';
import type { SignInAnswer } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { ErrorAlert } from '../components/Page';
import { NewPasswordFields } from '../components/PasswordFields';
import { useNewPasswordForm } from '../hooks/useNewPasswordForm';
import { useSession } from '../session/SessionContext';

// The link in an invitation e-mail: choose a password (or enter the one of an account you
// already have), and you are in the team; or decline, without signing in.
export default function AcceptInvitationPage() {
  const { token = '' } = useParams();
  const { reload } = useSession();
  const navigate = useNavigate();
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const form = useNewPasswordForm();
  const [declined, setDeclined] = useState(false);
  const [declining, setDeclining] = useState(false);
  const [declineError, setDeclineError] = useState<string | undefined>();
  // The result takes the focus: the button pressed is gone.
  const declinedNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (declined) declinedNotice.current?.focus();
  }, [declined]);

  async function decline() {
    setDeclining(true);
    setDeclineError(undefined);
    try {
      await api(`/api/v1/invitations/${encodeURIComponent(token)}/decline`, {
        method: 'POST',
        quietUnauthenticated: true,
      });
      setDeclined(true);
    } catch (e) {
      // Unknown link (404) or no longer open (409): the server says which.
      setDeclineError(errorMessage(e));
    } finally {
      setDeclining(false);
    }
  }

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

  if (declined) {
    return (
      <CenteredCard title="Invitation declined">
        <Alert
          ref={declinedNotice}
          tabIndex={-1}
          color="green"
          role="status"
          title="You declined the invitation"
        >
          You are not added to the team, and it has no access to your account. Nothing else changes;
          you can close this page.
        </Alert>
        <Anchor component={Link} to="/sign-in" size="sm">
          Go to sign-in
        </Anchor>
      </CenteredCard>
    );
  }

  return (
    <CenteredCard
      title="Join your team"
      intro="Your admin invited you to Seatwise. Choose a password to finish setting up your account — or, if you already have a Seatwise account, enter its password; you then see the products assigned to you."
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
            Already have an account? Sign in and answer the invitation there
          </Anchor>
        </Stack>
      </form>
      <Divider />
      <Stack gap="xs">
        <ErrorAlert message={declineError} title="The invitation could not be declined" />
        <Text size="sm">
          Not for you, or you do not want to join? Decline, and you are not added to the team.
        </Text>
        <Button variant="default" color="red" loading={declining} onClick={() => void decline()}>
          Decline invitation
        </Button>
      </Stack>
    </CenteredCard>
  );
}
