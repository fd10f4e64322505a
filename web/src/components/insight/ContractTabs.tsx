// The tabs of one contract in Billing & Orders: products, cloud credits, company
// information, orders and the renewal review.

import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { api, ApiError, query } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formatDate, formatDateTime, formatNumber } from '../format';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading } from '../Page';
import { CompanyChangeRequests } from './CompanyRequests';
import { COMPANY_FIELDS, companyChanges, expiryText, orderKindLabel, orderSummary } from './logic';
import type { CompanyKey } from './logic';
import type {
  ContractDetails,
  CreditEntry,
  CreditLedger,
  Order,
  ProductLine,
  RenewalReview,
} from './types';
import { StatCard } from './ui';
import { ListState } from '../ListState';

function activationText(line: ProductLine): string {
  if (line.access === 'multi_user') return 'Network (multi-user)';
  return line.activation === 'serial_number' ? 'Serial number' : 'Sign in';
}

function kindText(kind: ProductLine['kind']): string {
  if (kind === 'collection') return 'Collection';
  if (kind === 'service') return 'Service';
  return 'Product';
}

export function ProductsTab({ contract }: { contract: ContractDetails }) {
  if (contract.products.length === 0) {
    return <Text c="dimmed">This contract holds no products.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped aria-label="Products on this contract">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product</Table.Th>
            <Table.Th>Activation</Table.Th>
            <Table.Th ta="right">Seats</Table.Th>
            <Table.Th ta="right">Assigned</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Serial number / product key</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contract.products.map((line) => (
            <Table.Tr key={line.subscription_id}>
              <Table.Td>
                {line.name}{' '}
                <Text span size="xs" c="dimmed">
                  {line.code} · {kindText(line.kind)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={line.activation === 'sign_in' ? 'blue' : 'grape'}>
                  {activationText(line)}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{formatNumber(line.seats)}</Table.Td>
              <Table.Td ta="right">{formatNumber(line.assigned)}</Table.Td>
              <Table.Td>{formatDate(line.expires_at)}</Table.Td>
              <Table.Td>
                {line.serial_number ? (
                  <Text size="sm" ff="monospace">
                    {line.serial_number} / {line.product_key ?? '—'}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    not needed: users sign in
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const REASONS: Record<CreditEntry['reason'], string> = {
  purchase: 'Purchase',
  adjustment: 'Adjustment',
  refund: 'Refund',
  consumption: 'Used',
};

export function CreditsTab({
  contractId,
  onChanged,
}: {
  contractId: string;
  onChanged: () => void;
}) {
  const [after, setAfter] = useState('');
  const [earlier, setEarlier] = useState<CreditEntry[]>([]);
  const creditsPath = `/api/v1/contracts/${encodeURIComponent(contractId)}/credits`;
  const ledger = useApi<CreditLedger>(`${creditsPath}${query({ after, limit: 50 })}`);
  const items = [...earlier, ...(ledger.data?.items ?? [])];
  const [amount, setAmount] = useState<number | string>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function buy(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const entry = await api<CreditEntry>(creditsPath, {
        method: 'POST',
        body: {
          amount: typeof amount === 'number' ? amount : Number(amount),
          reason: 'purchase',
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      });
      notifySuccess(
        `Added ${formatNumber(entry.amount)} cloud credits; the contract now has ${formatNumber(entry.balance_after)}.`,
      );
      setAmount('');
      setNote('');
      setEarlier([]);
      if (after) setAfter('');
      else await ledger.reload();
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) {
        setErrors(Object.fromEntries(error.problem.errors.map((e) => [e.field, e.message])));
      }
      notifyError(error, 'The credits were not added');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm">
      <Paper withBorder p="md">
        <form onSubmit={(e) => void buy(e)} noValidate aria-label="Buy cloud credits">
          <Group align="flex-end" wrap="wrap" gap="sm">
            <NumberInput
              label="Buy cloud credits"
              description="Added to this contract's balance at once."
              min={1}
              max={10_000_000}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              value={amount}
              onChange={setAmount}
              error={errors.amount}
              w={{ base: '100%', sm: 260 }}
            />
            <TextInput
              label="Reference"
              description="Optional, e.g. your purchase order."
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={errors.note}
              maxLength={200}
              w={{ base: '100%', sm: 260 }}
            />
            <Button type="submit" loading={busy} disabled={amount === '' || Number(amount) < 1}>
              Buy credits
            </Button>
          </Group>
        </form>
      </Paper>
      {ledger.data && (
        <Group>
          <StatCard
            label="Cloud credits left"
            value={formatNumber(ledger.data.balance)}
            hint="on this contract"
          />
        </Group>
      )}
      <Text size="sm" c="dimmed">
        Every purchase and every use of this contract&apos;s cloud credits.
      </Text>
      <ListState
        list={ledger}
        count={items.length}
        loadingLabel="Loading the credit ledger…"
        errorTitle="Could not load the credits"
        empty="No credits were bought or used on this contract yet."
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped aria-label="Cloud-credit ledger">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>What</Table.Th>
                <Table.Th ta="right">Credits</Table.Th>
                <Table.Th ta="right">Balance after</Table.Th>
                <Table.Th>Note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{formatDateTime(e.at)}</Table.Td>
                  <Table.Td>{REASONS[e.reason]}</Table.Td>
                  <Table.Td ta="right" c={e.amount < 0 ? 'red' : 'green'}>
                    {e.amount > 0 ? '+' : ''}
                    {formatNumber(e.amount)}
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(e.balance_after)}</Table.Td>
                  <Table.Td>{e.note || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {ledger.data?.next_after && (
        <Group>
          <Button
            variant="default"
            loading={ledger.loading}
            onClick={() => {
              setEarlier(items);
              setAfter(ledger.data?.next_after ?? '');
            }}
          >
            Show older entries
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function CompanyTab({ contract }: { contract: ContractDetails }) {
  const current = contract.company as Record<CompanyKey, string>;
  const [form, setForm] = useState<Record<CompanyKey, string>>({ ...current });
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const requestsPath = `/api/v1/contracts/${encodeURIComponent(contract.id)}/company-change-requests`;
  const [sent, setSent] = useState(0); // remounts the request list after each request
  const changes = companyChanges(current, form);
  const changed = Object.keys(changes).length > 0;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!changed) return;
    setBusy(true);
    setErrors({});
    try {
      await api<Order>(requestsPath, {
        method: 'POST',
        body: { ...changes, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      notifySuccess(
        'Your request was recorded and e-mailed to your reseller, who updates the contract.',
      );
      setNote('');
      setSent((n) => n + 1);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) {
        setErrors(Object.fromEntries(error.problem.errors.map((e) => [e.field, e.message])));
      }
      notifyError(error, 'The request was not sent');
    } finally {
      setBusy(false);
    }
  }

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="sm">
        <Title order={3} size="h4">
          Company information on the contract
        </Title>
        <Paper withBorder p="md">
          <Text fw={600}>{current.name}</Text>
          {[
            current.address_line1,
            current.address_line2,
            `${current.postal_code} ${current.city}`,
            current.region,
            current.country,
          ]
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) => (
              <Text key={line} size="sm">
                {line}
              </Text>
            ))}
        </Paper>
        <Text size="sm" c="dimmed">
          It is important to tell us if your company&apos;s name or address has changed. The change
          is a request: your reseller checks it, then applies it to every current contract of the
          account (earlier orders keep the details they were issued with) or declines it with a
          reason. You see its status here and get an e-mail.
        </Text>
        <Title order={3} size="h4" mt="md">
          Requests you made
        </Title>
        <CompanyChangeRequests key={sent} contractId={contract.id} />
      </Stack>
      <form
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-label="Request a change of company information"
      >
        <Stack gap="sm">
          <Title order={3} size="h4">
            Request a change
          </Title>
          {COMPANY_FIELDS.map(({ key, label }) => (
            <TextInput
              key={key}
              label={label}
              value={form[key]}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setForm((f) => ({ ...f, [key]: value }));
              }}
              error={errors[key]}
              maxLength={200}
            />
          ))}
          <Textarea
            label="Note for your reseller"
            description="Why it changed, e.g. a new company name since 1 October."
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={2}
            error={errors.note}
          />
          <Group>
            <Button type="submit" loading={busy} disabled={!changed}>
              Send change request
            </Button>
            {!changed && (
              <Text size="sm" c="dimmed">
                Change a field to send a request.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </SimpleGrid>
  );
}

export function OrdersTab({ contract }: { contract: ContractDetails }) {
  if (contract.orders.length === 0) {
    return <Text c="dimmed">No orders are recorded on this contract yet.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table striped aria-label="Order history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Order</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {contract.orders.map((order) => (
            <Table.Tr key={order.id}>
              <Table.Td>{formatDateTime(order.created_at)}</Table.Td>
              <Table.Td>{orderKindLabel(order.kind)}</Table.Td>
              <Table.Td>{orderSummary(order.details)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function RenewalReviewTab({ contractId }: { contractId: string }) {
  const review = useApi<RenewalReview>(
    `/api/v1/contracts/${encodeURIComponent(contractId)}/renewal-review`,
  );
  const data = review.data;
  if (review.error) return <ErrorAlert message={review.error} title="Could not load the review" />;
  if (!data) return <Loading label="Preparing the renewal review…" />;
  const days = Math.round(
    (new Date(data.ends_at).getTime() - new Date(data.as_of).getTime()) / 86_400_000,
  );
  const unassigned = data.subscriptions.reduce((sum, s) => sum + s.unassigned, 0);
  return (
    <Stack gap="lg">
      <Text size="sm">
        Before the contract renews on {formatDate(data.ends_at)} ({expiryText(days).text}), check
        what you need: do you have unused seats, new starters coming, people leaving?
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <StatCard
          label="Unassigned seats"
          value={formatNumber(unassigned)}
          hint="nobody holds them"
        />
        <StatCard
          label="Assigned but unused"
          value={formatNumber(data.unused_total)}
          hint={`not opened since ${formatDate(data.unused_since)}`}
        />
        <StatCard
          label="Starters / leavers"
          value={`${data.added.length} / ${data.removed.length}`}
          hint={`since ${formatDate(data.members_since)}`}
        />
      </SimpleGrid>
      <Table.ScrollContainer minWidth={640}>
        <Table striped aria-label="Seats at renewal">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Subscription</Table.Th>
              <Table.Th ta="right">Seats</Table.Th>
              <Table.Th ta="right">Assigned</Table.Th>
              <Table.Th ta="right">Unassigned</Table.Th>
              <Table.Th>Holders who did not use it in 30 days</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.subscriptions.map((s) => (
              <Table.Tr key={s.subscription_id}>
                <Table.Td>
                  {s.name}{' '}
                  <Text span size="xs" c="dimmed">
                    {s.code}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{formatNumber(s.seats)}</Table.Td>
                <Table.Td ta="right">{formatNumber(s.assigned)}</Table.Td>
                <Table.Td ta="right">{formatNumber(s.unassigned)}</Table.Td>
                <Table.Td>
                  {s.unused_users.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      everyone used it
                    </Text>
                  ) : (
                    s.unused_users.map((u) => (
                      <Text size="sm" key={u.user_id}>
                        {u.name} ({u.email}) — assigned {formatDate(u.assigned_at)}
                      </Text>
                    ))
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <MemberList
          title="People added in the last 90 days"
          people={data.added}
          empty="Nobody joined."
        />
        <MemberList
          title="People removed in the last 90 days"
          people={data.removed}
          empty="Nobody left."
        />
      </SimpleGrid>
      {unassigned + data.unused_total > 0 && (
        <Alert color="blue" title="Fewer seats at renewal?">
          Unassigned and unused seats are candidates to drop, or to hand to new starters. Tell your
          reseller before the renewal date.
        </Alert>
      )}
    </Stack>
  );
}

function MemberList({
  title,
  people,
  empty,
}: {
  title: string;
  people: RenewalReview['added'];
  empty: string;
}) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {title}
      </Title>
      {people.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <List size="sm">
          {people.map((p) => (
            <List.Item key={`${p.user_id}:${p.at}`}>
              {p.name} ({p.email}) — {formatDate(p.at)}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
