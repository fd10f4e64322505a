import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';

import { api, ApiError, query } from '../api/client';
import { ConfirmAction } from '../components/admin/ConfirmAction';
import { ListPager, useCursor } from '../components/admin/CursorPager';
import type { CursorPage } from '../api/types';
import { SecretValue } from '../components/admin/SecretValue';
import { formatDateTime } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { ListState } from '../components/ListState';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

interface Delivery {
  id: string;
  event_id: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string;
  created_at: string;
  delivered_at: string | null;
}

// The events a team can subscribe to (the server's list), with what each means.
export const webhookEvents: { name: string; description: string }[] = [
  { name: 'user.invited', description: 'a person was invited to the team' },
  { name: 'invitation.expired', description: 'an invitation ran out unanswered' },
  { name: 'seat.assigned', description: 'a seat was assigned to a user' },
  { name: 'seat.unassigned', description: 'a seat was taken back' },
  { name: 'device.activated', description: 'a computer activated a product' },
  { name: 'device.out_of_date', description: 'a device has not checked in for 30 days' },
  { name: 'lease.denied', description: 'a network seat was refused: all in use' },
  { name: 'contract.expiring', description: 'a contract nears its end' },
  { name: 'contract.expired', description: 'a contract ended' },
];

function statusColor(status: string) {
  if (status === 'delivered') return 'green';
  if (status === 'pending') return 'blue';
  return 'red';
}

function Deliveries({ base, endpoint }: { base: string; endpoint: Endpoint }) {
  const cursor = useCursor('after');
  const list = useApi<CursorPage<Delivery>>(
    `${base}/${encodeURIComponent(endpoint.id)}/deliveries${query({ after: cursor.after, limit: 20 })}`,
  );
  const items = list.data?.items ?? [];
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Deliveries to {endpoint.url}
          </Title>
          <Button variant="default" size="xs" onClick={() => void list.reload()}>
            Refresh
          </Button>
        </Group>
        <ListState
          list={list}
          count={items.length}
          loadingLabel="Loading deliveries…"
          empty={
            <Text size="sm" c="dimmed">
              Nothing was sent to this endpoint yet. Send a test ping to check it.
            </Text>
          }
        />
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table striped aria-label="Deliveries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempts</Table.Th>
                  <Table.Th>Last response</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Delivered / next try</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td ff="monospace">{d.event}</Table.Td>
                    <Table.Td>
                      <Badge color={statusColor(d.status)} variant="light">
                        {d.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{d.attempts}</Table.Td>
                    <Table.Td>
                      {d.last_status_code ? `HTTP ${d.last_status_code}` : '—'}
                      {d.last_error && (
                        <Text size="xs" c="red.8" maw={280}>
                          {d.last_error}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(d.created_at)}</Table.Td>
                    <Table.Td>
                      {d.delivered_at
                        ? formatDateTime(d.delivered_at)
                        : d.next_attempt_at
                          ? `next try ${formatDateTime(d.next_attempt_at)}`
                          : '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <ListPager
          cursor={cursor}
          nextAfter={list.data?.next_after}
          count={items.length}
          noun="deliveries"
        />
      </Stack>
    </Paper>
  );
}

function CreateEndpoint({
  base,
  onCreated,
}: {
  base: string;
  onCreated: (e: Endpoint & { secret: string }) => void;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ url?: string; events?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next: { url?: string; events?: string } = {};
    if (!/^https:\/\/.+/.test(url.trim())) next.url = 'Enter an https:// address.';
    if (events.length === 0) next.events = 'Choose at least one event.';
    setErrors(next);
    if (next.url || next.events) return;
    setBusy(true);
    try {
      const created = await api<Endpoint & { secret: string }>(base, {
        method: 'POST',
        body: { url: url.trim(), events },
      });
      setUrl('');
      setEvents([]);
      notifySuccess('Endpoint added.');
      onCreated(created);
    } catch (e) {
      if (e instanceof ApiError && (e.fieldMessage('url') || e.fieldMessage('events'))) {
        setErrors({ url: e.fieldMessage('url'), events: e.fieldMessage('events') });
      } else {
        notifyError(e, 'The endpoint was not added');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={2} size="h4">
            Add an endpoint
          </Title>
          <TextInput
            label="Endpoint URL"
            description="Seatwise POSTs a signed JSON message here for each event you choose."
            placeholder="https://example.com/seatwise-hook"
            required
            type="url"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={errors.url}
          />
          <Checkbox.Group
            label="Events"
            description="Which happenings in this team are sent."
            value={events}
            onChange={setEvents}
            error={errors.events}
            required
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
              {webhookEvents.map((e) => (
                <Checkbox
                  key={e.name}
                  value={e.name}
                  label={
                    <Text ff="monospace" size="sm">
                      {e.name}
                    </Text>
                  }
                  description={e.description}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Group>
            <Button type="submit" loading={busy}>
              Add endpoint
            </Button>
            <Button
              variant="subtle"
              onClick={() => setEvents(webhookEvents.map((e) => e.name))}
              type="button"
            >
              Choose all events
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

export default function WebhooksPage() {
  const { teamId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const selected = params.get('endpoint') ?? '';
  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/webhooks`;
  const list = useApi<{ items: Endpoint[] }>(base);
  const [secret, setSecret] = useState<{ url: string; secret: string; rotated: boolean } | null>(
    null,
  );
  const items = list.data?.items ?? [];
  const current = items.find((e) => e.id === selected);

  function select(id: string | null) {
    setParams(id ? { endpoint: id } : {});
  }

  async function act<T>(label: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const answer = await run();
      notifySuccess(label);
      await list.reload();
      return answer;
    } catch (e) {
      notifyError(e);
      return undefined;
    }
  }

  const path = (e: Endpoint) => `${base}/${encodeURIComponent(e.id)}`;

  return (
    <Page
      title="Webhooks"
      description="Tell your own systems when something happens in this team. Each message is signed with the endpoint's secret so the receiver can check it came from Seatwise."
    >
      {secret && (
        <Alert
          color="yellow"
          title={secret.rotated ? 'New signing secret' : 'Signing secret of the new endpoint'}
          role="status"
        >
          <Stack gap="sm">
            <Text size="sm">
              Copy it into the receiver at {secret.url} now: it is shown only once.
              {secret.rotated && ' The old secret no longer signs messages.'}
            </Text>
            <SecretValue label="Signing secret" value={secret.secret} />
            <Group>
              <Button variant="default" onClick={() => setSecret(null)}>
                I have copied it
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading endpoints…"
        errorTitle="The endpoints could not be loaded"
        empty="This team has no webhook endpoints yet. Add one below."
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped aria-label="Endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>URL</Table.Th>
                <Table.Th>Events</Table.Th>
                <Table.Th>Active</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id} bg={e.id === selected ? 'blue.0' : undefined}>
                  <Table.Td maw={300}>
                    <Text size="sm" ff="monospace" truncate="end" title={e.url}>
                      {e.url}
                    </Text>
                    <Text size="xs" c="dimmed">
                      added {formatDateTime(e.created_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {e.events.map((name) => (
                        <Badge key={name} variant="outline" size="sm" tt="none">
                          {name}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={e.enabled}
                      aria-label={`Send events to ${e.url}`}
                      onChange={(event) => {
                        const enabled = event.currentTarget.checked;
                        void act(enabled ? 'Endpoint turned on.' : 'Endpoint paused.', () =>
                          api(path(e), { method: 'PATCH', body: { enabled } }),
                        );
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => select(e.id === selected ? null : e.id)}
                      >
                        {e.id === selected ? 'Hide deliveries' : 'Deliveries'}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() =>
                          void act('Test ping queued; see the deliveries.', async () => {
                            await api(`${path(e)}/ping`, { method: 'POST' });
                            select(e.id);
                          })
                        }
                      >
                        Send test ping
                      </Button>
                      <ConfirmAction
                        size="xs"
                        variant="default"
                        label="Rotate secret"
                        title="Rotate the signing secret?"
                        message="A new secret signs every message from now on; the receiver must be given it, or it will reject them."
                        confirmLabel="Rotate secret"
                        onConfirm={async () => {
                          const answer = await act('Signing secret rotated.', () =>
                            api<Endpoint & { secret: string }>(`${path(e)}/rotate-secret`, {
                              method: 'POST',
                            }),
                          );
                          if (answer)
                            setSecret({ url: e.url, secret: answer.secret, rotated: true });
                        }}
                      />
                      <ConfirmAction
                        size="xs"
                        color="red"
                        variant="light"
                        label="Delete"
                        aria-label={`Delete ${e.url}`}
                        title="Delete this endpoint?"
                        message={`Nothing more is sent to ${e.url}.`}
                        confirmLabel="Delete endpoint"
                        onConfirm={async () => {
                          await act('Endpoint deleted.', () => api(path(e), { method: 'DELETE' }));
                          if (e.id === selected) select(null);
                        }}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {current && <Deliveries base={base} endpoint={current} />}
      <CreateEndpoint
        base={base}
        onCreated={(e) => {
          setSecret({ url: e.url, secret: e.secret, rotated: false });
          void list.reload();
        }}
      />
    </Page>
  );
}
