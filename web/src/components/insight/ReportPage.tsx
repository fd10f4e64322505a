import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

import type { Loaded } from '../../hooks/useApi';
import { ErrorAlert, Loading, Page } from '../Page';
import type { ReportRange } from './logic';
import type { ReportScope } from './types';
import { CsvExportButton, RangeSelect, scopeText } from './ui';

interface ReportPageProps<T extends { scope: ReportScope }> {
  title: string;
  description: ReactNode;
  // The report's CSV download and the file name used when the answer names none.
  csvPath: string;
  csvName: string;
  range: ReportRange;
  onRangeChange: (range: ReportRange) => void;
  report: Loaded<T>;
  loadingLabel: string;
  children: ReactNode;
}

// The frame every report shares: title and CSV export, the range picker with whose data
// is shown, and the report's error and first-load states.
export function ReportPage<T extends { scope: ReportScope }>({
  title,
  description,
  csvPath,
  csvName,
  range,
  onRangeChange,
  report,
  loadingLabel,
  children,
}: ReportPageProps<T>) {
  const data = report.data;
  return (
    <Page
      title={title}
      description={description}
      actions={<CsvExportButton path={csvPath} fallbackName={csvName} />}
    >
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <RangeSelect value={range} onChange={onRangeChange} />
        {data && (
          <Text size="sm" c="dimmed">
            {scopeText(data.scope)}
          </Text>
        )}
      </Group>
      <ErrorAlert message={report.error} title="Could not load the report" />
      {report.loading && !data && <Loading label={loadingLabel} />}
      {children}
    </Page>
  );
}
