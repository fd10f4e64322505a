import { Alert, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';

import { query } from '../api/client';
import { formatNumber } from '../components/format';
import { PoolPeakChart } from '../components/insight/charts';
import { poolDays, rangeLabel } from '../components/insight/logic';
import { ReportPage } from '../components/insight/ReportPage';
import type { NetworkReport } from '../components/insight/types';
import { useQueryState, useReportRange } from '../components/insight/ui';
import { useApi } from '../hooks/useApi';

export default function NetworkLicensesReportPage() {
  const { teamId = '' } = useParams();
  const { get, set } = useQueryState();
  const [range, setRange] = useReportRange();
  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/reports/network-licenses`;
  const report = useApi<NetworkReport>(`${base}${query({ range })}`);
  const data = report.data;
  const pools = data?.subscriptions ?? [];
  const chosen = pools.find((p) => p.subscription_id === get('pool')) ?? pools[0];

  return (
    <ReportPage
      title="Network licenses"
      description="Multi-user (network) seats are shared: each computer takes one while the product runs and gives it back when it closes. Compare the daily peak with the seats you own — denials mean someone could not start the product because every seat was taken."
      csvPath={`${base}${query({ range, format: 'csv' })}`}
      csvName="network-licenses.csv"
      range={range}
      onRangeChange={setRange}
      report={report}
      loadingLabel="Loading network-license use…"
    >
      {data && pools.length === 0 && (
        <Alert color="gray" title="No network licenses">
          None of the contracts you can see has multi-user seats.
        </Alert>
      )}
      {pools.length > 0 && (
        <Stack gap="lg">
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-label="Network license pools">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Product</Table.Th>
                  <Table.Th ta="right">Seats</Table.Th>
                  <Table.Th ta="right">Peak in use</Table.Th>
                  <Table.Th ta="right">Checkouts</Table.Th>
                  <Table.Th ta="right">Denials</Table.Th>
                  <Table.Th ta="right">Borrowed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pools.map((p) => (
                  <Table.Tr key={p.subscription_id}>
                    <Table.Td>
                      {p.product_name}{' '}
                      <Text span size="xs" c="dimmed">
                        {p.product_code}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(p.seats)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(p.peak)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(p.checkouts)}</Table.Td>
                    <Table.Td ta="right" c={p.denials > 0 ? 'red' : undefined}>
                      {formatNumber(p.denials)}
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(p.borrowed)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>

          {chosen && (
            <Stack gap="xs">
              <Group align="flex-end" justify="space-between" wrap="wrap">
                <Title order={2} size="h4">
                  Day by day
                </Title>
                <Select
                  label="License pool"
                  data={pools.map((p) => ({
                    value: p.subscription_id,
                    label: `${p.product_name} (${p.seats} seats)`,
                  }))}
                  value={chosen.subscription_id}
                  onChange={(v) => set({ pool: v })}
                  allowDeselect={false}
                  w={280}
                />
              </Group>
              {chosen.days.length === 0 ? (
                <Alert color="gray" title="No seats taken">
                  Nobody took a {chosen.product_name} seat in {rangeLabel(range).toLowerCase()}.
                </Alert>
              ) : (
                <>
                  <PoolPeakChart
                    days={poolDays(chosen)}
                    title={`${chosen.product_name}: peak concurrent seats vs seats owned`}
                  />
                  <Table.ScrollContainer minWidth={560}>
                    <Table striped aria-label={`${chosen.product_name} by day`}>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Day</Table.Th>
                          <Table.Th ta="right">Peak</Table.Th>
                          <Table.Th ta="right">Checkouts</Table.Th>
                          <Table.Th ta="right">Denials</Table.Th>
                          <Table.Th ta="right">Borrowed</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {chosen.days.map((d) => (
                          <Table.Tr key={d.date}>
                            <Table.Td>{d.date}</Table.Td>
                            <Table.Td ta="right">
                              {formatNumber(d.peak)} / {formatNumber(chosen.seats)}
                            </Table.Td>
                            <Table.Td ta="right">{formatNumber(d.checkouts)}</Table.Td>
                            <Table.Td ta="right">{formatNumber(d.denials)}</Table.Td>
                            <Table.Td ta="right">{formatNumber(d.borrowed)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </>
              )}
            </Stack>
          )}
        </Stack>
      )}
    </ReportPage>
  );
}
