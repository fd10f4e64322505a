// "All users will be able to see their personal cloud credit usage, and any contracts that
// they were granted use of": the signed-in person's contracts, read-only — number, status,
// term end and what they may use from each. Nothing of billing, company or other people.

import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';

import { useApi } from '../../hooks/useApi';
import { formatDate } from '../format';
import { ErrorAlert, Loading } from '../Page';
import type { MyContract, MyContractUse } from './types';
import { ContractStatusBadge } from './ui';

const VIA_LABEL: Record<MyContractUse['via'], string> = {
  seat: 'Sign-in seat',
  classic: 'Serial number',
  network: 'Network (shared)',
};

export function MyContracts() {
  const mine = useApi<{ items: MyContract[] }>('/api/v1/me/contracts');
  return (
    <Stack gap="xs" component="section" aria-label="Your contracts">
      <Title order={2} size="h4">
        Your contracts
      </Title>
      <Text size="sm" c="dimmed">
        The contracts you were granted use of, and what you may use from each.
      </Text>
      <ErrorAlert message={mine.error} title="Your contracts could not be loaded" />
      {!mine.data && !mine.error && <Loading label="Loading your contracts…" />}
      {mine.data && mine.data.items.length === 0 && (
        <Alert color="gray" title="No contracts yet">
          Nothing is assigned to you yet. Ask your team&apos;s admin for access to a product.
        </Alert>
      )}
      {mine.data && mine.data.items.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {mine.data.items.map((c) => (
            <Paper
              component="section"
              withBorder
              p="sm"
              key={c.contract_id}
              aria-label={`Contract ${c.number}`}
            >
              <Group justify="space-between" gap="xs">
                <Text fw={600}>Contract {c.number}</Text>
                <ContractStatusBadge status={c.status} />
              </Group>
              <Text size="xs" c="dimmed">
                {c.team.name} · term ends {formatDate(c.ends_at)}
              </Text>
              <Stack gap={2} mt="xs">
                {c.uses.map((u) => (
                  <Group key={`${u.kind}:${u.code}:${u.via}`} gap="xs" wrap="nowrap">
                    <Text size="sm">{u.name}</Text>
                    <Badge size="xs" variant="light" color={u.kind === 'service' ? 'cyan' : 'blue'}>
                      {u.kind === 'service' ? 'Cloud service' : VIA_LABEL[u.via]}
                    </Badge>
                    {u.expires_at !== c.ends_at && (
                      <Text size="xs" c="dimmed">
                        until {formatDate(u.expires_at)}
                      </Text>
                    )}
                  </Group>
                ))}
              </Stack>
            </Paper>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
