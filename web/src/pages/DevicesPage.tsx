import {
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { query } from '../api/client';
import { formatDateTime, relativeDays } from '../components/format';
import { DeviceDrawer } from '../components/insight/DeviceDrawer';
import {
  DEVICE_SORT_COLUMNS,
  DEVICE_STATUSES,
  formatDeviceSort,
  nextDeviceSort,
  OUT_OF_DATE_DAYS,
  parseDeviceSort,
  parseDeviceStatus,
} from '../components/insight/logic';
import type { DeviceSortColumn } from '../components/insight/logic';
import type { CursorPage, Device } from '../components/insight/types';
import { CsvExportButton, DeviceStatusBadge, useQueryState } from '../components/insight/ui';
import { Page } from '../components/Page';
import { useApi } from '../hooks/useApi';
import { ListState } from '../components/ListState';

const PAGE_SIZE = 25;

interface CatalogProduct {
  id: string;
  code: string;
  name: string;
}

export default function DevicesPage() {
  const { teamId = '', '*': rest = '' } = useParams();
  const deviceId = rest.split('/')[0] || null;
  const navigate = useNavigate();
  const { params, get, set } = useQueryState();
  const status = parseDeviceStatus(get('status'));
  const os = get('os') ?? '';
  const product = get('product') ?? '';
  const search = get('search') ?? '';
  const sort = parseDeviceSort(get('sort'));
  const after = get('after') ?? '';
  // Cursors of the pages before this one, so "Previous" can go back.
  const [previous, setPrevious] = useState<string[]>([]);

  const filters = {
    status,
    os,
    product,
    search,
    sort: formatDeviceSort(sort) === 'asset_name' ? undefined : formatDeviceSort(sort),
  };
  const base = `/api/v1/teams/${encodeURIComponent(teamId)}/devices`;
  const listPath = `${base}${query({ ...filters, after, limit: PAGE_SIZE })}`;
  const csvPath = `${base}${query({ ...filters, format: 'csv' })}`;
  const list = useApi<CursorPage<Device>>(listPath);
  const catalog = useApi<{ items: CatalogProduct[] }>('/api/v1/products?limit=200');

  const filterKey = `${status}|${os}|${product}|${search}|${formatDeviceSort(sort)}`;
  useEffect(() => setPrevious([]), [filterKey]);

  const listSearch = params.toString();
  const here = `/teams/${teamId}/devices`;
  const withQuery = (path: string) => (listSearch ? `${path}?${listSearch}` : path);

  function changeFilters(changes: Record<string, string | null>) {
    set({ ...changes, after: null });
  }

  function submitText(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    changeFilters({
      search: String(form.get('search') ?? '').trim() || null,
      os: String(form.get('os') ?? '').trim() || null,
    });
  }

  function sortBy(column: DeviceSortColumn) {
    const next = nextDeviceSort(sort, column);
    const text = formatDeviceSort(next);
    changeFilters({ sort: text === 'asset_name' ? null : text });
  }

  const items = list.data?.items ?? [];
  const nextAfter = list.data?.next_after ?? null;
  const filtered = Boolean(status || os || product || search);

  const productOptions = (catalog.data?.items ?? []).map((p) => ({
    value: p.code,
    label: `${p.name} (${p.code})`,
  }));

  return (
    <Page
      title="Devices"
      description={
        <>
          Every computer that registered the desktop client with this team: what it runs, who used
          it last and when it last checked in. <strong>Out of date</strong> means no check-in for
          more than {OUT_OF_DATE_DAYS} days — the computer may be offline, may have been
          decommissioned or had the software removed, or stopped while updating.
        </>
      }
      actions={<CsvExportButton path={csvPath} fallbackName="devices.csv" />}
    >
      <Paper withBorder p="md">
        <form onSubmit={submitText} key={`${search}|${os}`} aria-label="Device filters">
          <Group align="flex-end" wrap="wrap" gap="sm">
            <TextInput
              name="search"
              label="Search"
              description="Asset name, or last user's name or e-mail"
              defaultValue={search}
              onBlur={(e) => {
                if (e.currentTarget.value.trim() !== search)
                  changeFilters({ search: e.currentTarget.value.trim() || null });
              }}
              w={{ base: '100%', sm: 260 }}
            />
            <TextInput
              name="os"
              label="Operating system"
              description="Part of the name, e.g. Windows"
              defaultValue={os}
              onBlur={(e) => {
                if (e.currentTarget.value.trim() !== os)
                  changeFilters({ os: e.currentTarget.value.trim() || null });
              }}
              w={{ base: '100%', sm: 200 }}
            />
            <Select
              label="Status"
              description="Online, offline or out of date"
              placeholder="Any status"
              data={DEVICE_STATUSES}
              value={status}
              onChange={(v) => changeFilters({ status: v })}
              clearable
              w={{ base: '100%', sm: 180 }}
            />
            <Select
              label="Product in use"
              description="Devices running this product"
              placeholder="Any product"
              data={productOptions}
              value={product || null}
              onChange={(v) => changeFilters({ product: v })}
              searchable
              clearable
              nothingFoundMessage="No such product"
              w={{ base: '100%', sm: 260 }}
            />
            <Select
              label="Sort by"
              description="Or click a column heading"
              data={DEVICE_SORT_COLUMNS.flatMap((c) => {
                const [up, down] =
                  c.value === 'last_check_in_at'
                    ? ['oldest first', 'newest first']
                    : ['A→Z', 'Z→A'];
                return [
                  { value: c.value, label: `${c.label} (${up})` },
                  { value: `-${c.value}`, label: `${c.label} (${down})` },
                ];
              })}
              value={formatDeviceSort(sort)}
              onChange={(v) => changeFilters({ sort: v === 'asset_name' ? null : v })}
              allowDeselect={false}
              w={{ base: '100%', sm: 260 }}
            />
            <Button type="submit" variant="light">
              Apply
            </Button>
            {filtered && (
              <Button
                variant="subtle"
                onClick={() =>
                  changeFilters({ status: null, os: null, product: null, search: null })
                }
              >
                Clear filters
              </Button>
            )}
          </Group>
        </form>
      </Paper>

      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading devices…"
        errorTitle="Could not load the devices"
        empty={
          <Text>
            {filtered
              ? 'No device matches these filters. Clear them to see every computer.'
              : 'No computer has registered with this team yet. Devices appear here when someone signs in to the desktop client or activates a product with a serial number.'}
          </Text>
        }
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={860}>
          <Table striped highlightOnHover aria-label="Devices">
            <Table.Thead>
              <Table.Tr>
                {(
                  [
                    ['asset_name', 'Asset name'],
                    ['os', 'Operating system'],
                    ['products', 'Products in use'],
                    ['last_check_in_at', 'Last check-in'],
                    ['last_user', 'Last user'],
                    ['status', 'Status'],
                  ] as const
                ).map(([column, label]) => (
                  <Table.Th
                    key={column}
                    aria-sort={
                      sort.column === column
                        ? sort.descending
                          ? 'descending'
                          : 'ascending'
                        : 'none'
                    }
                  >
                    <UnstyledButton onClick={() => sortBy(column)} fw={700} fz="sm">
                      {label}
                      {sort.column === column ? (sort.descending ? ' ↓' : ' ↑') : ''}
                    </UnstyledButton>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Anchor component={Link} to={withQuery(`${here}/${d.id}`)} fw={500}>
                      {d.asset_name}
                    </Anchor>
                    {d.description && (
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {d.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{d.os || '—'}</Table.Td>
                  <Table.Td>
                    {d.products.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        none
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {d.products.map((p) => (
                          <Badge key={p.id} variant="outline" color="gray" title={p.name}>
                            {p.code}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(d.last_check_in_at)}</Text>
                    <Text size="xs" c="dimmed">
                      {relativeDays(d.last_check_in_at)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{d.last_user ? d.last_user.name : '—'}</Table.Td>
                  <Table.Td>
                    <DeviceStatusBadge status={d.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {(after || nextAfter) && (
        <Group justify="space-between">
          <Group gap="xs">
            {after && previous.length === 0 && (
              <Button variant="default" onClick={() => set({ after: null })}>
                First page
              </Button>
            )}
            {previous.length > 0 && (
              <Button
                variant="default"
                onClick={() => {
                  const back = previous[previous.length - 1] ?? '';
                  setPrevious(previous.slice(0, -1));
                  set({ after: back || null });
                }}
              >
                Previous page
              </Button>
            )}
          </Group>
          {nextAfter && (
            <Button
              variant="default"
              onClick={() => {
                setPrevious([...previous, after]);
                set({ after: nextAfter });
              }}
            >
              Next page
            </Button>
          )}
        </Group>
      )}

      <DeviceDrawer
        teamId={teamId}
        deviceId={deviceId}
        onClose={() => void navigate(withQuery(here))}
        onSaved={() => void list.reload()}
      />
    </Page>
  );
}
