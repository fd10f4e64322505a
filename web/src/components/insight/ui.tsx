// Small pieces the device, report and billing pages share.

import { Badge, Button, Paper, Select, Text, Tooltip } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';

import { download } from '../../api/client';
import { notifyError, notifySuccess } from '../notify';
import { contractStatusLook, deviceStatusLook, parseRange, REPORT_RANGES } from './logic';
import type { ReportRange } from './logic';
import type { ContractStatus, DeviceStatus } from './types';

export function DeviceStatusBadge({ status }: { status: DeviceStatus }) {
  const look = deviceStatusLook(status);
  return (
    <Tooltip label={look.hint} multiline w={260} withArrow>
      <Badge
        color={look.color}
        variant="light"
        tabIndex={0}
        aria-label={`${look.label}. ${look.hint}`}
      >
        {look.label}
      </Badge>
    </Tooltip>
  );
}

export function ContractStatusBadge({ status }: { status: ContractStatus }) {
  const look = contractStatusLook(status);
  return (
    <Badge color={look.color} variant="light">
      {look.label}
    </Badge>
  );
}

// Values kept in the URL's query: reading them, and changing some while keeping the rest
// (each change is a history entry, so back and forward step through them).
export function useQueryState() {
  const [params, setParams] = useSearchParams();
  const get = useCallback((key: string) => params.get(key), [params]);
  const set = useCallback(
    (changes: Record<string, string | null | undefined>, options?: { replace?: boolean }) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === null || value === undefined || value === '') next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: options?.replace ?? false },
      );
    },
    [setParams],
  );
  return { params, get, set };
}

export function useReportRange(): [ReportRange, (range: ReportRange) => void] {
  const { get, set } = useQueryState();
  const range = parseRange(get('range'));
  return [range, (value) => set({ range: value === 'this_month' ? null : value, group: null })];
}

export function RangeSelect({
  value,
  onChange,
}: {
  value: ReportRange;
  onChange: (range: ReportRange) => void;
}) {
  return (
    <Select
      label="Time range"
      data={REPORT_RANGES.map((r) => ({ value: r.value, label: r.label }))}
      value={value}
      onChange={(v) => onChange(parseRange(v))}
      allowDeselect={false}
      w={200}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

// Downloads `path` (a CSV answer of the API) and says what happened.
export function CsvExportButton({
  path,
  fallbackName,
  label = 'Export as CSV',
}: {
  path: string;
  fallbackName: string;
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    try {
      const name = await download(path, fallbackName);
      notifySuccess(`Downloaded ${name}.`);
    } catch (error) {
      notifyError(error, 'The export did not work');
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="default" loading={busy} onClick={() => void run()}>
      {label}
    </Button>
  );
}

export function StatCard({
  label,
  value,
  hint,
}: {
  label: string;
  value: ReactNode;
  hint?: string;
}) {
  return (
    <Paper withBorder p="md" miw={180}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

// Who the figures cover, as the API decided.
export function scopeText(scope: 'team' | 'contracts' | 'self'): string {
  if (scope === 'self')
    return 'Only your own use is shown: reports of the whole team are for admins and Contract Managers.';
  if (scope === 'contracts') return 'Shown: the contracts you coordinate as Software Coordinator.';
  return 'Shown: everyone in the team.';
}
