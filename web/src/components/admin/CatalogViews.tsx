import {
  Badge,
  Button,
  FileInput,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSearchParams } from 'react-router';

import { api, ApiError, query } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert } from '../Page';
import { ListPager, useCursor } from './CursorPager';
import type { CursorPage, Product, ProductSet, Service } from './customerTypes';
import { ListState } from '../ListState';
import { formErrorsOf, type FormErrors } from '../formErrors';
import { ReleaseAdmin } from './ReleaseAdmin';

type Errors = FormErrors;

// Field errors of a refused change, by field name; anything else as a notification.
function fieldErrors(e: unknown, fields: string[], title: string): Errors {
  const shown = formErrorsOf(e, fields);
  if (shown) return shown;
  notifyError(e, title);
  return {};
}

interface ProductDraft {
  code: string;
  name: string;
  release: string;
  description: string;
  retired: boolean;
}

function ProductForm({
  initial,
  editing,
  onSave,
  submitLabel,
}: {
  initial: ProductDraft;
  editing: boolean;
  onSave: (draft: ProductDraft) => Promise<Errors>;
  submitLabel: string;
}) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Errors = {};
    if (!draft.code.trim()) local.code = 'A short code, like DRL.';
    if (!draft.name.trim()) local.name = 'The name customers see.';
    setErrors(local);
    if (local.code || local.name) return;
    setBusy(true);
    try {
      setErrors(await onSave(draft));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Code"
            required
            disabled={editing}
            value={draft.code}
            onChange={(e) => setDraft({ ...draft, code: e.currentTarget.value })}
            error={errors.code}
          />
          <TextInput
            label="Name"
            required
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            error={errors.name}
          />
          <TextInput
            label="Release"
            value={draft.release}
            onChange={(e) => setDraft({ ...draft, release: e.currentTarget.value })}
            error={errors.release}
          />
        </SimpleGrid>
        <Textarea
          label="Description"
          autosize
          minRows={2}
          value={draft.description}
          onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
          error={errors.description}
        />
        {editing && (
          <Switch
            label="Retired (no longer sold; existing seats keep working)"
            checked={draft.retired}
            onChange={(e) => setDraft({ ...draft, retired: e.currentTarget.checked })}
          />
        )}
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const emptyProduct: ProductDraft = {
  code: '',
  name: '',
  release: '',
  description: '',
  retired: false,
};

export function ProductsCatalog() {
  const cursor = useCursor();
  const list = useApi<CursorPage<Product>>(
    `/api/v1/products${query({ after: cursor.after, limit: 50 })}`,
  );
  const [editing, setEditing] = useState<Product | null>(null);
  const [formKey, setFormKey] = useState(0);
  const items = list.data?.items ?? [];
  const fields = ['code', 'name', 'release', 'description', 'retired'];
  // The product whose releases are open, by code, kept in the address.
  const [params, setParams] = useSearchParams();
  const releasesOf = params.get('releases');
  const releasesName = items.find((p) => p.code === releasesOf)?.name ?? releasesOf ?? '';
  function openReleases(code: string | null) {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (code) next.set('releases', code);
      else next.delete('releases');
      return next;
    });
  }

  async function create(draft: ProductDraft): Promise<Errors> {
    try {
      const body = {
        code: draft.code.trim(),
        name: draft.name.trim(),
        release: draft.release,
        description: draft.description,
      };
      await api('/api/v1/products', { method: 'POST', body });
      notifySuccess(`Product ${draft.code} added.`);
      setFormKey(formKey + 1);
      await list.reload();
      return {};
    } catch (e) {
      return fieldErrors(e, fields, 'The product was not added');
    }
  }

  async function update(product: Product, draft: ProductDraft): Promise<Errors> {
    try {
      await api(`/api/v1/products/${encodeURIComponent(product.id)}`, {
        method: 'PATCH',
        body: {
          name: draft.name,
          release: draft.release,
          description: draft.description,
          retired: draft.retired,
        },
      });
      notifySuccess(`Product ${product.code} saved.`);
      setEditing(null);
      await list.reload();
      return {};
    } catch (e) {
      return fieldErrors(e, fields, 'The product was not saved');
    }
  }

  return (
    <Stack>
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading products…"
        empty="The catalog has no products yet."
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped aria-label="Products">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Release</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Downloads</Table.Th>
                <Table.Th>Edit</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td ff="monospace">{p.code}</Table.Td>
                  <Table.Td>
                    {p.name}
                    {p.description && (
                      <Text size="xs" c="dimmed">
                        {p.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{p.release || '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={p.retired ? 'gray' : 'green'} variant="light">
                      {p.retired ? 'retired' : 'on sale'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => openReleases(p.code)}
                      aria-label={`Releases of ${p.name}`}
                    >
                      Releases
                    </Button>
                  </Table.Td>
                  <Table.Td>
                    <EditButton name={p.name} onClick={() => setEditing(p)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ListPager
        cursor={cursor}
        nextAfter={list.data?.next_after}
        count={items.length}
        noun="products"
      />
      <Modal
        opened={releasesOf !== null}
        onClose={() => openReleases(null)}
        title={`Releases of ${releasesName}`}
        size="xl"
        lockScroll={false}
      >
        {releasesOf && <ReleaseAdmin code={releasesOf} name={releasesName} />}
      </Modal>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? `Edit ${editing.name}` : ''}
        size="lg"
        lockScroll={false}
      >
        {editing && (
          <ProductForm
            initial={{ ...editing }}
            editing
            submitLabel="Save product"
            onSave={(draft) => update(editing, draft)}
          />
        )}
      </Modal>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          Add a product
        </Title>
        <ProductForm
          key={formKey}
          initial={emptyProduct}
          editing={false}
          submitLabel="Add product"
          onSave={create}
        />
      </Paper>
    </Stack>
  );
}

// Product groups and collections: a code, a name and the products they stand for.
export function ProductSetsCatalog({ kind }: { kind: 'product-groups' | 'collections' }) {
  const noun = kind === 'collections' ? 'collection' : 'product group';
  const cursor = useCursor();
  const list = useApi<CursorPage<ProductSet>>(
    `/api/v1/${kind}${query({ after: cursor.after, limit: 50 })}`,
  );
  const products = useApi<CursorPage<Product>>('/api/v1/products?limit=1000');
  const productName = new Map((products.data?.items ?? []).map((p) => [p.id, p.name]));
  const options = (products.data?.items ?? []).map((p) => ({
    value: p.id,
    label: `${p.name} (${p.code})`,
  }));
  const [editing, setEditing] = useState<ProductSet | null>(null);
  const [draft, setDraft] = useState({ code: '', name: '', product_ids: [] as string[] });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const items = list.data?.items ?? [];

  function startEdit(set: ProductSet | null) {
    setEditing(set);
    setErrors({});
    setDraft(
      set
        ? { code: set.code, name: set.name, product_ids: set.product_ids }
        : { code: '', name: '', product_ids: [] },
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Errors = {};
    if (!draft.code.trim()) local.code = 'A short code.';
    if (!draft.name.trim()) local.name = 'The name customers see.';
    if (draft.product_ids.length === 0) local.product_ids = 'Choose at least one product.';
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    setBusy(true);
    try {
      await api(editing ? `/api/v1/${kind}/${encodeURIComponent(editing.id)}` : `/api/v1/${kind}`, {
        method: editing ? 'PUT' : 'POST',
        body: { code: draft.code.trim(), name: draft.name.trim(), product_ids: draft.product_ids },
      });
      notifySuccess(`${draft.code}: ${noun} ${editing ? 'saved' : 'added'}.`);
      startEdit(null);
      await list.reload();
    } catch (e) {
      setErrors(fieldErrors(e, ['code', 'name', 'product_ids'], `The ${noun} was not saved`));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <ListState list={list} count={items.length} empty={<Text c="dimmed">No {noun}s yet.</Text>} />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label={`${noun}s`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Products</Table.Th>
                <Table.Th>Edit</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((set) => (
                <Table.Tr key={set.id}>
                  <Table.Td ff="monospace">{set.code}</Table.Td>
                  <Table.Td>{set.name}</Table.Td>
                  <Table.Td>
                    {set.product_ids.map((id) => productName.get(id) ?? id).join(', ')}
                  </Table.Td>
                  <Table.Td>
                    <EditButton name={set.name} onClick={() => startEdit(set)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ListPager
        cursor={cursor}
        nextAfter={list.data?.next_after}
        count={items.length}
        noun={`${noun}s`}
      />
      <Paper withBorder p="md">
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Title order={2} size="h4">
              {editing ? `Edit ${editing.name}` : `Add a ${noun}`}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Code"
                required
                value={draft.code}
                onChange={(e) => setDraft({ ...draft, code: e.currentTarget.value })}
                error={errors.code}
              />
              <TextInput
                label="Name"
                required
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
                error={errors.name}
              />
            </SimpleGrid>
            <MultiSelect
              label="Products"
              description={
                kind === 'collections'
                  ? 'One seat of the collection grants every product in it.'
                  : 'The products the group stands for, e.g. a product and its specialised toolsets.'
              }
              searchable
              required
              data={options}
              value={draft.product_ids}
              onChange={(value) => setDraft({ ...draft, product_ids: value })}
              error={errors.product_ids}
            />
            <Group>
              <Button type="submit" loading={busy}>
                {editing ? `Save ${noun}` : `Add ${noun}`}
              </Button>
              {editing && (
                <Button variant="default" onClick={() => startEdit(null)}>
                  Cancel
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}

export function ServicesCatalog() {
  const cursor = useCursor();
  const list = useApi<CursorPage<Service>>(
    `/api/v1/services${query({ after: cursor.after, limit: 50 })}`,
  );
  const [draft, setDraft] = useState({ code: '', name: '', kind: 'cloud', description: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const items = list.data?.items ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Errors = {};
    if (!draft.code.trim()) local.code = 'A short code.';
    if (!draft.name.trim()) local.name = 'The name customers see.';
    setErrors(local);
    if (local.code || local.name) return;
    setBusy(true);
    try {
      await api('/api/v1/services', {
        method: 'POST',
        body: { ...draft, code: draft.code.trim(), name: draft.name.trim() },
      });
      notifySuccess(`Service ${draft.code} added.`);
      setDraft({ code: '', name: '', kind: 'cloud', description: '' });
      await list.reload();
    } catch (e) {
      setErrors(
        fieldErrors(e, ['code', 'name', 'kind', 'description'], 'The service was not added'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <ListState list={list} count={items.length} empty="No services yet." />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped aria-label="Services">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Code</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Description</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td ff="monospace">{s.code}</Table.Td>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>{s.kind}</Table.Td>
                  <Table.Td>{s.description || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ListPager
        cursor={cursor}
        nextAfter={list.data?.next_after}
        count={items.length}
        noun="services"
      />
      <Paper withBorder p="md">
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Title order={2} size="h4">
              Add a service
            </Title>
            <Text size="sm" c="dimmed">
              The API can add services but not change them; a catalog import updates existing ones.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Code"
                required
                value={draft.code}
                onChange={(e) => setDraft({ ...draft, code: e.currentTarget.value })}
                error={errors.code}
              />
              <TextInput
                label="Name"
                required
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
                error={errors.name}
              />
              <Select
                label="Kind"
                allowDeselect={false}
                data={[
                  { value: 'cloud', label: 'Cloud service' },
                  { value: 'support', label: 'Support' },
                  { value: 'other', label: 'Other' },
                ]}
                value={draft.kind}
                onChange={(value) => setDraft({ ...draft, kind: value ?? 'cloud' })}
                error={errors.kind}
              />
            </SimpleGrid>
            <Textarea
              label="Description"
              autosize
              minRows={2}
              value={draft.description}
              onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
              error={errors.description}
            />
            <Group>
              <Button type="submit" loading={busy}>
                Add service
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}

interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  items: { kind: string; code: string; id: string; outcome: string }[];
}

// A whole catalog file (JSON: products, groups, collections, services) created or updated
// by code in one go.
export function CatalogImport() {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [problems, setProblems] = useState<{ field: string; message: string }[]>([]);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setProblems([]);
    setReport(null);
    if (!file) {
      setError('Choose a catalog file first.');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      setError(`${file.name} is not valid JSON.`);
      return;
    }
    setBusy(true);
    try {
      const answer = await api<ImportReport>('/api/v1/catalog/import', { method: 'POST', body });
      setReport(answer);
      notifySuccess(
        `Catalog imported: ${answer.created} created, ${answer.updated} updated, ${answer.unchanged} unchanged.`,
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The import failed.');
      if (e instanceof ApiError) setProblems(e.problem.errors ?? []);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Title order={2} size="h4">
            Import a catalog file
          </Title>
          <Text size="sm" c="dimmed">
            A JSON file with any of <code>products</code> (code, name, release, description),{' '}
            <code>groups</code> and <code>collections</code> (code, name, products: product codes)
            and <code>services</code> (code, name, kind: cloud, support or other). Entries are
            matched by code: new ones are created, changed ones updated. Nothing is changed if any
            entry is invalid.
          </Text>
          <FileInput
            label="Catalog file"
            accept="application/json,.json"
            placeholder="Choose a .json file"
            value={file}
            onChange={setFile}
            clearable
            maw={420}
          />
          <ErrorAlert message={error} title="The catalog was not imported" />
          {problems.length > 0 && (
            <Table withTableBorder aria-label="Problems in the file">
              <Table.Tbody>
                {problems.map((p) => (
                  <Table.Tr key={`${p.field}:${p.message}`}>
                    <Table.Td ff="monospace">{p.field}</Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              Import
            </Button>
          </Group>
          {report && (
            <Table.ScrollContainer minWidth={480}>
              <Table striped aria-label="Import report">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Code</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {report.items.map((item) => (
                    <Table.Tr key={`${item.kind}:${item.code}`}>
                      <Table.Td>{item.kind}</Table.Td>
                      <Table.Td ff="monospace">{item.code}</Table.Td>
                      <Table.Td>{item.outcome}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

// A row's "Edit" button, named after what it edits for screen readers.
function EditButton({ name, onClick }: { name: string; onClick: () => void }) {
  return (
    <Button size="xs" variant="default" onClick={onClick} aria-label={`Edit ${name}`}>
      Edit
    </Button>
  );
}
