import {
  ActionIcon,
  Alert,
  Card,
  CopyButton,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';

import { api } from '../api/client';
import { ProductBadges, ProductLinkCell, SeatCount } from '../components/assign/ProductBadges';
import {
  activationLabel,
  howToStart,
  isFloating,
  kindLabel,
  modelLabel,
} from '../components/assign/model';
import type { TeamProduct, UserProducts } from '../components/assign/model';
import { formatDate } from '../components/format';
import { ErrorAlert, Loading, Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { can, teamAccess } from '../session/access';
import { useMe } from '../session/SessionContext';
import { ListState } from '../components/ListState';

interface ContractLine {
  subscription_id: string;
  product_key: string | null;
}

// Product keys come with a contract's details, which only its Contract Manager may read.
function useProductKeys(products: TeamProduct[] | undefined, contractIds: Set<string>) {
  const [keys, setKeys] = useState<Record<string, string>>({});
  const wanted = useMemo(() => {
    const ids = new Set<string>();
    for (const p of products ?? []) {
      if (p.activation === 'serial_number' && contractIds.has(p.contract.id))
        ids.add(p.contract.id);
    }
    return [...ids].sort().join(',');
  }, [products, contractIds]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void Promise.all(
      wanted
        .split(',')
        .map((id) =>
          api<{ products: ContractLine[] }>(`/api/v1/contracts/${encodeURIComponent(id)}`).catch(
            () => ({ products: [] as ContractLine[] }),
          ),
        ),
    ).then((answers) => {
      if (!live) return;
      const found: Record<string, string> = {};
      for (const a of answers) {
        for (const line of a.products) {
          if (line.product_key) found[line.subscription_id] = line.product_key;
        }
      }
      setKeys(found);
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return keys;
}

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm">
        {label}:{' '}
        <Text span ff="monospace" fw={600}>
          {value}
        </Text>
      </Text>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy the ${label.toLowerCase()}`}>
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={copy}
              aria-label={`Copy the ${label.toLowerCase()} ${value}`}
            >
              {copied ? '✓' : '⧉'}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

function ProductCard({
  product,
  email,
  productKey,
}: {
  product: TeamProduct;
  email: string;
  productKey: string | undefined;
}) {
  const serial = product.activation === 'serial_number';
  return (
    <Card withBorder padding="md" component="article" aria-label={product.item.name}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h4">
            {product.item.name}
          </Title>
          <ProductBadges product={product} />
        </Group>
        {product.kind === 'collection' && product.products.length > 0 && (
          <Text size="sm">Includes: {product.products.map((p) => p.name).join(', ')}</Text>
        )}
        <Table variant="vertical" withRowBorders={false} verticalSpacing={2} fz="sm">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={120}>Activation</Table.Th>
              <Table.Td fw={600}>{activationLabel(product.activation)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Access</Table.Th>
              <Table.Td>
                {isFloating(product)
                  ? 'Multi-user (network): floating — no assignment needed'
                  : 'Single-user: one named person'}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              <Table.Td>{modelLabel(product.model)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Term ends</Table.Th>
              <Table.Td>
                {formatDate(product.ends_at)} (contract {product.contract.number})
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {serial && product.serial_number && (
          <Stack gap={2}>
            <Copyable label="Serial number" value={product.serial_number} />
            {productKey ? (
              <Copyable label="Product key" value={productKey} />
            ) : (
              <Text size="xs" c="dimmed">
                The product key is on your order confirmation; your Contract Manager can see it here
                too.
              </Text>
            )}
          </Stack>
        )}
        {product.kind !== 'service' && (
          <Text size="sm" c="dimmed">
            <Text span fw={600} c="var(--mantine-color-text)">
              How to start:{' '}
            </Text>
            {howToStart(product, email)}
          </Text>
        )}
        {product.kind === 'service' && (
          <Text size="sm" c="dimmed">
            A {kindLabel(product.kind).toLowerCase()}: it works with your Seatwise account ({email})
            — nothing to install.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function TeamTable({ products }: { products: TeamProduct[] }) {
  const { teamId = '' } = useParams();
  if (products.length === 0) {
    return <Text>This team has no products or services yet.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product or service</Table.Th>
            <Table.Th>Activation</Table.Th>
            <Table.Th>Contract</Table.Th>
            <Table.Th>Term ends</Table.Th>
            <Table.Th>Seats</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {products.map((p) => (
            <Table.Tr key={p.subscription_id}>
              <Table.Td>
                <ProductLinkCell teamId={teamId} product={p} />
              </Table.Td>
              <Table.Td>
                {activationLabel(p.activation)}
                {p.serial_number && (
                  <Text size="xs" ff="monospace">
                    {p.serial_number}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{p.contract.number}</Table.Td>
              <Table.Td>{formatDate(p.ends_at)}</Table.Td>
              <Table.Td>
                <SeatCount product={p} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

// What I can use (and, for admins, everything the team has): activation shown plainly.
export default function ProductsPage() {
  const me = useMe();
  const { teamId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const access = teamAccess(me, teamId);
  const admin = can.assign(access);
  const tab = admin && params.get('tab') === 'team' ? 'team' : 'mine';
  const team = encodeURIComponent(teamId);

  const mine = useApi<UserProducts>(
    `/api/v1/teams/${team}/users/${encodeURIComponent(me.user.id)}/products`,
  );
  const all = useApi<{ items: TeamProduct[] }>(
    admin && tab === 'team' ? `/api/v1/teams/${team}/products` : null,
  );
  const cmContracts = useMemo(
    () =>
      new Set(
        me.contracts
          .filter((c) => c.team_id === teamId && c.role === 'contract_manager')
          .map((c) => c.contract_id),
      ),
    [me.contracts, teamId],
  );
  const keys = useProductKeys(mine.data?.items, cmContracts);

  const mineView = (
    <Stack>
      <ListState
        list={mine}
        count={mine.data?.items.length ?? 0}
        loadingLabel="Loading your products…"
        errorTitle="Your products could not be loaded"
        empty={
          <Alert color="blue" title="Nothing is assigned to you yet">
            When an admin of {access.teamName} assigns you a product or service, it appears here
            with how to start it. New subscriptions are held by the Primary Admin until they assign
            them to you.
          </Alert>
        }
      />
      {mine.data && mine.data.items.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {mine.data.items.map((p) => (
            <ProductCard
              key={p.subscription_id}
              product={p}
              email={me.user.email}
              productKey={keys[p.subscription_id]}
            />
          ))}
        </SimpleGrid>
      )}
      <Text size="sm" c="dimmed">
        Installers and updates: Seatwise does not host downloads. Your admin or reseller gives you
        the installer; once installed, the product checks for updates itself.
      </Text>
    </Stack>
  );

  return (
    <Page
      title="Products & services"
      description="What you can use, and how each product is activated: “Sign in” means you sign in with your e-mail; “Serial number” means you type a serial number and product key."
    >
      {admin ? (
        <Tabs
          value={tab}
          onChange={(value) =>
            setParams((p) => {
              const next = new URLSearchParams(p);
              if (value === 'team') next.set('tab', 'team');
              else next.delete('tab');
              return next;
            })
          }
        >
          <Tabs.List>
            <Tabs.Tab value="mine">Mine</Tabs.Tab>
            <Tabs.Tab value="team">Team</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="mine" pt="md">
            {mineView}
          </Tabs.Panel>
          <Tabs.Panel value="team" pt="md">
            <Stack>
              <ErrorAlert message={all.error} title="The team's products could not be loaded" />
              {all.loading && !all.data && <Loading label="Loading the team's products…" />}
              {all.data && <TeamTable products={all.data.items} />}
            </Stack>
          </Tabs.Panel>
        </Tabs>
      ) : (
        mineView
      )}
    </Page>
  );
}
