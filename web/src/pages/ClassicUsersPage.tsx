import {
  Alert,
  Card,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';

import { api, errorMessage } from '../api/client';
import { InviteForm } from '../components/assign/InviteForm';
import { ImportResults, UserImport } from '../components/assign/UserImport';
import { accessLabel, isFloating, personName, roleLabel } from '../components/assign/model';
import type {
  ClassicUser,
  ClassicUsers,
  ImportAnswer,
  TeamProduct,
} from '../components/assign/model';
import { notifySuccess } from '../components/notify';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { useMe } from '../session/SessionContext';

const PAGE_SIZE = 20;

interface AccessChange {
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
  activations_revoked: number;
}

// The serial-number contracts the person can manage here: from the team's products, and the
// contracts they coordinate or manage.
function useSerialContracts(teamId: string) {
  const me = useMe();
  const products = useApi<{ items: TeamProduct[] }>(
    `/api/v1/teams/${encodeURIComponent(teamId)}/products`,
  );
  const contracts = useMemo(() => {
    const found = new Map<string, string>();
    for (const p of products.data?.items ?? []) {
      if (p.activation === 'serial_number') found.set(p.contract.id, p.contract.number);
    }
    if (products.error) {
      for (const c of me.contracts) if (c.team_id === teamId) found.set(c.contract_id, c.number);
    }
    return [...found.entries()]
      .map(([id, number]) => ({ value: id, label: `Contract ${number}` }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [products.data, products.error, me.contracts, teamId]);
  return { contracts, loading: products.loading && !products.data };
}

function EditAccess({
  contractId,
  person,
  subscriptions,
  onClose,
  onSaved,
}: {
  contractId: string;
  person: ClassicUser;
  subscriptions: TeamProduct[];
  onClose: () => void;
  onSaved: (ids: string[]) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(person.subscription_ids);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    setError(undefined);
    try {
      const change = await api<AccessChange>(
        `/api/v1/contracts/${encodeURIComponent(contractId)}/users/${encodeURIComponent(person.id)}/access`,
        { method: 'PUT', body: { subscription_ids: chosen } },
      );
      onSaved(change.after);
      const parts = [];
      if (change.added.length) parts.push(`${change.added.length} added`);
      if (change.removed.length) parts.push(`${change.removed.length} removed`);
      notifySuccess(
        `Access of ${personName(person)} saved${parts.length ? ` (${parts.join(', ')})` : ''}.`,
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <Text size="sm">
        Tick “Assign” next to each product {personName(person)} may use with this contract’s serial
        number, untick to take it away, then save.
      </Text>
      <ErrorAlert message={error} title="Access was not changed" />
      {subscriptions.map((s) =>
        isFloating(s) ? (
          <Text key={s.subscription_id} size="sm" c="dimmed">
            {s.item.name} — {accessLabel(s.access)}: floating, nobody needs access.
          </Text>
        ) : (
          <Checkbox
            key={s.subscription_id}
            label={`Assign ${s.item.name}`}
            description={`${s.assigned} of ${s.seats} seats in use · serial number ${s.serial_number ?? '—'}`}
            checked={chosen.includes(s.subscription_id)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setChosen((c) =>
                on ? [...c, s.subscription_id] : c.filter((id) => id !== s.subscription_id),
              );
            }}
          />
        ),
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button loading={busy} onClick={() => void save()}>
          Save
        </Button>
      </Group>
    </Stack>
  );
}

function ContractUsers({ teamId, contractId }: { teamId: string; contractId: string }) {
  const [params, setParams] = useSearchParams();
  const loaded = useApi<ClassicUsers>(`/api/v1/contracts/${encodeURIComponent(contractId)}/users`);
  const search = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const editingId = params.get('edit');
  const adding = params.get('add');
  const [imported, setImported] = useState<ImportAnswer | null>(null);

  function setParam(name: string, value: string | null) {
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(name, value);
      else next.delete(name);
      if (name === 'q') next.delete('page');
      return next;
    });
  }

  if (loaded.error && !loaded.data) return <ErrorAlert message={loaded.error} />;
  if (!loaded.data) return <Loading label="Loading the contract's people…" />;
  const data = loaded.data;
  const people = data.items.filter(
    (u) =>
      u.membership_status !== 'removed' &&
      (!search ||
        `${u.first_name} ${u.last_name} ${u.email}`.toLowerCase().includes(search.toLowerCase())),
  );
  const pages = Math.max(1, Math.ceil(people.length / PAGE_SIZE));
  const shown = people.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const editing = data.items.find((u) => u.id === editingId) ?? null;
  const assignable = data.subscriptions.filter((s) => !isFloating(s));

  function saved(person: ClassicUser, ids: string[]) {
    const before = new Set(person.subscription_ids);
    const after = new Set(ids);
    loaded.setData({
      ...data,
      subscriptions: data.subscriptions.map((s) => {
        const delta =
          (after.has(s.subscription_id) ? 1 : 0) - (before.has(s.subscription_id) ? 1 : 0);
        return delta ? { ...s, assigned: s.assigned + delta, available: s.available - delta } : s;
      }),
      items: data.items.map((u) => (u.id === person.id ? { ...u, subscription_ids: ids } : u)),
    });
    setParam('edit', null);
    void loaded.reload();
  }

  return (
    <Stack>
      <Group gap="xs">
        <Button onClick={() => setParam('add', adding === 'one' ? null : 'one')}>Add</Button>
        <Button variant="default" onClick={() => setParam('add', adding === 'csv' ? null : 'csv')}>
          Add from a CSV file
        </Button>
      </Group>
      {adding === 'csv' && (
        <Card withBorder>
          <UserImport
            teamId={teamId}
            onDone={(answer) => {
              setImported(answer);
              void loaded.reload();
            }}
          />
          {imported && <ImportResults answer={imported} />}
        </Card>
      )}
      <Group gap="xs" wrap="wrap">
        {data.subscriptions.map((s) => (
          <Badge key={s.subscription_id} variant="light" color={isFloating(s) ? 'grape' : 'orange'}>
            {s.item.name}:{' '}
            {isFloating(s) ? `${s.seats} floating` : `${s.assigned} of ${s.seats} assigned`}
          </Badge>
        ))}
      </Group>
      {assignable.length === 0 && (
        <Alert color="grape" title="Nothing to assign on this contract">
          Its products are multi-user (network) licenses: they float between computers and nobody
          needs access.
        </Alert>
      )}
      <TextInput
        label="Search people"
        value={search}
        onChange={(e) => setParam('q', e.currentTarget.value)}
        maw={420}
      />
      {people.length === 0 ? (
        <Text>{search ? `Nobody matches “${search}”.` : 'Nobody is in this team yet.'}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="People and their access">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                {assignable.map((s) => (
                  <Table.Th key={s.subscription_id} ta="center">
                    {s.item.name}
                  </Table.Th>
                ))}
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {personName(u)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {u.email} · {roleLabel(u.role)}
                      {u.membership_status === 'invited' ? ' · invited' : ''}
                    </Text>
                  </Table.Td>
                  {assignable.map((s) => (
                    <Table.Td key={s.subscription_id} ta="center">
                      <Checkbox
                        readOnly
                        tabIndex={-1}
                        checked={u.subscription_ids.includes(s.subscription_id)}
                        aria-label={`${personName(u)} has ${s.item.name}`}
                        display="inline-block"
                      />
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      disabled={assignable.length === 0}
                      onClick={() => setParam('edit', u.id)}
                      aria-label={`Edit access of ${personName(u)}`}
                    >
                      Edit access
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={(n) => setParam('page', String(n))}
          aria-label="Pages of people"
        />
      )}
      <Modal
        // Locking the page scroll would add a style element without the policy nonce.
        lockScroll={false}
        opened={adding === 'one'}
        onClose={() => setParam('add', null)}
        title="Add a person to the team"
      >
        <InviteForm
          teamId={teamId}
          note="They are e-mailed an invitation to the team. Then tick the products they may use with Edit access."
          onDone={() => {
            setParam('add', null);
            void loaded.reload();
          }}
        />
      </Modal>
      <Modal
        // Locking the page scroll would add a style element without the policy nonce.
        lockScroll={false}
        opened={editing !== null}
        onClose={() => setParam('edit', null)}
        title={editing ? `Edit access: ${personName(editing)}` : ''}
      >
        {editing && (
          <EditAccess
            contractId={contractId}
            person={editing}
            subscriptions={data.subscriptions}
            onClose={() => setParam('edit', null)}
            onSaved={(ids) => saved(editing, ids)}
          />
        )}
      </Modal>
    </Stack>
  );
}

// Classic user management: who may use a serial-number contract's products.
export default function ClassicUsersPage() {
  const { teamId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { contracts, loading } = useSerialContracts(teamId);
  const chosen = params.get('contract');
  const contractId = contracts.find((c) => c.value === chosen)?.value ?? contracts[0]?.value;

  return (
    <Page
      title="Classic user management"
      description="For serial-number licenses: tick who may use each product of a contract. Sign-in licenses are assigned on By user and By product instead."
    >
      {loading && <Loading label="Loading your serial-number contracts…" />}
      {!loading && contracts.length === 0 && (
        <Alert color="blue" title="No serial-number contracts">
          Every license of this team is activated by signing in: assign them on the By user or By
          product pages.
        </Alert>
      )}
      {contracts.length > 0 && (
        <Select
          label="Contract"
          data={contracts}
          value={contractId ?? null}
          onChange={(value) => setParams(value ? { contract: value } : {})}
          allowDeselect={false}
          maw={320}
        />
      )}
      {contractId && <ContractUsers key={contractId} teamId={teamId} contractId={contractId} />}
    </Page>
  );
}
