import {
  Anchor,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Table,
  Tabs,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { query } from '../api/client';
import { formatDate, formatNumber } from '../components/format';
import {
  CompanyTab,
  CreditsTab,
  OrdersTab,
  ProductsTab,
  RenewalReviewTab,
} from '../components/insight/ContractTabs';
import { expiryText, termText } from '../components/insight/logic';
import type { ContractDetails, ContractSummary, CursorPage } from '../components/insight/types';
import { ContractStatusBadge, useQueryState } from '../components/insight/ui';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { ListState } from '../components/ListState';

const TABS = [
  { value: 'products', label: 'Products' },
  { value: 'credits', label: 'Cloud credits' },
  { value: 'company', label: 'Company information' },
  { value: 'orders', label: 'Orders' },
  { value: 'renewal-review', label: 'Renewal review' },
] as const;
type TabName = (typeof TABS)[number]['value'];

export default function BillingPage() {
  const { teamId = '', '*': rest = '' } = useParams();
  const [contractId, tab] = rest.split('/');
  if (contractId) {
    const known = TABS.find((t) => t.value === tab)?.value ?? 'products';
    return <ContractPage teamId={teamId} contractId={contractId} tab={known} />;
  }
  return <ContractList teamId={teamId} />;
}

function Expiry({ contract }: { contract: ContractSummary }) {
  const expiry = expiryText(contract.days_to_expiry);
  return (
    <>
      <Text size="sm">{formatDate(contract.ends_at)}</Text>
      <Text size="xs" c={expiry.urgent ? 'orange.8' : 'dimmed'} fw={expiry.urgent ? 600 : 400}>
        {expiry.text}
      </Text>
    </>
  );
}

function ContractList({ teamId }: { teamId: string }) {
  const { get, set } = useQueryState();
  const after = get('after') ?? '';
  const [previous, setPrevious] = useState<string[]>([]);
  const list = useApi<CursorPage<ContractSummary>>(
    `/api/v1/contracts${query({ team: teamId, after, limit: 25 })}`,
  );
  const items = list.data?.items ?? [];
  const nextAfter = list.data?.next_after ?? null;
  return (
    <Page
      title="Billing & Orders"
      description="Every contract you manage as Contract Manager: its number, subscription ID, term and when it expires. Renewal notices come to you 90, 45 and 30 days before the end. Open a contract for its products, cloud credits, company information and renewal review."
    >
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading contracts…"
        errorTitle="Could not load the contracts"
        empty={
          <Text>
            No contract of this team has you as Contract Manager. Billing notices go to the
            contract&apos;s Contract Manager; your reseller can change who that is.
          </Text>
        }
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover aria-label="Contracts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Contract number</Table.Th>
                <Table.Th>Subscription ID</Table.Th>
                <Table.Th>Term</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Cloud credits</Table.Th>
                <Table.Th>Company</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/teams/${teamId}/billing/${c.id}`}
                      fw={500}
                      aria-label={`Contract ${c.number}: see details`}
                    >
                      {c.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{c.subscription_ref}</Table.Td>
                  <Table.Td>
                    {termText(c.term_months)}
                    <Text size="xs" c="dimmed">
                      from {formatDate(c.starts_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Expiry contract={c} />
                  </Table.Td>
                  <Table.Td>
                    <ContractStatusBadge status={c.status} />
                  </Table.Td>
                  <Table.Td ta="right">{formatNumber(c.credit_balance)}</Table.Td>
                  <Table.Td>{c.company_name}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(after || nextAfter) && (
        <Group justify="space-between">
          <Button
            variant="default"
            disabled={!after}
            onClick={() => {
              const back = previous[previous.length - 1] ?? '';
              setPrevious(previous.slice(0, -1));
              set({ after: back || null });
            }}
          >
            Previous page
          </Button>
          <Button
            variant="default"
            disabled={!nextAfter}
            onClick={() => {
              setPrevious([...previous, after]);
              set({ after: nextAfter });
            }}
          >
            Next page
          </Button>
        </Group>
      )}
    </Page>
  );
}

function ContractPage({
  teamId,
  contractId,
  tab,
}: {
  teamId: string;
  contractId: string;
  tab: TabName;
}) {
  const navigate = useNavigate();
  const details = useApi<ContractDetails>(`/api/v1/contracts/${encodeURIComponent(contractId)}`);
  const contract = details.data && details.data.id === contractId ? details.data : undefined;
  const base = `/teams/${teamId}/billing`;
  return (
    <Page
      title={contract ? `Contract ${contract.number}` : 'Contract'}
      description={
        contract
          ? `${contract.company_name} · ${contract.team.name}`
          : 'Products, cloud credits, company information and renewal of one contract.'
      }
    >
      <Breadcrumbs>
        <Anchor component={Link} to={base}>
          Billing &amp; Orders
        </Anchor>
        <Text size="sm" aria-current="page">
          {contract ? contract.number : contractId}
        </Text>
      </Breadcrumbs>
      <ErrorAlert message={details.error} title="Could not load the contract" />
      {details.loading && !contract && <Loading label="Loading the contract…" />}
      {contract && (
        <>
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
              <Fact label="Status">
                <ContractStatusBadge status={contract.status} />
              </Fact>
              <Fact label="Expires">
                <Expiry contract={contract} />
              </Fact>
              <Fact label="Term">
                {termText(contract.term_months)} from {formatDate(contract.starts_at)}
              </Fact>
              <Fact label="Subscription ID">{contract.subscription_ref}</Fact>
              <Fact label="Contract Manager">
                {contract.contract_manager
                  ? `${contract.contract_manager.name} (${contract.contract_manager.email})`
                  : '—'}
              </Fact>
              <Fact label="Software Coordinator">
                {contract.software_coordinator
                  ? `${contract.software_coordinator.name} (${contract.software_coordinator.email})`
                  : 'none'}
              </Fact>
              <Fact label="Cloud credits left">{formatNumber(contract.credit_balance)}</Fact>
              <Fact label="Team">{contract.team.name}</Fact>
            </SimpleGrid>
          </Paper>
          <Tabs
            value={tab}
            onChange={(value) =>
              void navigate(
                value && value !== 'products'
                  ? `${base}/${contractId}/${value}`
                  : `${base}/${contractId}`,
              )
            }
            keepMounted={false}
          >
            <Tabs.List>
              {TABS.map((t) => (
                <Tabs.Tab key={t.value} value={t.value}>
                  {t.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="products" pt="md">
              <ProductsTab contract={contract} />
            </Tabs.Panel>
            <Tabs.Panel value="credits" pt="md">
              <CreditsTab contractId={contract.id} onChanged={() => void details.reload()} />
            </Tabs.Panel>
            <Tabs.Panel value="company" pt="md">
              <CompanyTab contract={contract} />
            </Tabs.Panel>
            <Tabs.Panel value="orders" pt="md">
              <OrdersTab contract={contract} />
            </Tabs.Panel>
            <Tabs.Panel value="renewal-review" pt="md">
              <RenewalReviewTab contractId={contract.id} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Page>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}
