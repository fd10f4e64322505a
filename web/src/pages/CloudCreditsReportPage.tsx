import { Alert, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';

import { query } from '../api/client';
import { formatNumber } from '../components/format';
import { CreditsByDayChart } from '../components/insight/charts';
import { creditDays, rangeLabel } from '../components/insight/logic';
import { MyContracts } from '../components/insight/MyContracts';
import { ReportPage } from '../components/insight/ReportPage';
import type { CreditReport } from '../components/insight/types';
import { StatCard, useReportRange } from '../components/insight/ui';
import { useApi } from '../hooks/useApi';

export default function CloudCreditsReportPage() {
  const { teamId = '' } = useParams();
  const [range, setRange] = useReportRange();
  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/reports/cloud-credits`;
  const report = useApi<CreditReport>(`${base}${query({ range })}`);
  const data = report.data;
  const shaped = data ? creditDays(data.personal) : undefined;
  const everyone = data !== undefined && data.scope !== 'self';

  return (
    <ReportPage
      title="Cloud credits"
      description="Cloud services such as rendering use credits from a contract's balance. You see your own use and the contracts you were granted use of; admins and Contract Managers also see everyone's, and each contract's consumers and the credits left."
      csvPath={`${base}${query({ range, format: 'csv' })}`}
      csvName="cloud-credits.csv"
      range={range}
      onRangeChange={setRange}
      report={report}
      loadingLabel="Loading cloud-credit use…"
    >
      {data && shaped && (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <StatCard
              label="My credits used"
              value={formatNumber(data.personal_total)}
              hint={rangeLabel(range)}
            />
            {everyone && (
              <StatCard
                label="Team credits left"
                value={formatNumber(data.contracts.reduce((sum, c) => sum + c.balance, 0))}
                hint="across the contracts shown"
              />
            )}
          </SimpleGrid>

          <Stack gap="xs">
            <Title order={2} size="h4">
              My usage by day and service
            </Title>
            {shaped.days.length === 0 ? (
              <Alert color="gray" title="No credits used">
                You used no cloud credits in {rangeLabel(range).toLowerCase()}.
              </Alert>
            ) : (
              <>
                <CreditsByDayChart
                  days={shaped.days}
                  services={shaped.services}
                  title={`My credits per day · ${rangeLabel(range)}`}
                />
                <Table.ScrollContainer minWidth={480}>
                  <Table striped aria-label="My credits by day">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Day</Table.Th>
                        <Table.Th>Service</Table.Th>
                        <Table.Th ta="right">Credits</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.personal.map((p) => (
                        <Table.Tr key={`${p.date}:${p.service_id}`}>
                          <Table.Td>{p.date}</Table.Td>
                          <Table.Td>{p.service_name}</Table.Td>
                          <Table.Td ta="right">{formatNumber(p.credits)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </>
            )}
          </Stack>

          <MyContracts />

          {everyone && (
            <Stack gap="xs">
              <Title order={2} size="h4">
                Per contract
              </Title>
              <Table.ScrollContainer minWidth={480}>
                <Table striped aria-label="Credits per contract">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Contract</Table.Th>
                      <Table.Th ta="right">Consumers</Table.Th>
                      <Table.Th ta="right">Used</Table.Th>
                      <Table.Th ta="right">Balance left</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.contracts.map((c) => (
                      <Table.Tr key={c.contract_id}>
                        <Table.Td>{c.number}</Table.Td>
                        <Table.Td ta="right">{formatNumber(c.consumers)}</Table.Td>
                        <Table.Td ta="right">{formatNumber(c.used)}</Table.Td>
                        <Table.Td ta="right">{formatNumber(c.balance)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="xs" c="dimmed">
                Need more credits? The Contract Manager buys them in Billing &amp; Orders, on the
                contract&apos;s Cloud credits tab.
              </Text>
            </Stack>
          )}

          {everyone && (
            <Stack gap="xs">
              <Title order={2} size="h4">
                Per person
              </Title>
              {data.users.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nobody used cloud credits in this range.
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={480}>
                  <Table striped aria-label="Credits per person">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Person</Table.Th>
                        <Table.Th>E-mail</Table.Th>
                        <Table.Th ta="right">Credits</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.users.map((u) => (
                        <Table.Tr key={u.user_id}>
                          <Table.Td>{u.name}</Table.Td>
                          <Table.Td>{u.email}</Table.Td>
                          <Table.Td ta="right">{formatNumber(u.credits)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Stack>
          )}
        </Stack>
      )}
    </ReportPage>
  );
}
