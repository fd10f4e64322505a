import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  FileInput,
  Group,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useState } from 'react';

import { api, errorMessage } from '../../api/client';
import { notifySuccess } from '../notify';
import { ErrorAlert } from '../Page';
import { CSV_COLUMNS, importOutcome, importSummary, SAMPLE_CSV } from './model';
import type { ImportAnswer } from './model';

function downloadSample() {
  const url = URL.createObjectURL(new Blob([SAMPLE_CSV], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'seatwise-users-sample.csv';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The per-row answer of an import: row, e-mail, outcome, message.
export function ImportResults({ answer }: { answer: ImportAnswer }) {
  return (
    <Stack gap="xs">
      <Text fw={600} role="status">
        Import finished: {importSummary(answer)}.
      </Text>
      <Table.ScrollContainer minWidth={560}>
        <Table striped aria-label="Import results">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>E-mail</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {answer.rows.map((r) => {
              const outcome = importOutcome(r.result);
              return (
                <Table.Tr key={r.row}>
                  <Table.Td>{r.row}</Table.Td>
                  <Table.Td>{r.email || '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={outcome.color} variant="light">
                      {outcome.label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.message}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

// Bulk invite: pick a CSV file, send it, read the answer for each row.
export function UserImport({
  teamId,
  onDone,
}: {
  teamId: string;
  onDone: (a: ImportAnswer) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function upload() {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      const text = await file.text();
      const answer = await api<ImportAnswer>(
        `/api/v1/teams/${encodeURIComponent(teamId)}/users/import`,
        { method: 'POST', body: text, headers: { 'Content-Type': 'text/csv' } },
      );
      notifySuccess(`Import finished: ${importSummary(answer)}.`);
      setFile(null);
      onDone(answer);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm">
      <Text size="sm">
        A CSV file whose first row names the columns{' '}
        {CSV_COLUMNS.map((c, i) => (
          <span key={c}>
            {i > 0 && ', '}
            <Code>{c}</Code>
          </span>
        ))}
        , then one person a row. Each person gets an invitation e-mail and joins once they accept
        it; people already in the team are left as they are and said so.{' '}
        <Anchor component="button" type="button" size="sm" onClick={downloadSample}>
          Download a sample file
        </Anchor>
      </Text>
      <ErrorAlert message={error} title="The file was not imported" />
      <Group align="flex-end" wrap="wrap">
        <FileInput
          label="CSV file"
          placeholder="Choose a .csv file"
          accept=".csv,text/csv"
          value={file}
          onChange={setFile}
          clearable
          w={320}
        />
        <Button disabled={!file} loading={busy} onClick={() => void upload()}>
          Upload and invite
        </Button>
      </Group>
      {file && file.size > 8 * 1024 * 1024 && (
        <Alert color="yellow">This file is larger than 8 MB, the limit: split it.</Alert>
      )}
    </Stack>
  );
}
