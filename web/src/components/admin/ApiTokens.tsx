import {
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { api, ApiError } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formatDate, formatDateTime } from '../format';
import { notifyError, notifySuccess } from '../notify';
import { ConfirmAction } from './ConfirmAction';
import { SecretValue } from './SecretValue';
import { ListState } from '../ListState';

export interface ApiToken {
  id: string;
  name: string;
  display_prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  expired: boolean;
}

// Personal API tokens: for scripts that call the API as you (Authorization: Bearer …).
export function ApiTokens() {
  const list = useApi<{ items: ApiToken[] }>('/api/v1/me/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(90);
  const [nameError, setNameError] = useState<string | undefined>();
  const [daysError, setDaysError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setNameError(undefined);
    setDaysError(undefined);
    if (!name.trim()) {
      setNameError('Name the token after what will use it, like "nightly report".');
      return;
    }
    setBusy('create');
    try {
      const answer = await api<ApiToken & { token: string }>('/api/v1/me/tokens', {
        method: 'POST',
        body: { name: name.trim(), expires_in_days: Number(days) || 90 },
      });
      setCreated({ name: answer.name, token: answer.token });
      setName('');
      notifySuccess(`Token "${answer.name}" created.`);
      await list.reload();
    } catch (e) {
      if (e instanceof ApiError && (e.fieldMessage('name') || e.fieldMessage('expires_in_days'))) {
        setNameError(e.fieldMessage('name'));
        setDaysError(e.fieldMessage('expires_in_days'));
      } else {
        notifyError(e, 'No token was created');
      }
    } finally {
      setBusy(null);
    }
  }

  async function revoke(token: ApiToken) {
    try {
      await api(`/api/v1/me/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' });
      notifySuccess(`Token "${token.name}" revoked.`);
      await list.reload();
    } catch (e) {
      notifyError(e, 'The token was not revoked');
    }
  }

  const items = list.data?.items ?? [];
  return (
    <Paper withBorder p="lg">
      <Stack>
        <Title order={2} size="h4">
          API tokens
        </Title>
        <Text size="sm" c="dimmed">
          A token lets a script call the Seatwise API as you, with your roles. Send it as{' '}
          <Text span ff="monospace">
            Authorization: Bearer &lt;token&gt;
          </Text>
          . Revoke a token you no longer use.
        </Text>
        {created && (
          <Alert color="yellow" title={`Copy the token "${created.name}" now`} role="status">
            <Stack gap="sm">
              <Text size="sm">It is shown only once; Seatwise keeps only a fingerprint of it.</Text>
              <SecretValue label="Token" value={created.token} />
              <Group>
                <Button variant="default" onClick={() => setCreated(null)}>
                  I have copied it
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <form onSubmit={(e) => void create(e)} noValidate>
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label="Token name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={nameError}
              w={260}
            />
            <NumberInput
              label="Expires after (days)"
              min={1}
              max={3650}
              value={days}
              onChange={setDays}
              error={daysError}
              w={180}
            />
            <Button type="submit" mt={25} loading={busy === 'create'}>
              Create token
            </Button>
          </Group>
        </form>
        <ListState
          list={list}
          count={items.length}
          loadingLabel="Loading your tokens…"
          empty={
            <Text size="sm" c="dimmed">
              You have no API tokens.
            </Text>
          }
        />
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Starts with</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((token) => (
                  <Table.Tr key={token.id}>
                    <Table.Td>
                      {token.name}{' '}
                      {token.expired && (
                        <Badge color="gray" size="sm">
                          expired
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ff="monospace">{token.display_prefix}…</Table.Td>
                    <Table.Td>{formatDate(token.created_at)}</Table.Td>
                    <Table.Td>{token.expires_at ? formatDate(token.expires_at) : 'never'}</Table.Td>
                    <Table.Td>
                      {token.last_used_at ? formatDateTime(token.last_used_at) : 'never'}
                    </Table.Td>
                    <Table.Td>
                      <ConfirmAction
                        size="xs"
                        color="red"
                        variant="light"
                        label="Revoke"
                        aria-label={`Revoke ${token.name}`}
                        title={`Revoke "${token.name}"?`}
                        message="Anything that uses this token stops working at once."
                        confirmLabel="Revoke token"
                        onConfirm={() => revoke(token)}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
