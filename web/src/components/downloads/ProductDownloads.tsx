import {
  Anchor,
  Button,
  Code,
  CopyButton,
  Group,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';

import { formatDate } from '../format';
import { formatSize, installAndUpdates } from './releases';
import type { DownloadItem, Release } from './releases';

function Checksum({ release }: { release: Release }) {
  return (
    <Stack gap={2}>
      <Group gap={4} wrap="nowrap" align="center">
        <Text size="sm" fw={600}>
          SHA-256
        </Text>
        <CopyButton value={release.sha256}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy the SHA-256'}>
              <Button
                variant="light"
                size="compact-xs"
                onClick={copy}
                aria-label={
                  copied
                    ? 'SHA-256 copied'
                    : `Copy the SHA-256 of ${release.title || release.version}`
                }
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Code block fz="xs">
        {release.sha256.slice(0, 32)}
        {'\n'}
        {release.sha256.slice(32)}
      </Code>
      <Text size="xs" c="dimmed">
        To check the file, compare this with what <Code>certutil -hashfile FILE SHA256</Code>{' '}
        (Windows) or <Code>shasum -a 256 FILE</Code> (macOS, Linux) prints; if they differ, do not
        install it and download it again.
      </Text>
    </Stack>
  );
}

function UpdatesTable({ product, updates }: { product: string; updates: Release[] }) {
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table fz="sm" verticalSpacing={4} aria-label={`Updates of ${product}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Update</Table.Th>
            <Table.Th>Released</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Download</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {updates.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td ff="monospace">{u.version}</Table.Td>
              <Table.Td>
                {u.title}
                {u.notes && (
                  <Text size="xs" c="dimmed">
                    {u.notes}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDate(u.released_at)}</Table.Td>
              <Table.Td>{formatSize(u.size_bytes)}</Table.Td>
              <Table.Td>
                <Anchor
                  href={u.download_url}
                  rel="noopener"
                  aria-label={`Download ${product} update ${u.version}`}
                >
                  Download
                </Anchor>
                <Text size="xs" c="dimmed" ff="monospace" title={`SHA-256 ${u.sha256}`}>
                  SHA-256 {u.sha256.slice(0, 12)}…
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

// One product's installer (its newest release) and the updates published after it.
export function ProductDownloads({ item, heading = 3 }: { item: DownloadItem; heading?: 3 | 4 }) {
  const { latest, updates } = installAndUpdates(item.releases);
  const name = item.product.name;
  return (
    <Stack gap="xs" component="section" aria-label={`Downloads of ${name}`}>
      <Title order={heading} size="h5">
        Downloads · {name}
      </Title>
      {!latest && updates.length === 0 && (
        <Text size="sm" c="dimmed">
          No installer of {name} has been published here yet. Your reseller or admin can give you
          the installer; once installed, the product checks for updates itself.
        </Text>
      )}
      {latest && (
        <Stack gap={6}>
          <Group gap="sm" wrap="wrap">
            <Button
              component="a"
              href={latest.download_url}
              rel="noopener"
              size="sm"
              aria-label={`Download ${name} ${latest.version}`}
            >
              Download {latest.version}
            </Button>
            <Text size="sm">
              {latest.title} · released {formatDate(latest.released_at)} ·{' '}
              {formatSize(latest.size_bytes)}
            </Text>
          </Group>
          {latest.notes && (
            <Text size="sm" c="dimmed">
              {latest.notes}
            </Text>
          )}
          <Checksum release={latest} />
        </Stack>
      )}
      {updates.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Updates {latest ? `since ${latest.version}` : ''} (newest first)
          </Text>
          <UpdatesTable product={name} updates={updates} />
        </Stack>
      )}
      {latest && updates.length === 0 && (
        <Text size="xs" c="dimmed">
          No updates since {latest.version}.
        </Text>
      )}
    </Stack>
  );
}
