import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';

import { api, ApiError, errorMessage } from '../api/client';
import type { Me } from '../api/types';
import { useMe, useSession } from '../session/SessionContext';

export interface PendingInvitation {
  teamId: string;
  teamName: string;
}

// The teams that invited the person and wait for an answer (memberships still "invited"),
// once each, by name.
export function pendingInvitations(me: Me): PendingInvitation[] {
  const seen = new Map<string, string>();
  for (const m of me.memberships) {
    if (m.status === 'invited' && !seen.has(m.team_id)) seen.set(m.team_id, m.team_name);
  }
  return [...seen.entries()]
    .map(([teamId, teamName]) => ({ teamId, teamName }))
    .sort((a, b) => a.teamName.localeCompare(b.teamName));
}

type Outcome =
  | { kind: 'joined'; teamId: string; teamName: string }
  | { kind: 'declined'; teamName: string }
  | { kind: 'failed'; teamName: string; accept: boolean; message: string };

// The answer's result takes the focus: the buttons pressed are gone or disabled by then.
function OutcomeNotice({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [outcome]);
  if (outcome.kind === 'failed') {
    return (
      <Alert
        ref={ref}
        tabIndex={-1}
        color="red"
        role="alert"
        withCloseButton
        closeButtonLabel="Close this message"
        onClose={onClose}
        title={
          outcome.accept
            ? `The invitation to ${outcome.teamName} was not accepted`
            : `The invitation to ${outcome.teamName} was not declined`
        }
      >
        {outcome.message}
      </Alert>
    );
  }
  return (
    <Alert
      ref={ref}
      tabIndex={-1}
      color="green"
      role="status"
      withCloseButton
      closeButtonLabel="Close this message"
      onClose={onClose}
    >
      {outcome.kind === 'joined' ? (
        <>
          You joined {outcome.teamName}.{' '}
          <Anchor component={Link} to={`/teams/${encodeURIComponent(outcome.teamId)}/products`}>
            Open {outcome.teamName}
          </Anchor>
        </>
      ) : (
        <>
          You declined the invitation to {outcome.teamName}. The team has no access to your account.
        </>
      )}
    </Alert>
  );
}

// At the top of every signed-in page: the invitations the person has not answered yet, each
// with Accept and Decline. Until they accept, the inviting team has no power over the
// account. After an answer the session is read again, so a joined team appears at once.
export function PendingInvitations() {
  const me = useMe();
  const { reload } = useSession();
  // The answer being sent, if any.
  const [busy, setBusy] = useState<{ teamId: string; accept: boolean } | null>(null);
  // The last answer's result, shown on the page where it was given.
  const [answered, setAnswered] = useState<{ outcome: Outcome; at: string } | null>(null);
  const { pathname } = useLocation();
  const outcome = answered?.at === pathname ? answered.outcome : null;
  const setOutcome = (next: Outcome | null) =>
    setAnswered(next ? { outcome: next, at: pathname } : null);
  const pending = pendingInvitations(me);
  if (pending.length === 0 && !outcome) return null;

  async function answer(invitation: PendingInvitation, accept: boolean) {
    const { teamId, teamName } = invitation;
    setBusy({ teamId, accept });
    setOutcome(null);
    try {
      await api(
        `/api/v1/me/invitations/${encodeURIComponent(teamId)}/${accept ? 'accept' : 'decline'}`,
        { method: 'POST' },
      );
      setOutcome(accept ? { kind: 'joined', teamId, teamName } : { kind: 'declined', teamName });
      await reload();
    } catch (e) {
      setOutcome({ kind: 'failed', teamName, accept, message: errorMessage(e) });
      // Withdrawn meanwhile: read the session again so the invitation goes away.
      if (e instanceof ApiError && e.status === 404) await reload();
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack gap="sm" mb="md">
      {outcome && <OutcomeNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      {pending.map((invitation) => (
        <Alert
          key={invitation.teamId}
          // A standing notice named by its title, not an alert read out on every page.
          role="region"
          color="blue"
          variant="light"
          title={`You are invited to join ${invitation.teamName}`}
        >
          <Stack gap="xs">
            <Text size="sm">
              Accept to become a member of {invitation.teamName} and see what it assigns you. Until
              you accept, its admins cannot change anything of your account. Decline if you did not
              expect it.
            </Text>
            <Group gap="sm" wrap="wrap">
              <Button
                size="xs"
                aria-label={`Accept the invitation to ${invitation.teamName}`}
                loading={busy?.teamId === invitation.teamId && busy.accept}
                disabled={busy !== null}
                onClick={() => void answer(invitation, true)}
              >
                Accept
              </Button>
              <Button
                size="xs"
                variant="default"
                aria-label={`Decline the invitation to ${invitation.teamName}`}
                loading={busy?.teamId === invitation.teamId && !busy.accept}
                disabled={busy !== null}
                onClick={() => void answer(invitation, false)}
              >
                Decline
              </Button>
            </Group>
          </Stack>
        </Alert>
      ))}
    </Stack>
  );
}
