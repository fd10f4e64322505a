import {
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

import { api } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formErrorsOf } from '../formErrors';
import type { FormErrors } from '../formErrors';
import { draftProblems, emptyDraft, releaseBody, releaseFields } from '../downloads/releaseDraft';
import type { Draft } from '../downloads/releaseDraft';
import { formatSize, newestFirst } from '../downloads/releases';
import type { Release } from '../downloads/releases';
import { formatDate } from '../format';
import { ListState } from '../ListState';
import { notifyError, notifySuccess } from '../notify';
import { ConfirmAction } from './ConfirmAction';

// The releases (full installers) and updates of one catalog product, newest first, with
// "Add release" and "Delete".
export function ReleaseAdmin({ code, name }: { code: string; name: string }) {
  const path = `/api/v1/catalog/products/${encodeURIComponent(code)}/releases`;
  const list = useApi<{ items: Release[] }>(path);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const items = newestFirst(list.data?.items ?? []);

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = draftProblems(draft);
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    setBusy(true);
    try {
      const created = await api<Release>(path, {
        method: 'POST',
        body: releaseBody(draft),
      });
      notifySuccess(
        `${name} ${created.version} added: customers who may download ${name} see it now.`,
      );
      setDraft(emptyDraft());
      await list.reload();
    } catch (e) {
      const shown = formErrorsOf(e, releaseFields, 'version');
      if (shown) setErrors(shown);
      else notifyError(e, 'The release was not added');
    } finally {
      setBusy(false);
    }
  }

  async function remove(release: Release) {
    try {
      await api(`${path}/${encodeURIComponent(release.id)}`, { method: 'DELETE' });
      notifySuccess(`${name} ${release.version} deleted.`);
      await list.reload();
    } catch (e) {
      notifyError(e, 'The release was not deleted');
    }
  }

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A <b>release</b> is a full installer; an <b>update</b> is installed on top of it. People who
        hold or manage {name} see the newest release and the updates published after it on their
        Products &amp; services page. Files are hosted elsewhere: give their address and SHA-256.
      </Text>
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading releases…"
        errorTitle="The releases could not be loaded"
        empty={`No releases of ${name} yet: customers see that no installer is published.`}
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped aria-label={`Releases of ${name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Released</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>File</Table.Th>
                <Table.Th>Delete</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td ff="monospace">{r.version}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={r.kind === 'release' ? 'blue' : 'grape'}>
                      {r.kind}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{r.title}</Table.Td>
                  <Table.Td>{formatDate(r.released_at)}</Table.Td>
                  <Table.Td>{formatSize(r.size_bytes)}</Table.Td>
                  <Table.Td>
                    <Anchor href={r.download_url} rel="noopener" size="sm">
                      Link
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {r.sha256.slice(0, 12)}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <ConfirmAction
                      label="Delete"
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={`Delete ${name} ${r.version}`}
                      title={`Delete ${name} ${r.version}?`}
                      message={`Customers no longer see ${r.kind === 'release' ? 'this installer' : 'this update'} on their Products & services page. The file itself is not touched.`}
                      confirmLabel="Delete"
                      onConfirm={() => remove(r)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Paper withBorder p="md">
        <form onSubmit={(e) => void submit(e)} noValidate aria-label={`Add a release of ${name}`}>
          <Stack>
            <Title order={3} size="h5">
              Add release
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Version"
                required
                value={draft.version}
                onChange={(e) => set('version', e.currentTarget.value)}
                error={errors.version}
              />
              <Radio.Group
                label="Kind"
                required
                value={draft.kind}
                onChange={(v) => set('kind', v === 'release' ? 'release' : 'update')}
                error={errors.kind}
              >
                <Group gap="md" mt={6}>
                  <Radio value="release" label="Release (installer)" />
                  <Radio value="update" label="Update" />
                </Group>
              </Radio.Group>
              <TextInput
                label="Release date"
                type="date"
                required
                value={draft.released_on}
                onChange={(e) => set('released_on', e.currentTarget.value)}
                error={errors.released_at}
              />
            </SimpleGrid>
            <TextInput
              label="Title"
              required
              value={draft.title}
              onChange={(e) => set('title', e.currentTarget.value)}
              error={errors.title}
            />
            <TextInput
              label="Download URL"
              required
              type="url"
              value={draft.download_url}
              onChange={(e) => set('download_url', e.currentTarget.value)}
              error={errors.download_url}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="SHA-256"
                description="64 hexadecimal digits, e.g. from sha256sum"
                required
                ff="monospace"
                value={draft.sha256}
                onChange={(e) => set('sha256', e.currentTarget.value)}
                error={errors.sha256}
              />
              <NumberInput
                label="Size in bytes"
                description={
                  typeof draft.size_bytes === 'number' && draft.size_bytes > 0
                    ? `${formatSize(draft.size_bytes)}`
                    : 'The exact file size'
                }
                required
                min={1}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=","
                value={draft.size_bytes}
                onChange={(v) => set('size_bytes', v)}
                error={errors.size_bytes}
              />
            </SimpleGrid>
            <Textarea
              label="Notes"
              description="Optional: what changed, shown to customers."
              autosize
              minRows={2}
              value={draft.notes}
              onChange={(e) => set('notes', e.currentTarget.value)}
              error={errors.notes}
            />
            <Group>
              <Button type="submit" loading={busy}>
                Add release
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
