import {
  Alert,
  Anchor,
  Badge,
  Box,
  Breadcrumbs,
  SimpleGrid,
  Table,
  Tabs,
  Text,
} from '@mantine/core';
import { useParams } from 'react-router';

import { query } from '../api/client';
import { formatNumber } from '../components/format';
import { UsageBarChart } from '../components/insight/charts';
import { isDrillable, rangeLabel, usageBars, usageKindLabel } from '../components/insight/logic';
import { ReportPage } from '../components/insight/ReportPage';
import type { ProductUsageRow, SeatUsageReport, UserUsageRow } from '../components/insight/types';
import { StatCard, useQueryState, useReportRange } from '../components/insight/ui';
import { useApi } from '../hooks/useApi';

export default function SeatUsageReportPage() {
  const { teamId = '' } = useParams();
  const { get, set } = useQueryState();
  const [range, setRange] = useReportRange();
  const by = get('by') === 'user' ? 'user' : 'product';
  const group = by === 'product' ? (get('group') ?? '') : '';

  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/reports/seat-usage`;
  const params = { range, by: by === 'user' ? 'user' : undefined, group: group || undefined };
  const report = useApi<SeatUsageReport>(`${base}${query(params)}`);
  const csvPath = `${base}${query({ ...params, format: 'csv' })}`;
  const data = report.data;

  return (
    <ReportPage
      title="Seat usage"
      description="Who opened their assigned products, and how much, in the time range you pick. Total users counts everyone who opened an assigned product; total products, the assigned products that were used; total seats, the seats of single-user access you subscribe to."
      csvPath={csvPath}
      csvName="seat-usage.csv"
      range={range}
      onRangeChange={setRange}
      report={report}
      loadingLabel="Loading seat usage…"
    >
      {data && (
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <StatCard
            label="Total users"
            value={formatNumber(data.totals.users)}
            hint="opened an assigned product"
          />
          <StatCard
            label="Total products"
            value={formatNumber(data.totals.products)}
            hint="assigned products that were used"
          />
          <StatCard
            label="Total seats"
            value={formatNumber(data.totals.single_user_seats)}
            hint="single-user access"
          />
        </SimpleGrid>
      )}

      <Tabs
        value={by}
        onChange={(value) => set({ by: value === 'user' ? 'user' : null, group: null })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="product">By product</Tabs.Tab>
          <Tabs.Tab value="user">By user</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="product" pt="md">
          {data && data.by === 'product' && (
            <ByProduct
              report={data}
              rangeText={rangeLabel(range)}
              onOpen={(row) => set({ group: row.id })}
              onBack={() => set({ group: null })}
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="user" pt="md">
          {data && data.by === 'user' && <ByUser rows={data.items as UserUsageRow[]} />}
        </Tabs.Panel>
      </Tabs>
    </ReportPage>
  );
}

function ByProduct({
  report,
  rangeText,
  onOpen,
  onBack,
}: {
  report: SeatUsageReport;
  rangeText: string;
  onOpen: (row: ProductUsageRow) => void;
  onBack: () => void;
}) {
  const rows = report.items as ProductUsageRow[];
  const group = report.group;
  return (
    <>
      <Box component="nav" aria-label="Drill-down" mb="sm">
        <Breadcrumbs>
          {group ? (
            <Anchor component="button" type="button" onClick={onBack}>
              All products
            </Anchor>
          ) : (
            <Text size="sm" fw={600}>
              All products
            </Text>
          )}
          {group && (
            <Text size="sm" fw={600} aria-current="page">
              {group.name}
            </Text>
          )}
        </Breadcrumbs>
      </Box>
      {group && (
        <Text size="sm" c="dimmed" mb="sm">
          Usage of each product in the {usageKindLabel(group.kind).toLowerCase()} {group.name}.
        </Text>
      )}
      {rows.length === 0 ? (
        <Alert color="gray" title="No usage in this range">
          Nobody opened an assigned product in {rangeText.toLowerCase()}. Usage appears here within
          a few minutes of someone using a product; try a longer range.
        </Alert>
      ) : (
        <>
          <UsageBarChart
            bars={usageBars(rows)}
            title={`Users per ${group ? 'product' : 'product, group and collection'} · ${rangeText}`}
          />
          <Table.ScrollContainer minWidth={640} mt="md">
            <Table striped aria-label="Seat usage by product">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th ta="right">Users</Table.Th>
                  <Table.Th ta="right">Products used</Table.Th>
                  <Table.Th ta="right">Sessions</Table.Th>
                  <Table.Th ta="right">Hours</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={`${row.kind}:${row.id}`}>
                    <Table.Td>
                      {isDrillable(row.kind) ? (
                        <Anchor
                          component="button"
                          type="button"
                          onClick={() => onOpen(row)}
                          title={`Show the products of ${row.name}`}
                        >
                          {row.name}
                        </Anchor>
                      ) : (
                        row.name
                      )}{' '}
                      <Text span size="xs" c="dimmed">
                        {row.code}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={isDrillable(row.kind) ? 'violet' : 'gray'}>
                        {usageKindLabel(row.kind)}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(row.users)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(row.products)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(row.sessions)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(row.hours)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {!group && rows.some((r) => isDrillable(r.kind)) && (
            <Text size="xs" c="dimmed" mt="xs">
              Click a product group or collection to see its products one by one.
            </Text>
          )}
        </>
      )}
    </>
  );
}

function ByUser({ rows }: { rows: UserUsageRow[] }) {
  if (rows.length === 0) {
    return (
      <Alert color="gray" title="No usage in this range">
        Nobody opened an assigned product in this range. Try a longer range.
      </Alert>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped aria-label="Seat usage by user">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th ta="right">Products used</Table.Th>
            <Table.Th ta="right">Sessions</Table.Th>
            <Table.Th ta="right">Hours</Table.Th>
            <Table.Th>Last used</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.user_id}>
              <Table.Td>
                {row.name}
                <Text size="xs" c="dimmed">
                  {row.email}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatNumber(row.products)}</Table.Td>
              <Table.Td ta="right">{formatNumber(row.sessions)}</Table.Td>
              <Table.Td ta="right">{formatNumber(row.hours)}</Table.Td>
              <Table.Td>{row.last_used}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
