import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';

import { api, ApiError, errorMessage } from '../api/client';
import { Pager, useCursor } from '../components/assign/Pager';
import { ProductBadges, SeatCount } from '../components/assign/ProductBadges';
import {
  adjustSeats,
  assignCandidates,
  isSignInSeat,
  personName,
  roleLabel,
} from '../components/assign/model';
import type { TeamProduct, UserProducts } from '../components/assign/model';
import { useMembers } from '../components/assign/useMembers';
import { formatDate } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { ListState } from '../components/ListState';
import { useSearchBox } from '../hooks/useSearchBox';

function PeopleList({ teamId }: { teamId: string }) {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const cursor = useCursor();
  const members = useMembers(teamId, { search, after: cursor.after });
  const searchBox = useSearchBox(search, (value) => {
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set('q', value);
      else next.delete('q');
      next.delete('after');
      next.delete('after_trail');
      return next;
    });
  });
  // People who left hold nothing and can be given nothing.
  const rows = (members.data?.items ?? []).filter((m) => m.membership_status !== 'removed');

  return (
    <Stack>
      <TextInput
        label="Search people"
        description="By name or e-mail"
        value={searchBox.text}
        onChange={(e) => searchBox.change(e.currentTarget.value)}
        maw={420}
      />
      <ListState
        list={members}
        count={rows.length}
        loadingLabel="Loading people…"
        errorTitle="The team's people could not be loaded"
        empty={
          <Text>
            {search
              ? `Nobody matches “${search}”.`
              : 'Nobody is in this team yet. Invite people on the Users page.'}
          </Text>
        }
      />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/teams/${teamId}/by-user/${m.id}`}>
                      {personName(m)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>{roleLabel(m.role)}</Table.Td>
                  <Table.Td>
                    <Badge color={m.pending ? 'yellow' : 'green'} variant="light">
                      {m.pending ? 'Invited' : 'Active'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager cursor={cursor} nextAfter={members.data?.next_after} label="People" />
    </Stack>
  );
}

function PersonProducts({ teamId, userId }: { teamId: string; userId: string }) {
  const team = encodeURIComponent(teamId);
  const user = encodeURIComponent(userId);
  const loaded = useApi<UserProducts>(`/api/v1/teams/${team}/users/${user}/products`);
  const [selected, setSelected] = useState<string[]>([]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const teamProducts = useApi<{ items: TeamProduct[] }>(`/api/v1/teams/${team}/products`);
  const data = loaded.data;
  const candidates = data
    ? assignCandidates(data.items, data.assignable ?? [], teamProducts.data?.items ?? [])
    : [];

  function refresh() {
    void loaded.reload();
    void teamProducts.reload();
  }

  function replace(held: TeamProduct[], assignable: TeamProduct[]) {
    if (!data) return;
    loaded.setData({ ...data, items: held, assignable });
  }

  async function assign(ids: string[]) {
    if (!data || ids.length === 0) return;
    setBusy(ids.length === 1 ? (ids[0] ?? 'bulk') : 'bulk');
    try {
      await api(`/api/v1/teams/${team}/users/${user}/products`, {
        method: 'POST',
        body: { subscription_ids: ids },
      });
      const moved = adjustSeats(
        candidates.filter((p) => ids.includes(p.subscription_id)),
        ids,
        1,
      );
      replace(
        [...data.items, ...moved],
        (data.assignable ?? []).filter((p) => !ids.includes(p.subscription_id)),
      );
      setSelected((s) => s.filter((id) => !ids.includes(id)));
      setReasons((r) => Object.fromEntries(Object.entries(r).filter(([id]) => !ids.includes(id))));
      notifySuccess(
        `${personName(data.user)} now has ${ids.length === 1 ? 'the product' : `${ids.length} products`}.`,
      );
      refresh();
    } catch (e) {
      const message = errorMessage(e);
      if (e instanceof ApiError && e.status === 409) {
        // All or nothing: tell it next to the products whose pool is full (or all chosen).
        const full = candidates.filter(
          (p) => ids.includes(p.subscription_id) && message.includes(p.item.name),
        );
        const where = full.length ? full.map((p) => p.subscription_id) : ids;
        setReasons((r) => ({ ...r, ...Object.fromEntries(where.map((id) => [id, message])) }));
        refresh();
      } else {
        notifyError(e, 'The product could not be assigned');
      }
    } finally {
      setBusy(null);
    }
  }

  async function unassign(product: TeamProduct) {
    if (!data) return;
    setBusy(product.subscription_id);
    try {
      await api(
        `/api/v1/teams/${team}/subscriptions/${encodeURIComponent(product.subscription_id)}/assignments/${user}`,
        { method: 'DELETE' },
      );
      const freed = adjustSeats([product], [product.subscription_id], -1);
      replace(
        data.items.filter((p) => p.subscription_id !== product.subscription_id),
        [...freed, ...(data.assignable ?? [])],
      );
      notifySuccess(`${product.item.name} is no longer assigned to ${personName(data.user)}.`);
      refresh();
    } catch (e) {
      notifyError(e, 'The product could not be unassigned');
    } finally {
      setBusy(null);
    }
  }

  if (loaded.error && !data) return <ErrorAlert message={loaded.error} />;
  if (!data) return <Loading label="Loading this person's products…" />;
  const assignable = candidates;

  return (
    <Stack>
      <Title order={2} size="h3">
        {personName(data.user)}{' '}
        <Text span c="dimmed" size="sm">
          {data.user.email}
        </Text>
      </Title>
      <ErrorAlert message={loaded.error} />
      <Title order={3} size="h4">
        Assigned
      </Title>
      {data.items.length === 0 ? (
        <Text>Nothing is assigned to {personName(data.user)} yet. Pick products below.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Assigned products">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product or service</Table.Th>
                <Table.Th>Contract</Table.Th>
                <Table.Th>Seats</Table.Th>
                <Table.Th>Since</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((p) => (
                <Table.Tr key={p.subscription_id}>
                  <Table.Td>
                    <Stack gap={4}>
                      <Text fw={600}>{p.item.name}</Text>
                      <ProductBadges product={p} />
                    </Stack>
                  </Table.Td>
                  <Table.Td>{p.contract.number}</Table.Td>
                  <Table.Td>
                    <SeatCount product={p} />
                  </Table.Td>
                  <Table.Td>{formatDate(p.assigned_at)}</Table.Td>
                  <Table.Td>
                    {isSignInSeat(p) ? (
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        loading={busy === p.subscription_id}
                        onClick={() => void unassign(p)}
                        aria-label={`Unassign ${p.item.name}`}
                      >
                        Unassign
                      </Button>
                    ) : (
                      <Anchor
                        component={Link}
                        size="sm"
                        to={`/teams/${team}/classic-users?contract=${encodeURIComponent(p.contract.id)}`}
                      >
                        Serial number: change in Classic user management
                      </Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between">
        <Title order={3} size="h4">
          Available to assign
        </Title>
        <Button
          disabled={selected.length === 0}
          loading={busy === 'bulk'}
          onClick={() => void assign(selected)}
        >
          Assign selected ({selected.length})
        </Button>
      </Group>
      {assignable.length === 0 ? (
        <Text>There is nothing else this person can be given in this team.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Products available to assign">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <Checkbox
                    aria-label="Select every product"
                    checked={selected.length === assignable.length}
                    indeterminate={selected.length > 0 && selected.length < assignable.length}
                    onChange={(e) =>
                      setSelected(
                        e.currentTarget.checked ? assignable.map((p) => p.subscription_id) : [],
                      )
                    }
                  />
                </Table.Th>
                <Table.Th>Product or service</Table.Th>
                <Table.Th>Contract</Table.Th>
                <Table.Th>Seats</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {assignable.map((p) => (
                <Table.Tr key={p.subscription_id}>
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${p.item.name}`}
                      checked={selected.includes(p.subscription_id)}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setSelected((s) =>
                          on
                            ? [...s, p.subscription_id]
                            : s.filter((id) => id !== p.subscription_id),
                        );
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      <Text fw={600}>{p.item.name}</Text>
                      <ProductBadges product={p} />
                      {reasons[p.subscription_id] && (
                        <Alert color="red" p="xs" role="alert" title="Cannot assign">
                          {reasons[p.subscription_id]}
                        </Alert>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>{p.contract.number}</Table.Td>
                  <Table.Td>
                    <SeatCount product={p} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      loading={busy === p.subscription_id}
                      onClick={() => void assign([p.subscription_id])}
                      aria-label={`Assign ${p.item.name}`}
                    >
                      Assign
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="sm" c="dimmed">
        Multi-user (network) products are not listed: they float between computers and need no
        assignment.
      </Text>
    </Stack>
  );
}

// Pick a person, then give them products or take them back.
export default function ByUserPage() {
  const params = useParams();
  const teamId = params.teamId ?? '';
  const userId = (params['*'] ?? '').split('/')[0];
  return (
    <Page
      title="By user"
      description="Pick a person to see what they hold and assign more. New subscriptions sit with the Primary Admin until they unassign them."
      actions={
        userId ? (
          <Button component={Link} to={`/teams/${teamId}/by-user`} variant="default">
            All people
          </Button>
        ) : (
          <Button component={Link} to={`/teams/${teamId}/users?invite=1`} variant="default">
            Invite people
          </Button>
        )
      }
    >
      {userId ? (
        <PersonProducts key={userId} teamId={teamId} userId={userId} />
      ) : (
        <PeopleList teamId={teamId} />
      )}
    </Page>
  );
}
