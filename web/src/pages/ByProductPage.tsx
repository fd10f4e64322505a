import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';

import { api, ApiError, errorMessage, query } from '../api/client';
import { Pager, useCursor } from '../components/assign/Pager';
import { ProductBadges, ProductLinkCell, SeatCount } from '../components/assign/ProductBadges';
import {
  adjustSeats,
  isFloating,
  isSignInSeat,
  personName,
  roleLabel,
} from '../components/assign/model';
import type { CursorPage, Holder, Member, TeamProduct } from '../components/assign/model';
import { useMembers } from '../components/assign/useMembers';
import { formatDate } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { ListState } from '../components/ListState';

function ProductList({ teamId, products: all }: { teamId: string; products: TeamProduct[] }) {
  // "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
  // license": serial-number access is ticked in classic user management, network seats float.
  const products = all.filter(isSignInSeat);
  const serial = all.filter((p) => !isFloating(p) && !isSignInSeat(p)).length;
  const floating = all.filter(isFloating).length;
  const elsewhere = (serial > 0 || floating > 0) && (
    <Text size="sm" c="dimmed">
      {serial > 0 && (
        <>
          {serial} serial-number {serial === 1 ? 'license is' : 'licenses are'} managed in{' '}
          <Anchor component={Link} to={`/teams/${teamId}/classic-users`}>
            Classic user management
          </Anchor>
          .{' '}
        </>
      )}
      {floating > 0 &&
        `${floating} network ${floating === 1 ? 'license is' : 'licenses are'} shared by the computers that run ${floating === 1 ? 'it' : 'them'} and assigned to no one.`}
    </Text>
  );
  if (products.length === 0) {
    return (
      <Stack>
        <Text>
          {all.length === 0
            ? 'This team has no products or services yet. They appear here once ordered.'
            : 'This team has no sign-in products or services to assign.'}
        </Text>
        {elsewhere}
      </Stack>
    );
  }
  return (
    <Stack>
      {elsewhere}
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover aria-label="Products and services">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product or service</Table.Th>
              <Table.Th>Contract</Table.Th>
              <Table.Th ta="right">Seats</Table.Th>
              <Table.Th ta="right">Assigned</Table.Th>
              <Table.Th ta="right">Available</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {products.map((p) => (
              <Table.Tr key={p.subscription_id}>
                <Table.Td>
                  <ProductLinkCell teamId={teamId} product={p} />
                </Table.Td>
                <Table.Td>{p.contract.number}</Table.Td>
                <Table.Td ta="right">{p.seats}</Table.Td>
                {isFloating(p) ? (
                  <Table.Td colSpan={2} ta="right">
                    <Text size="sm" c="grape">
                      Floating — no assignment needed
                    </Text>
                  </Table.Td>
                ) : (
                  <>
                    <Table.Td ta="right">{p.assigned}</Table.Td>
                    <Table.Td ta="right">
                      <Text span c={p.available <= 0 ? 'red' : undefined} fw={600}>
                        {p.available}
                      </Text>
                    </Table.Td>
                  </>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

// The team's people for the picker: searched on the server as one types.
function usePickerOptions(teamId: string, search: string, exclude: Set<string>) {
  const members = useMembers(teamId, { search, limit: 50 });
  const [known, setKnown] = useState<Record<string, Member>>({});
  const items = members.data?.items;
  const [seen, setSeen] = useState<CursorPage<Member>['items'] | undefined>(undefined);
  if (items && items !== seen) {
    setSeen(items);
    setKnown((k) => ({ ...k, ...Object.fromEntries(items.map((m) => [m.id, m])) }));
  }
  const options = (items ?? [])
    .filter((m) => m.membership_status !== 'removed' && !exclude.has(m.id))
    .map((m) => ({
      value: m.id,
      label: `${personName(m)} <${m.email}>${m.pending ? ' (invited)' : ''}`,
    }));
  return { options, known, loading: members.loading };
}

function Subscription({
  teamId,
  product,
  onSeats,
}: {
  teamId: string;
  product: TeamProduct;
  onSeats: (delta: number) => void;
}) {
  const team = encodeURIComponent(teamId);
  const sub = encodeURIComponent(product.subscription_id);
  const cursor = useCursor();
  const holders = useApi<CursorPage<Holder>>(
    isFloating(product)
      ? null
      : `/api/v1/teams/${team}/subscriptions/${sub}/assignments${query({ after: cursor.after, limit: 25 })}`,
  );
  const [picked, setPicked] = useState<string[]>([]);
  const [searchText, setSearchText] = useState('');
  const [search] = useDebouncedValue(searchText, 250);
  const exclude = useMemo(
    () => new Set((holders.data?.items ?? []).map((h) => h.user_id)),
    [holders.data],
  );
  const picker = usePickerOptions(teamId, search, exclude);
  const [reason, setReason] = useState<string | undefined>();
  const [assigning, setAssigning] = useState(false);
  const [confirm, setConfirm] = useState<Holder | null>(null);
  const [removing, setRemoving] = useState(false);

  // Keep the chosen people in the list even when the search no longer finds them.
  const pickerData = [
    ...picked
      .filter((id) => !picker.options.some((o) => o.value === id))
      .map((id) => {
        const m = picker.known[id];
        return { value: id, label: m ? `${personName(m)} <${m.email}>` : id };
      }),
    ...picker.options,
  ];

  async function assign() {
    setAssigning(true);
    setReason(undefined);
    try {
      const answer = await api<{ assigned: unknown[]; already_assigned: string[] }>(
        `/api/v1/teams/${team}/subscriptions/${sub}/assignments`,
        { method: 'POST', body: { user_ids: picked } },
      );
      onSeats(answer.assigned.length);
      notifySuccess(
        `${product.item.name} assigned to ${answer.assigned.length} ${answer.assigned.length === 1 ? 'person' : 'people'}` +
          (answer.already_assigned.length
            ? ` (${answer.already_assigned.length} already had it)`
            : '') +
          '.',
      );
      setPicked([]);
      await holders.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setReason(errorMessage(e));
      else notifyError(e, 'Nobody was assigned');
    } finally {
      setAssigning(false);
    }
  }

  async function unassign(holder: Holder) {
    setRemoving(true);
    try {
      await api(
        `/api/v1/teams/${team}/subscriptions/${sub}/assignments/${encodeURIComponent(holder.user_id)}`,
        { method: 'DELETE' },
      );
      onSeats(-1);
      holders.setData({
        items: (holders.data?.items ?? []).filter((h) => h.user_id !== holder.user_id),
        next_after: holders.data?.next_after ?? null,
      });
      notifySuccess(
        `${personName(holder)} no longer holds ${product.item.name}; the seat is free.`,
      );
      setConfirm(null);
      void holders.reload();
    } catch (e) {
      notifyError(e, 'The seat could not be unassigned');
    } finally {
      setRemoving(false);
    }
  }

  return (
    <Stack>
      <Card withBorder>
        <Stack gap="xs">
          <Group justify="space-between" wrap="wrap">
            <Title order={2} size="h3">
              {product.item.name}
            </Title>
            <ProductBadges product={product} />
          </Group>
          {product.kind === 'collection' && (
            <Text size="sm">Includes: {product.products.map((p) => p.name).join(', ')}</Text>
          )}
          <Text size="sm">
            Contract {product.contract.number} · ends {formatDate(product.ends_at)}
            {product.serial_number ? ` · serial number ${product.serial_number}` : ''}
          </Text>
          <Group gap="xs" aria-live="polite">
            <Text fw={600}>Seats:</Text>
            <SeatCount product={product} />
          </Group>
        </Stack>
      </Card>

      {isFloating(product) ? (
        <Alert color="grape" title="A network (multi-user) license: nobody is assigned">
          Its {product.seats} seats float: any computer pointed at your license server takes one
          while the product runs and gives it back when it closes. When all are in use the next
          person waits. See the Network licenses report for peaks and denials.
        </Alert>
      ) : (
        <>
          <Card withBorder>
            <Stack gap="xs">
              <Title order={3} size="h4">
                Assign users
              </Title>
              <MultiSelect
                label="People to give a seat"
                description="Search the team by name or e-mail; everyone chosen gets a seat, or nobody does if there are not enough."
                placeholder={picked.length ? undefined : 'Type a name or e-mail'}
                data={pickerData}
                value={picked}
                onChange={setPicked}
                searchable
                searchValue={searchText}
                onSearchChange={setSearchText}
                filter={({ options }) => options}
                nothingFoundMessage={picker.loading ? 'Searching…' : 'Nobody found'}
                clearable
                hidePickedOptions
              />
              {reason && (
                <Alert color="red" title="No seat was assigned" role="alert">
                  {reason}
                </Alert>
              )}
              <Group>
                <Button
                  disabled={picked.length === 0}
                  loading={assigning}
                  onClick={() => void assign()}
                >
                  Assign {picked.length > 0 ? `${picked.length} ` : ''}
                  {picked.length === 1 ? 'person' : 'people'}
                </Button>
              </Group>
            </Stack>
          </Card>

          <Title order={3} size="h4">
            Who holds a seat
          </Title>
          <ListState
            list={holders}
            count={holders.data?.items.length ?? 0}
            loadingLabel="Loading who holds a seat…"
            errorTitle="The holders could not be loaded"
            empty={<Text>Nobody holds a seat of {product.item.name}. Assign people above.</Text>}
          />
          {holders.data && holders.data.items.length > 0 && (
            <Table.ScrollContainer minWidth={600}>
              <Table aria-label="Seat holders">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>E-mail</Table.Th>
                    <Table.Th>Since</Table.Th>
                    <Table.Th aria-label="Actions" />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {holders.data.items.map((h) => (
                    <Table.Tr key={h.user_id}>
                      <Table.Td>
                        <Group gap={6}>
                          <Anchor component={Link} to={`/teams/${teamId}/by-user/${h.user_id}`}>
                            {personName(h)}
                          </Anchor>
                          {h.primary_admin && <Badge size="sm">{roleLabel('primary_admin')}</Badge>}
                          {h.contract_manager && (
                            <Badge size="sm" color="teal">
                              Contract Manager
                            </Badge>
                          )}
                        </Group>
                        {h.primary_admin && (
                          <Text size="xs" c="dimmed">
                            Held by default — unassign it so someone else can use it.
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{h.email}</Table.Td>
                      <Table.Td>{formatDate(h.assigned_at)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => setConfirm(h)}
                          aria-label={`Unassign ${personName(h)}`}
                        >
                          Unassign
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Pager cursor={cursor} nextAfter={holders.data?.next_after} label="Seat holders" />
        </>
      )}

      <Modal
        // Locking the page scroll would add a style element without the policy nonce.
        lockScroll={false}
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={`Unassign ${confirm ? personName(confirm) : ''}?`}
      >
        {confirm && (
          <Stack>
            <Text size="sm">
              {personName(confirm)} loses {product.item.name} at once: the product stops working on
              their computer the next time it checks in, and the seat becomes free for someone else.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button color="red" loading={removing} onClick={() => void unassign(confirm)}>
                Unassign
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

// Pick a product, then the people who get it.
export default function ByProductPage() {
  const params = useParams();
  const teamId = params.teamId ?? '';
  const subscriptionId = (params['*'] ?? '').split('/')[0];
  const products = useApi<{ items: TeamProduct[] }>(
    `/api/v1/teams/${encodeURIComponent(teamId)}/products`,
  );
  const product = products.data?.items.find((p) => p.subscription_id === subscriptionId);

  function onSeats(delta: number) {
    if (!products.data || !subscriptionId) return;
    products.setData({ items: adjustSeats(products.data.items, [subscriptionId], delta) });
    void products.reload();
  }

  return (
    <Page
      title="By product"
      description="Pick a product to see who holds its seats and to assign it to people. New subscriptions are assigned to the Primary Admin: unassign them first to free a seat."
      actions={
        subscriptionId ? (
          <Button component={Link} to={`/teams/${teamId}/by-product`} variant="default">
            All products
          </Button>
        ) : undefined
      }
    >
      <ErrorAlert message={products.error} title="The team's products could not be loaded" />
      {products.loading && !products.data && <Loading label="Loading products…" />}
      {products.data && !subscriptionId && (
        <ProductList teamId={teamId} products={products.data.items} />
      )}
      {products.data && subscriptionId && !product && (
        <Text>This product is not part of the team (any more). Choose one from the list.</Text>
      )}
      {product && (
        <Subscription
          key={product.subscription_id}
          teamId={teamId}
          product={product}
          onSeats={onSeats}
        />
      )}
    </Page>
  );
}
