import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';

import { api, errorMessage } from '../../api/client';
import { ErrorAlert } from '../Page';
import { personName } from './model';
import type { Member } from './model';

// Acts on a person's account (not only their membership) that an admin may ask for through
// the team. The server allows them only when everything the person belongs to lies in this
// customer account; otherwise its refusal says who can do it instead.
export type IdentityAct = 'sign-out' | 'api-tokens';

export const identityActLabel: Record<IdentityAct, string> = {
  'sign-out': 'Sign out everywhere…',
  'api-tokens': 'Revoke API tokens…',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// Sends the act; answers the sentence to show when it is done.
export async function runIdentityAct(
  teamId: string,
  member: Member,
  act: IdentityAct,
): Promise<string> {
  const path = `/api/v1/teams/${encodeURIComponent(teamId)}/users/${encodeURIComponent(member.id)}`;
  const name = personName(member);
  if (act === 'sign-out') {
    const r = await api<{ sessions_ended: number }>(`${path}/sign-out`, { method: 'POST' });
    return `${name} is signed out everywhere: ${plural(r.sessions_ended, 'session', 'sessions')} ended.`;
  }
  const r = await api<{ tokens_revoked: number }>(`${path}/api-tokens`, { method: 'DELETE' });
  return `${plural(r.tokens_revoked, 'API token', 'API tokens')} of ${name} revoked.`;
}

// Asks first, then acts; a refusal stays in the dialog with the server's reason.
export function IdentityActDialog({
  teamId,
  member,
  act,
  opened,
  onClose,
  onDone,
}: {
  teamId: string;
  member: Member;
  act: IdentityAct;
  opened: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  // The refusal, for the person and act it answered.
  const [refused, setRefused] = useState<{ key: string; message: string } | null>(null);
  const key = `${member.id}:${act}`;
  const refusal = refused?.key === key ? refused.message : undefined;
  const name = personName(member);

  async function confirm() {
    setBusy(true);
    setRefused(null);
    try {
      onDone(await runIdentityAct(teamId, member, act));
    } catch (e) {
      setRefused({ key, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    setRefused(null);
    onClose();
  };

  return (
    <Modal
      // Locking the page scroll would add a style element without the policy nonce.
      lockScroll={false}
      opened={opened}
      onClose={close}
      title={
        act === 'sign-out' ? `Sign ${name} out everywhere?` : `Revoke the API tokens of ${name}?`
      }
    >
      <Stack>
        <ErrorAlert message={refusal} title="Seatwise refused" />
        <Text size="sm">
          {act === 'sign-out'
            ? `Every portal session of ${name} and every app signed in with their account ends, on every computer. They can sign in again at once; their seats and personal API tokens stay.`
            : `Every personal API token ${name} created stops working at once. Scripts that use them need new tokens, which only ${name} can create.`}
        </Text>
        <Text size="sm" c="dimmed">
          This changes their account, not only their place in this team: it is allowed when
          everything they belong to is in your company’s account.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" loading={busy} onClick={() => void confirm()}>
            {act === 'sign-out' ? 'Sign out everywhere' : 'Revoke tokens'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
