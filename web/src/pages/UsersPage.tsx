import {
  ActionIcon,
  Badge,
  Button,
  Card,
  CloseButton,
  Group,
  Menu,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';

import { api } from '../api/client';
import { InviteForm } from '../components/assign/InviteForm';
import { IdentityActDialog, identityActLabel } from '../components/assign/IdentityActDialog';
import type { IdentityAct } from '../components/assign/IdentityActDialog';
import { Pager, useCursor } from '../components/assign/Pager';
import { ImportResults, UserImport } from '../components/assign/UserImport';
import { personName, roleLabel } from '../components/assign/model';
import type { ImportAnswer, Member } from '../components/assign/model';
import { useMembers } from '../components/assign/useMembers';
import { formatDateTime } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { Page } from '../components/Page';
import { teamAccess } from '../session/access';
import { useMe, useSession } from '../session/SessionContext';
import { ListState } from '../components/ListState';
import { useSearchBox } from '../hooks/useSearchBox';

interface Removal {
  seats_freed: number;
  activations_revoked: number;
  leases_released: number;
}

type Confirm = { kind: 'remove'; member: Member } | { kind: 'primary'; member: Member } | null;

const statusColor: Record<string, string> = { invited: 'yellow', active: 'green', removed: 'gray' };
const statusLabel: Record<string, string> = {
  invited: 'Invited (pending)',
  active: 'Active',
  removed: 'Removed',
};

// The team's people: invite, import, resend, remove, change role.
export default function UsersPage() {
  const me = useMe();
  const { reload: reloadSession } = useSession();
  const { teamId = '' } = useParams();
  const team = encodeURIComponent(teamId);
  const access = teamAccess(me, teamId);
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const role = params.get('role') ?? '';
  const panel =
    params.get('invite') === '1' ? 'invite' : params.get('import') === '1' ? 'import' : '';
  const cursor = useCursor();
  const members = useMembers(teamId, { search, status, role, after: cursor.after });
  const [imported, setImported] = useState<ImportAnswer | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  // The last account-wide act asked for (kept while its dialog closes), and whether it is open.
  const [identityAct, setIdentityAct] = useState<{ member: Member; act: IdentityAct } | null>(null);
  const [identityActOpen, setIdentityActOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  function setParam(name: string, value: string | null) {
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(name, value);
      else next.delete(name);
      if (name === 'q' || name === 'status' || name === 'role') {
        next.delete('after');
        next.delete('after_trail');
      }
      if (name === 'invite' && value) next.delete('import');
      if (name === 'import' && value) next.delete('invite');
      return next;
    });
  }
  const searchBox = useSearchBox(search, (value) => setParam('q', value));

  async function act(label: string, run: () => Promise<string>) {
    setBusy(true);
    try {
      notifySuccess(await run());
      setConfirm(null);
      await members.reload();
    } catch (e) {
      notifyError(e, label);
    } finally {
      setBusy(false);
    }
  }

  const resend = (m: Member) =>
    act('The invitation was not sent again', async () => {
      await api(`/api/v1/teams/${team}/users/${encodeURIComponent(m.id)}/resend-invitation`, {
        method: 'POST',
      });
      return `A new invitation e-mail is on its way to ${m.email}.`;
    });
  const setSecondary = (m: Member, on: boolean) =>
    act('The role was not changed', async () => {
      await api(`/api/v1/teams/${team}/secondary-admins/${encodeURIComponent(m.id)}`, {
        method: on ? 'PUT' : 'DELETE',
      });
      return on
        ? `${personName(m)} is now a Secondary Admin.`
        : `${personName(m)} is no longer a Secondary Admin.`;
    });
  const remove = (m: Member) =>
    act(`${personName(m)} was not removed`, async () => {
      const r = await api<Removal>(`/api/v1/teams/${team}/users/${encodeURIComponent(m.id)}`, {
        method: 'DELETE',
      });
      return `${personName(m)} was removed: ${r.seats_freed} seat${r.seats_freed === 1 ? '' : 's'} freed, ${r.activations_revoked} activation${r.activations_revoked === 1 ? '' : 's'} revoked.`;
    });
  const handOver = (m: Member) =>
    act('The Primary Admin was not changed', async () => {
      await api(`/api/v1/teams/${team}/primary-admin`, {
        method: 'PUT',
        body: { user_id: m.id },
      });
      await reloadSession();
      return `${personName(m)} is now the Primary Admin.`;
    });

  const rows = members.data?.items ?? [];
  const canHandOver = access.isPrimaryAdmin || access.isContractManager || access.isOperator;

  return (
    <Page
      title="Users"
      description="The people of this team. Invited people show as pending, with the names you typed, until they accept; assign their products on By user or By product."
      actions={
        <>
          <Button onClick={() => setParam('invite', panel === 'invite' ? null : '1')}>
            Invite a user
          </Button>
          <Button
            variant="default"
            onClick={() => setParam('import', panel === 'import' ? null : '1')}
          >
            Import from CSV
          </Button>
        </>
      }
    >
      {panel === 'import' && (
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              Invite many people from a CSV file
            </Title>
            <CloseButton aria-label="Close the import" onClick={() => setParam('import', null)} />
          </Group>
          <UserImport
            teamId={teamId}
            onDone={(answer) => {
              setImported(answer);
              void members.reload();
            }}
          />
        </Card>
      )}
      {imported && (
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              Import results
            </Title>
            <CloseButton aria-label="Close the import results" onClick={() => setImported(null)} />
          </Group>
          <ImportResults answer={imported} />
        </Card>
      )}

      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          description="Name or e-mail"
          value={searchBox.text}
          onChange={(e) => searchBox.change(e.currentTarget.value)}
          w={260}
        />
        <Select
          label="Status"
          data={[
            { value: '', label: 'Invited or active' },
            { value: 'invited', label: 'Invited (pending)' },
            { value: 'active', label: 'Active' },
            { value: 'removed', label: 'Removed' },
          ]}
          value={status}
          onChange={(v) => setParam('status', v || null)}
          allowDeselect={false}
          w={180}
        />
        <Select
          label="Role"
          data={[
            { value: '', label: 'Any role' },
            { value: 'primary_admin', label: 'Primary Admin' },
            { value: 'secondary_admin', label: 'Secondary Admin' },
            { value: 'user', label: 'User' },
          ]}
          value={role}
          onChange={(v) => setParam('role', v || null)}
          allowDeselect={false}
          w={180}
        />
      </Group>

      <ListState
        list={members}
        count={rows.length}
        loadingLabel="Loading people…"
        errorTitle="The team's people could not be loaded"
        empty={
          <Text>
            {search || status || role
              ? 'Nobody matches these filters.'
              : 'Nobody is in this team yet: invite people one by one or from a CSV file.'}
          </Text>
        }
      />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover aria-label="Team members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => {
                const removed = m.membership_status === 'removed';
                const isMe = m.id === me.user.id;
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      {removed ? (
                        personName(m)
                      ) : (
                        <Text
                          component={Link}
                          to={`/teams/${teamId}/by-user/${m.id}`}
                          c="blue"
                          size="sm"
                        >
                          {personName(m)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{m.email}</Table.Td>
                    <Table.Td>{roleLabel(m.role)}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[m.membership_status] ?? 'gray'} variant="light">
                        {statusLabel[m.membership_status] ?? m.membership_status}
                      </Badge>
                      {m.pending && m.invitation_expired && (
                        <Badge color="red" variant="light" ml={4}>
                          Invitation expired — resend it
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {m.pending
                        ? '—'
                        : m.last_sign_in_at
                          ? formatDateTime(m.last_sign_in_at)
                          : 'Never'}
                    </Table.Td>
                    <Table.Td>
                      {!removed && (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Actions for ${personName(m)}`}
                              disabled={busy}
                            >
                              ⋯
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            {m.pending && (
                              <Menu.Item onClick={() => void resend(m)}>
                                Resend invitation
                              </Menu.Item>
                            )}
                            {m.role === 'user' && !m.pending && (
                              <Menu.Item onClick={() => void setSecondary(m, true)}>
                                Make Secondary Admin
                              </Menu.Item>
                            )}
                            {m.role === 'secondary_admin' && (
                              <Menu.Item onClick={() => void setSecondary(m, false)}>
                                Revoke Secondary Admin
                              </Menu.Item>
                            )}
                            {canHandOver && m.role !== 'primary_admin' && !m.pending && (
                              <Menu.Item onClick={() => setConfirm({ kind: 'primary', member: m })}>
                                Make Primary Admin…
                              </Menu.Item>
                            )}
                            {!m.pending &&
                              !isMe &&
                              (['sign-out', 'api-tokens'] as const).map((act) => (
                                <Menu.Item
                                  key={act}
                                  onClick={() => {
                                    setIdentityAct({ member: m, act });
                                    setIdentityActOpen(true);
                                  }}
                                >
                                  {identityActLabel[act]}
                                </Menu.Item>
                              ))}
                            {m.role !== 'primary_admin' && !isMe && (
                              <Menu.Item
                                color="red"
                                onClick={() => setConfirm({ kind: 'remove', member: m })}
                              >
                                Remove from team…
                              </Menu.Item>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager cursor={cursor} nextAfter={members.data?.next_after} label="Team members" />

      <Modal
        // Locking the page scroll would add a style element without the policy nonce.
        lockScroll={false}
        opened={panel === 'invite'}
        onClose={() => setParam('invite', null)}
        title="Invite a user"
      >
        <InviteForm
          teamId={teamId}
          onDone={() => {
            setParam('invite', null);
            void members.reload();
          }}
        />
      </Modal>

      {identityAct && (
        <IdentityActDialog
          teamId={teamId}
          member={identityAct.member}
          act={identityAct.act}
          opened={identityActOpen}
          onClose={() => setIdentityActOpen(false)}
          onDone={(message) => {
            setIdentityActOpen(false);
            notifySuccess(message);
          }}
        />
      )}

      <Modal
        // Locking the page scroll would add a style element without the policy nonce.
        lockScroll={false}
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={
          confirm?.kind === 'remove'
            ? `Remove ${personName(confirm.member)}?`
            : confirm
              ? `Make ${personName(confirm.member)} the Primary Admin?`
              : ''
        }
      >
        {confirm?.kind === 'remove' && (
          <Stack>
            <Text size="sm">
              {personName(confirm.member)} leaves {access.teamName}. Every seat they hold is
              unassigned and free at once, their activations and network seats end, and they are
              signed out. Their past usage stays in the reports.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button color="red" loading={busy} onClick={() => void remove(confirm.member)}>
                Remove
              </Button>
            </Group>
          </Stack>
        )}
        {confirm?.kind === 'primary' && (
          <Stack>
            <Text size="sm">
              A team has exactly one Primary Admin. {personName(confirm.member)} takes over: they
              manage users, roles, seats and devices, and every new sign-in subscription is assigned
              to them by default. The current Primary Admin becomes a Secondary Admin. Seats already
              assigned stay where they are.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button loading={busy} onClick={() => void handOver(confirm.member)}>
                Hand over
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Page>
  );
}
