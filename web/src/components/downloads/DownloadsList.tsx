import { Accordion, Text } from '@mantine/core';

import { ProductDownloads } from './ProductDownloads';
import { installAndUpdates } from './releases';
import type { DownloadItem } from './releases';

function summary(item: DownloadItem): string {
  const { latest, updates } = installAndUpdates(item.releases);
  if (!latest && updates.length === 0) return 'nothing published yet';
  const parts = [];
  if (latest) parts.push(`installer ${latest.version}`);
  if (updates.length > 0) parts.push(`${updates.length} update${updates.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

// Many products' downloads, one fold each (closed until opened), with where each comes from.
export function DownloadsList({ items }: { items: DownloadItem[] }) {
  return (
    <Accordion multiple variant="separated">
      {items.map((item) => (
        <Accordion.Item key={item.product.id} value={item.product.id}>
          <Accordion.Control>
            <Text fw={600} span>
              {item.product.name}
            </Text>{' '}
            <Text span size="sm" c="dimmed">
              — {summary(item)}
              {item.via.length > 0 &&
                ` · contract ${[...new Set(item.via.map((v) => v.contract_number))].join(', ')}`}
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            <ProductDownloads item={item} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
