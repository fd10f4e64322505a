import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

import type { Loaded } from '../hooks/useApi';
import { ErrorAlert, Loading } from './Page';

interface ListStateProps {
  list: Pick<Loaded<unknown>, 'data' | 'error' | 'loading'>;
  // How many rows the loaded answer shows.
  count: number;
  loadingLabel?: string;
  errorTitle?: string;
  // Shown when the answer has no rows; plain text is shown dimmed.
  empty: ReactNode;
}

// What a list says before or instead of its rows: why it could not load, that it is
// loading (the first time), or that it is empty.
export function ListState({ list, count, loadingLabel, errorTitle, empty }: ListStateProps) {
  return (
    <>
      <ErrorAlert message={list.error} title={errorTitle} />
      {list.loading && !list.data && <Loading label={loadingLabel} />}
      {list.data !== undefined &&
        count === 0 &&
        (typeof empty === 'string' ? <Text c="dimmed">{empty}</Text> : empty)}
    </>
  );
}
