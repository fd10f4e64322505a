import {
  Autocomplete,
  Badge,
  Button,
  Code,
  Collapse,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { Fragment, useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useParams, useSearchParams } from 'react-router';

import { download, query } from '../api/client';
import {
  activeFilterCount,
  auditApiParams,
  diffRows,
  emptyAuditFilters,
  outcomeOf,
  readAuditFilters,
} from '../components/admin/auditQuery';
import type { AuditFilters } from '../components/admin/auditQuery';
import { CursorPager } from '../components/admin/CursorPager';
import type { CursorPage } from '../api/types';
import { formatDateTime } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { displayName } from '../session/access';
import { ListState } from '../components/ListState';

interface AuditEntry {
  id: string;
  seq: number;
  at: string;
  actor_id: string | null;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  ip: string;
  request_id: string;
  before: unknown;
  after: unknown;
  outcome: string;
  detail: string;
}

interface TeamUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
}

// Actions people most often look for; the field takes any action name.
const commonActions = [
  'assignment.create',
  'assignment.delete',
  'user.invite',
  'user.remove',
  'user.import',
  'secondary_admin.appoint',
  'secondary_admin.remove',
  'primary_admin.hand_over',
  'device.rename',
  'device.update',
  'contract.renew',
  'contract.migrate_to_sign_in',
  'webhook.create',
  'webhook.delete',
  'auth.sign_in',
  'user.mfa_reset',
];

const targetTypes = [
  'user',
  'team',
  'contract',
  'subscription',
  'device',
  'webhook_endpoint',
  'invitation',
  'account',
];

function outcomeColor(outcome: string) {
  if (outcome === 'allowed') return 'green';
  if (outcome === 'denied') return 'red';
  return 'orange';
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const rows = diffRows(entry.before, entry.after);
  return (
    <Stack gap="xs" p="sm">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <Text size="sm">
          <strong>Target:</strong> {entry.target_type} <Code>{entry.target_id || '—'}</Code>
        </Text>
        <Text size="sm">
          <strong>From address:</strong> {entry.ip || '—'}
        </Text>
        <Text size="sm">
          <strong>Request:</strong> <Code>{entry.request_id || '—'}</Code>
        </Text>
      </SimpleGrid>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          This entry records no before or after state.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table withTableBorder fz="sm" aria-label="Before and after">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>Before</Table.Th>
                <Table.Th>After</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.field} bg={row.changed ? 'yellow.0' : undefined}>
                  <Table.Td ff="monospace">
                    {row.field}
                    {row.changed && (
                      <Badge ml="xs" size="xs" color="yellow" variant="light">
                        changed
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td c={row.changed ? 'red.8' : undefined}>{row.before || '—'}</Table.Td>
                  <Table.Td c={row.changed ? 'green.8' : undefined}>{row.after || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export default function AuditPage() {
  const { teamId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const filters = readAuditFilters(params);
  const after = params.get('after') ?? '';
  const open = params.get('entry') ?? '';
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const [exporting, setExporting] = useState(false);
  const filterKey = JSON.stringify(filters);

  // The form follows the address (back/forward, a clicked actor).
  useEffect(() => {
    setDraft(JSON.parse(filterKey) as AuditFilters);
  }, [filterKey]);

  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/audit`;
  const list = useApi<CursorPage<AuditEntry>>(base + query(auditApiParams(filters, after)));
  const users = useApi<{ items: TeamUser[] }>(
    `/api/v1/teams/${encodeURIComponent(teamId)}/users?limit=200`,
  );
  const names = useMemo(() => {
    const map = new Map<string, string>();
    for (const u of users.data?.items ?? []) map.set(u.id, displayName(u));
    return map;
  }, [users.data]);
  const actorOptions = [...names.entries()]
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (filters.actor && !names.has(filters.actor)) {
    actorOptions.unshift({ value: filters.actor, label: filters.actor });
  }

  function setAddress(next: AuditFilters, extra: Record<string, string> = {}) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) search.set(key, value);
    for (const [key, value] of Object.entries(extra)) if (value) search.set(key, value);
    setParams(search);
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    setAddress({
      ...draft,
      action: draft.action.trim(),
      target_type: draft.target_type.trim(),
      target_id: draft.target_id.trim(),
    });
  }

  function toggle(id: string) {
    const copy = new URLSearchParams(params);
    if (open === id) copy.delete('entry');
    else copy.set('entry', id);
    setParams(copy, { replace: true });
  }

  async function exportCsv() {
    setExporting(true);
    try {
      const name = await download(base + query(auditApiParams(filters, '', 'csv')), 'audit.csv');
      notifySuccess(`Downloaded ${name}.`);
    } catch (e) {
      notifyError(e, 'The export did not work');
    } finally {
      setExporting(false);
    }
  }

  const actorName = (entry: AuditEntry) => {
    if (!entry.actor_id) return entry.actor_role === 'system' ? 'Seatwise (automatic)' : '—';
    return names.get(entry.actor_id) ?? entry.actor_id;
  };
  const items = list.data?.items ?? [];
  const filtered = activeFilterCount(filters) > 0;

  return (
    <Page
      title="Audit log"
      description="Who did what in this team, when and from where — including refused attempts. Newest first. Open an entry to see what changed."
      actions={
        <Button variant="default" onClick={() => void exportCsv()} loading={exporting}>
          Export CSV
        </Button>
      }
    >
      <Paper withBorder p="md">
        <form onSubmit={apply} aria-label="Audit filters">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
              <Select
                label="Actor"
                placeholder={users.error ? 'Not available' : 'Anyone'}
                searchable
                clearable
                data={actorOptions}
                value={draft.actor || null}
                onChange={(value) => setDraft({ ...draft, actor: value ?? '' })}
                nothingFoundMessage="No such person in this team"
              />
              <Autocomplete
                label="Action"
                placeholder="Any, e.g. user.invite"
                data={commonActions}
                value={draft.action}
                onChange={(value) => setDraft({ ...draft, action: value })}
              />
              <Autocomplete
                label="Target type"
                placeholder="Any, e.g. user"
                data={targetTypes}
                value={draft.target_type}
                onChange={(value) => setDraft({ ...draft, target_type: value })}
              />
              <TextInput
                label="Target ID"
                placeholder="Any"
                value={draft.target_id}
                onChange={(e) => setDraft({ ...draft, target_id: e.currentTarget.value })}
              />
              <Select
                label="Outcome"
                data={[
                  { value: '', label: 'Done and refused' },
                  { value: 'allowed', label: 'Done' },
                  { value: 'denied', label: 'Refused attempts only' },
                ]}
                value={draft.outcome}
                onChange={(value) => setDraft({ ...draft, outcome: outcomeOf(value) })}
                allowDeselect={false}
              />
              <TextInput
                label="From (day, UTC)"
                type="date"
                value={draft.from}
                onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
              />
              <TextInput
                label="To (day, UTC, included)"
                type="date"
                value={draft.to}
                onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
              />
            </SimpleGrid>
            <Group>
              <Button type="submit">Apply filters</Button>
              {filtered && (
                <Button variant="default" onClick={() => setAddress(emptyAuditFilters)}>
                  Clear filters
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Paper>

      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading the audit log…"
        errorTitle="The audit log could not be loaded"
        empty={
          <Text c="dimmed">
            {filtered
              ? 'No entries match these filters. Widen the dates or clear a filter.'
              : 'Nothing has been recorded for this team yet.'}
          </Text>
        }
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover aria-label="Audit entries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Target</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((entry) => (
                <Fragment key={entry.id}>
                  <Table.Tr data-testid="audit-row">
                    <Table.Td>{formatDateTime(entry.at)}</Table.Td>
                    <Table.Td>
                      {entry.actor_id ? (
                        <Button
                          variant="subtle"
                          size="compact-sm"
                          onClick={() => setAddress({ ...filters, actor: entry.actor_id ?? '' })}
                          title="Show only this person's actions"
                        >
                          {actorName(entry)}
                        </Button>
                      ) : (
                        actorName(entry)
                      )}
                      <Text size="xs" c="dimmed">
                        {entry.actor_role.replace(/_/g, ' ')}
                      </Text>
                    </Table.Td>
                    <Table.Td ff="monospace">{entry.action}</Table.Td>
                    <Table.Td>
                      {entry.target_type}
                      <Text size="xs" c="dimmed" ff="monospace">
                        {entry.target_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={outcomeColor(entry.outcome)} variant="light">
                        {entry.outcome}
                      </Badge>
                      {entry.detail && (
                        <Text size="xs" c="dimmed" maw={260}>
                          {entry.detail}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        variant="default"
                        size="compact-sm"
                        onClick={() => toggle(entry.id)}
                        aria-expanded={open === entry.id}
                        aria-label={`${open === entry.id ? 'Hide' : 'Show'} changes of ${entry.action} at ${formatDateTime(entry.at)}`}
                      >
                        {open === entry.id ? 'Hide' : 'Changes'}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {open === entry.id && (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Collapse in>
                          <EntryDetails entry={entry} />
                        </Collapse>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CursorPager
        after={after}
        nextAfter={list.data?.next_after}
        count={items.length}
        noun="entries"
        onNext={(cursor) => setAddress(filters, { after: cursor })}
        onFirst={() => setAddress(filters)}
      />
    </Page>
  );
}
