import {
  Alert,
  Card,
  Divider,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useParams, useSearchParams } from 'react-router';

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
import { Copyable } from '../components/downloads/Copyable';
import { DownloadsList } from '../components/downloads/DownloadsList';
import { ProductDownloads } from '../components/downloads/ProductDownloads';
import { downloadsOf } from '../components/downloads/releases';
import type { DownloadItem } from '../components/downloads/releases';

// Serial-number subscriptions also carry their product key.
type KeyedProduct = TeamProduct & { product_key?: string | null };

function ProductCard({
  product,
  email,
  downloads,
}: {
  product: KeyedProduct;
  email: string;
  // null: still loading (or could not be loaded: the page says so once).
  downloads: DownloadItem[] | null;
}) {
  const serial = product.activation === 'serial_number';
  const productKey = product.product_key ?? undefined;
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
                The product key is on your order confirmation; your Contract Manager has it too.
              </Text>
            )}
            <Text size="xs" c="dimmed">
              When the product asks, choose “Serial number” and type both.
            </Text>
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
        {product.kind !== 'service' && downloads && (
          <>
            <Divider />
            {downloads.length === 0 ? (
              <Text size="sm" c="dimmed">
                No downloads are published for {product.item.name} yet.
              </Text>
            ) : (
              downloads.map((d) => <ProductDownloads key={d.product.id} item={d} />)
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}

function TeamTable({ products }: { products: KeyedProduct[] }) {
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
                    {p.product_key ? ` · key ${p.product_key}` : ''}
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
  const all = useApi<{ items: KeyedProduct[] }>(
    admin && tab === 'team' ? `/api/v1/teams/${team}/products` : null,
  );
  // Every product the person may download in this team, once for the whole page.
  const downloads = useApi<{ items: DownloadItem[] }>(`/api/v1/teams/${team}/downloads`);
  const downloadItems = downloads.data?.items ?? null;
  const mineItems: KeyedProduct[] = mine.data?.items ?? [];
  const shown = new Set(
    mineItems.flatMap((p) => downloadsOf(downloadItems ?? [], p.subscription_id)),
  );
  const otherDownloads = (downloadItems ?? []).filter((d) => !shown.has(d));

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
          {mineItems.map((p) => (
            <ProductCard
              key={p.subscription_id}
              product={p}
              email={me.user.email}
              downloads={downloadItems && downloadsOf(downloadItems, p.subscription_id)}
            />
          ))}
        </SimpleGrid>
      )}
      <ErrorAlert message={downloads.error} title="The downloads could not be loaded" />
      {downloads.loading && !downloads.data && <Loading label="Loading downloads…" />}
      {!admin && otherDownloads.length > 0 && (
        <Card withBorder padding="md" component="section" aria-label="Other downloads">
          <Stack>
            <Title order={2} size="h4">
              Other downloads
            </Title>
            <Text size="sm" c="dimmed">
              Products of {access.teamName} you may download without a seat of your own, for example
              those of a network license.
            </Text>
            <DownloadsList items={otherDownloads} />
          </Stack>
        </Card>
      )}
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
              <Title order={2} size="h4" mt="md">
                Downloads
              </Title>
              <Text size="sm" c="dimmed">
                Installers and updates of every product of {access.teamName}. Users see those of the
                products they hold on their own Products &amp; services page.
              </Text>
              <ErrorAlert message={downloads.error} title="The downloads could not be loaded" />
              {downloads.loading && !downloads.data && <Loading label="Loading downloads…" />}
              {downloadItems && downloadItems.length === 0 && (
                <Text c="dimmed">This team has no products to download.</Text>
              )}
              {downloadItems && downloadItems.length > 0 && <DownloadsList items={downloadItems} />}
            </Stack>
          </Tabs.Panel>
        </Tabs>
      ) : (
        mineView
      )}
    </Page>
  );
}
