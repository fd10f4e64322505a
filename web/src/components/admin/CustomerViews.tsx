import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  List,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';

import { api, ApiError, errorMessage, query } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formatDate, formatDateTime, formatNumber, relativeDays } from '../format';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading, Page } from '../Page';
import { ConfirmAction } from './ConfirmAction';
import { ListPager, useCursor } from './CursorPager';
import { TeamsSection } from './TeamsSection';
import { accessLabel, activationLabel, modelLabel } from './customerTypes';
import type {
  Account,
  AccountDetails,
  ContractDetails,
  MigrationAnswer,
  CursorPage,
} from './customerTypes';
import { ListState } from '../ListState';
import { CompanyChangeRequests } from '../insight/CompanyRequests';

// base: the console's path; home: its customer list (default: base).
export interface ConsoleProps {
  base: string;
  rootLabel: string;
  home?: string;
}

function statusColor(status: string) {
  if (status === 'active' || status === 'renewed') return 'green';
  if (status === 'expiring') return 'orange';
  return 'red';
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={statusColor(status)} variant="light">
      {status}
    </Badge>
  );
}

function Crumbs({ items }: { items: { label: string; to?: string }[] }) {
  return (
    <Breadcrumbs aria-label="You are here">
      {items.map((item) =>
        item.to ? (
          <Anchor component={Link} to={item.to} key={item.label} size="sm">
            {item.label}
          </Anchor>
        ) : (
          <Text size="sm" key={item.label}>
            {item.label}
          </Text>
        ),
      )}
    </Breadcrumbs>
  );
}

function address(company: Account['company']) {
  return [
    company.address_line1,
    company.address_line2,
    company.postal_code,
    company.city,
    company.region,
    company.country,
  ]
    .filter(Boolean)
    .join(', ');
}

// The customer accounts the reseller (or, for an operator, everyone) serves.
export function CustomerList({
  base,
  title,
  intro,
}: {
  base: string;
  title: string;
  intro: ReactNode;
}) {
  const cursor = useCursor();
  const list = useApi<CursorPage<Account>>(
    `/api/v1/accounts${query({ after: cursor.after, limit: 25 })}`,
  );
  const items = list.data?.items ?? [];
  return (
    <Page title={title} description={intro}>
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading customers…"
        errorTitle="The customers could not be loaded"
        empty="No customer accounts yet."
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover aria-label="Customers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Company</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Customer since</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((account) => (
                <Table.Tr key={account.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/customers/${account.id}`}>
                      {account.company.name || account.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{address(account.company) || '—'}</Table.Td>
                  <Table.Td>{formatDate(account.created_at)}</Table.Td>
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
        noun="customers"
      />
    </Page>
  );
}

// One customer: company, teams, contracts; a new order starts here.
export function CustomerDetail({ base, rootLabel, home }: ConsoleProps) {
  const { accountId = '' } = useParams();
  const account = useApi<AccountDetails>(`/api/v1/accounts/${encodeURIComponent(accountId)}`);
  const data = account.data;
  const teamName = (id: string) => data?.teams.find((t) => t.id === id)?.name ?? id;
  return (
    <Page
      title={data?.company.name || 'Customer'}
      description={data ? address(data.company) : undefined}
      actions={
        data && (
          <Button component={Link} to={`${base}/customers/${accountId}/orders/new`}>
            New order
          </Button>
        )
      }
    >
      <Crumbs
        items={[
          { label: rootLabel, to: home ?? base },
          { label: data?.company.name || 'Customer' },
        ]}
      />
      <ErrorAlert message={account.error} title="The customer could not be loaded" />
      {account.loading && !data && <Loading label="Loading the customer…" />}
      {data && (
        <>
          <TeamsSection accountId={accountId} teams={data.teams} onChanged={account.reload} />
          <Title order={2} size="h4">
            Contracts
          </Title>
          {data.contracts.length === 0 ? (
            <Text c="dimmed">No contracts yet: place an order to create one.</Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table striped highlightOnHover aria-label="Contracts">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Contract</Table.Th>
                    <Table.Th>Team</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Term</Table.Th>
                    <Table.Th>Ends</Table.Th>
                    <Table.Th>Cloud credits</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.contracts.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={`${base}/customers/${accountId}/contracts/${c.id}`}
                        >
                          {c.number}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {c.subscription_ref}
                        </Text>
                      </Table.Td>
                      <Table.Td>{teamName(c.team_id)}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={c.status} />
                      </Table.Td>
                      <Table.Td>{c.term_months} months</Table.Td>
                      <Table.Td>
                        {formatDate(c.ends_at)}
                        <Text size="xs" c="dimmed">
                          {relativeDays(c.ends_at)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{formatNumber(c.credit_balance)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Page>
  );
}

function RenewPanel({
  contract,
  onDone,
}: {
  contract: ContractDetails;
  onDone: () => Promise<void>;
}) {
  const [term, setTerm] = useState<number | string>(contract.term_months);
  const [seats, setSeats] = useState<Record<string, number | string>>(
    Object.fromEntries(contract.products.map((p) => [p.subscription_id, p.seats])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    const changes = contract.products
      .filter((p) => Number(seats[p.subscription_id]) !== p.seats)
      .map((p) => ({
        subscription_id: p.subscription_id,
        seats: Number(seats[p.subscription_id]),
      }));
    setBusy(true);
    try {
      const renewed = await api<{ ends_at: string }>(
        `/api/v1/contracts/${encodeURIComponent(contract.id)}/renew`,
        {
          method: 'POST',
          body: { term_months: Number(term), ...(changes.length ? { seats: changes } : {}) },
        },
      );
      notifySuccess(`Contract ${contract.number} renewed until ${formatDate(renewed.ends_at)}.`);
      await onDone();
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        const mapped: Record<string, string> = {};
        for (const { field, message } of e.problem.errors) {
          const seat = /^seats\[(\d+)\]/.exec(field);
          if (seat) mapped[changes[Number(seat[1])]?.subscription_id ?? 'form'] = message;
          else mapped[field === 'term_months' ? 'term' : 'form'] = message;
        }
        setErrors(mapped);
      } else {
        notifyError(e, 'The contract was not renewed');
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
            Renew
          </Title>
          <Text size="sm" c="dimmed">
            Extends the contract by a new term from its current end ({formatDate(contract.ends_at)}
            ). Change seat counts here to add or remove seats at renewal. The Software Coordinator,
            if any, is reset to the Contract Manager.
          </Text>
          <ErrorAlert message={errors.form} />
          <NumberInput
            label="New term (months)"
            min={1}
            max={60}
            value={term}
            onChange={setTerm}
            error={errors.term}
            maw={200}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {contract.products.map((p) => (
              <NumberInput
                key={p.subscription_id}
                label={`Seats of ${p.name}`}
                description={`Now ${p.seats}, ${p.assigned} assigned`}
                min={1}
                value={seats[p.subscription_id]}
                onChange={(value) => setSeats({ ...seats, [p.subscription_id]: value })}
                error={errors[p.subscription_id]}
              />
            ))}
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={busy}>
              Renew contract
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function MigrationTable({
  answer,
  contract,
}: {
  answer: MigrationAnswer;
  contract: ContractDetails;
}) {
  const holder = (id: string | null) => {
    if (!id) return '—';
    if (contract.contract_manager?.id === id)
      return `${contract.contract_manager.name} (Primary Admin)`;
    return 'the Primary Admin';
  };
  return (
    <Stack gap="sm">
      {answer.migrated.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table
            withTableBorder
            aria-label={answer.dry_run ? 'Would switch to sign-in' : 'Switched to sign-in'}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product</Table.Th>
                <Table.Th>Serial number</Table.Th>
                <Table.Th>Seats</Table.Th>
                <Table.Th>Assignments ended</Table.Th>
                <Table.Th>Activations revoked</Table.Th>
                <Table.Th>Seats then held by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {answer.migrated.map((m) => (
                <Table.Tr key={m.subscription_id}>
                  <Table.Td>{m.product}</Table.Td>
                  <Table.Td ff="monospace">{m.serial_number}</Table.Td>
                  <Table.Td>{m.seats}</Table.Td>
                  <Table.Td>{m.assignments_ended}</Table.Td>
                  <Table.Td>{m.activations_revoked}</Table.Td>
                  <Table.Td>{holder(m.seats_held_by)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {answer.skipped.length > 0 && (
        <>
          <Text size="sm" fw={500}>
            Not switched (they keep working as they are):
          </Text>
          <List size="sm">
            {answer.skipped.map((s) => (
              <List.Item key={s.subscription_id}>
                {s.product}: {s.reason}
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Stack>
  );
}

function MigrationPanel({
  contract,
  onDone,
}: {
  contract: ContractDetails;
  onDone: () => Promise<void>;
}) {
  const [preview, setPreview] = useState<MigrationAnswer | null>(null);
  const [done, setDone] = useState<MigrationAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const path = `/api/v1/contracts/${encodeURIComponent(contract.id)}/migrate-to-sign-in`;

  async function dryRun() {
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      setPreview(await api<MigrationAnswer>(path, { method: 'POST', body: { dry_run: true } }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    try {
      const answer = await api<MigrationAnswer>(path, { method: 'POST', body: { dry_run: false } });
      setDone(answer);
      setPreview(null);
      notifySuccess(`${answer.migrated.length} subscription(s) switched to sign-in.`);
      await onDone();
    } catch (e) {
      notifyError(e, 'Nothing was switched');
      throw e;
    }
  }

  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          Switch serial numbers to sign-in
        </Title>
        <Text size="sm">
          Single-user serial-number subscriptions move to <strong>sign-in</strong> activation: each
          user then signs in with their own account instead of typing a serial number. What happens:
        </Text>
        <List size="sm" spacing={4}>
          <List.Item>
            The Contract Manager and Primary Admin are e-mailed before the switch.
          </List.Item>
          <List.Item>
            Afterwards all the seats sit with the Primary Admin, who must unassign and reassign them
            to the users.
          </List.Item>
          <List.Item>Computers still using the serial number are told to sign in.</List.Item>
          <List.Item>Network (multi-user) and perpetual licenses are never switched.</List.Item>
        </List>
        <Text size="sm" c="dimmed">
          Start with a dry run: it shows what would change and changes nothing.
        </Text>
        <ErrorAlert message={error} title="The dry run did not work" />
        <Group>
          <Button
            variant={preview ? 'default' : 'filled'}
            onClick={() => void dryRun()}
            loading={busy}
          >
            {preview ? 'Run the dry run again' : 'Dry run: show what would change'}
          </Button>
        </Group>
        {preview && (
          <Alert color="blue" title="Dry run — nothing has changed yet" role="status">
            <Stack>
              {preview.migrated.length === 0 ? (
                <Text size="sm">Nothing on this contract would be switched.</Text>
              ) : (
                <Text size="sm">
                  {preview.migrated.length} subscription(s) would switch to sign-in.
                </Text>
              )}
              <MigrationTable answer={preview} contract={contract} />
              {preview.migrated.length > 0 && (
                <Group>
                  <ConfirmAction
                    label="Switch to sign-in…"
                    title={`Switch contract ${contract.number} to sign-in?`}
                    message={`${preview.migrated.length} subscription(s) switch to sign-in. Their serial numbers stop working and the seats go to the Primary Admin to reassign. This cannot be undone.`}
                    confirmLabel="Switch now"
                    onConfirm={apply}
                  />
                </Group>
              )}
            </Stack>
          </Alert>
        )}
        {done && (
          <Alert color="green" title="Switched to sign-in" role="status">
            <Stack>
              <Text size="sm">
                Tell the Primary Admin to assign the seats to the users now (User management → By
                product).
              </Text>
              <MigrationTable answer={done} contract={contract} />
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function orderSummary(details: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (value === null || typeof value === 'object') continue;
    parts.push(`${key.replace(/_/g, ' ')}: ${String(value)}`);
  }
  const lines = details.subscriptions;
  if (Array.isArray(lines)) parts.push(`${lines.length} line(s)`);
  return parts.join(' · ') || '—';
}

const panels = ['products', 'company', 'renew', 'migrate'] as const;

// One contract: products and seats, orders, and the renew and migrate actions.
export function ContractView({ base, rootLabel, home }: ConsoleProps) {
  const { accountId = '', contractId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const panel = panels.find((p) => p === params.get('panel')) ?? 'products';
  const contract = useApi<ContractDetails>(`/api/v1/contracts/${encodeURIComponent(contractId)}`);
  const c = contract.data;
  const serialLines = c?.products.filter((p) => p.activation === 'serial_number') ?? [];
  return (
    <Page
      title={c ? `Contract ${c.number}` : 'Contract'}
      description={c ? `${c.company_name} · team ${c.team.name}` : undefined}
    >
      <Crumbs
        items={[
          { label: rootLabel, to: home ?? base },
          { label: c?.company_name || 'Customer', to: `${base}/customers/${accountId}` },
          { label: c ? c.number : 'Contract' },
        ]}
      />
      <ErrorAlert message={contract.error} title="The contract could not be loaded" />
      {contract.loading && !c && <Loading label="Loading the contract…" />}
      {c && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
            <Text size="sm">
              <strong>Status:</strong> <StatusBadge status={c.status} />
            </Text>
            <Text size="sm">
              <strong>Term:</strong> {c.term_months} months, {formatDate(c.starts_at)} –{' '}
              {formatDate(c.ends_at)} ({relativeDays(c.ends_at)})
            </Text>
            <Text size="sm">
              <strong>Contract Manager:</strong>{' '}
              {c.contract_manager
                ? `${c.contract_manager.name} (${c.contract_manager.email})`
                : '—'}
            </Text>
            <Text size="sm">
              <strong>Software Coordinator:</strong>{' '}
              {c.software_coordinator
                ? `${c.software_coordinator.name} (${c.software_coordinator.email})`
                : '—'}
            </Text>
          </SimpleGrid>
          <SegmentedControl
            aria-label="Contract panel"
            value={panel}
            onChange={(value) => setParams(value === 'products' ? {} : { panel: value })}
            data={[
              { value: 'products', label: 'Products & orders' },
              { value: 'company', label: 'Company changes' },
              { value: 'renew', label: 'Renew' },
              {
                value: 'migrate',
                label: `Switch to sign-in${serialLines.length ? ` (${serialLines.length})` : ''}`,
              },
            ]}
          />
          {panel === 'products' && (
            <>
              <Table.ScrollContainer minWidth={760}>
                <Table striped aria-label="Products">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Product</Table.Th>
                      <Table.Th>Seats</Table.Th>
                      <Table.Th>Access</Table.Th>
                      <Table.Th>Activation</Table.Th>
                      <Table.Th>License</Table.Th>
                      <Table.Th>Expires</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {c.products.map((p) => (
                      <Table.Tr key={p.subscription_id}>
                        <Table.Td>
                          {p.name}
                          <Text size="xs" c="dimmed">
                            {p.kind} {p.code}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {p.assigned} of {p.seats} assigned
                        </Table.Td>
                        <Table.Td>{accessLabel[p.access] ?? p.access}</Table.Td>
                        <Table.Td>
                          <Badge
                            variant="light"
                            color={p.activation === 'sign_in' ? 'blue' : 'grape'}
                          >
                            {activationLabel[p.activation] ?? p.activation}
                          </Badge>
                          {p.serial_number && (
                            <Text size="xs" ff="monospace">
                              {p.serial_number} / {p.product_key}
                            </Text>
                          )}
                          {p.migrated_at && (
                            <Text size="xs" c="dimmed">
                              switched {formatDate(p.migrated_at)}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{modelLabel[p.model] ?? p.model}</Table.Td>
                        <Table.Td>{formatDate(p.expires_at)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Title order={2} size="h4">
                Orders
              </Title>
              {c.orders.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No orders recorded on this contract.
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={560}>
                  <Table striped aria-label="Orders">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Placed</Table.Th>
                        <Table.Th>Kind</Table.Th>
                        <Table.Th>Details</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {c.orders.map((o) => (
                        <Table.Tr key={o.id}>
                          <Table.Td>{formatDateTime(o.created_at)}</Table.Td>
                          <Table.Td>{o.kind.replace(/_/g, ' ')}</Table.Td>
                          <Table.Td>
                            <Text size="sm">{orderSummary(o.details)}</Text>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </>
          )}
          {panel === 'company' && (
            <CompanyChangeRequests contractId={c.id} staff onDecided={contract.reload} />
          )}
          {panel === 'renew' && (
            <RenewPanel key={c.ends_at} contract={c} onDone={contract.reload} />
          )}
          {panel === 'migrate' && <MigrationPanel contract={c} onDone={contract.reload} />}
        </>
      )}
    </Page>
  );
}
