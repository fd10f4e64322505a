import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';

import { api, query } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { useSearchBox } from '../../hooks/useSearchBox';
import { formErrorsOf } from '../formErrors';
import type { FormErrors } from '../formErrors';
import { formatDate, formatNumber } from '../format';
import { ListState } from '../ListState';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading, Page } from '../Page';
import { ConfirmAction } from './ConfirmAction';
import { ListPager, useCursor } from './CursorPager';
import type { CursorPage } from '../../api/types';

export interface Reseller {
  id: string;
  name: string;
  contact_email: string;
  customers: number;
  staff: number;
  created_at: string;
  updated_at: string;
}

interface StaffMember {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
}

interface ResellerDetails extends Reseller {
  staff_members: StaffMember[];
  recent_customers: { id: string; name: string; country: string }[];
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkReseller(d: { name: string; contact_email: string }): FormErrors {
  const out: FormErrors = {};
  if (!d.name.trim()) out.name = 'The company name customers know the reseller by.';
  if (!d.contact_email.trim()) out.contact_email = 'Where the publisher writes to the reseller.';
  else if (!emailPattern.test(d.contact_email.trim()))
    out.contact_email = 'Not an e-mail address, e.g. orders@reseller.example.';
  return out;
}

// Name and contact e-mail: used to add a reseller and to change one.
function ResellerForm({
  initial,
  submitLabel,
  onSave,
}: {
  initial: { name: string; contact_email: string };
  submitLabel: string;
  onSave: (d: { name: string; contact_email: string }) => Promise<FormErrors | null>;
}) {
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const local = checkReseller(draft);
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    setBusy(true);
    try {
      const refused = await onSave({
        name: draft.name.trim(),
        contact_email: draft.contact_email.trim(),
      });
      setErrors(refused ?? {});
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Name"
            required
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            error={errors.name}
          />
          <TextInput
            label="Contact e-mail"
            type="email"
            required
            value={draft.contact_email}
            onChange={(e) => setDraft({ ...draft, contact_email: e.currentTarget.value })}
            error={errors.contact_email}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const resellerFields = ['name', 'contact_email'];

// Every reseller, searchable and paged, with "Add reseller".
export function ResellerList({ base }: { base: string }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const adding = params.get('add') === '1';
  const cursor = useCursor();
  const list = useApi<CursorPage<Reseller>>(
    `/api/v1/resellers${query({ q: search, after: cursor.after, limit: 25 })}`,
  );
  const items = list.data?.items ?? [];
  function setParam(name: string, value: string | null) {
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(name, value);
      else next.delete(name);
      if (name === 'q') next.delete('after');
      return next;
    });
  }
  const searchBox = useSearchBox(search, (value) => setParam('q', value.trim() || null));

  async function create(d: { name: string; contact_email: string }) {
    try {
      const created = await api<Reseller>('/api/v1/resellers', { method: 'POST', body: d });
      notifySuccess(
        `${created.name} added. Add its staff next: they sign in to the reseller console.`,
      );
      navigate(`${base}/resellers/${encodeURIComponent(created.id)}`, { replace: true });
      return null;
    } catch (e) {
      const shown = formErrorsOf(e, resellerFields, 'name');
      if (!shown) notifyError(e, 'The reseller was not added');
      return shown;
    }
  }

  return (
    <Page
      title="Resellers"
      description="The companies that sell to customers. Their staff sign in to the reseller console and see only their own customers."
      actions={<Button onClick={() => setParam('add', '1')}>Add reseller</Button>}
    >
      <TextInput
        label="Search resellers"
        placeholder="Name or contact e-mail"
        type="search"
        maw={420}
        value={searchBox.text}
        onChange={(e) => searchBox.change(e.currentTarget.value)}
      />
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading resellers…"
        errorTitle="The resellers could not be loaded"
        empty={search ? `No reseller matches “${search}”.` : 'No resellers yet: add the first one.'}
      />
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-label="Resellers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Contact</Table.Th>
                <Table.Th>Customers</Table.Th>
                <Table.Th>Staff</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/resellers/${encodeURIComponent(r.id)}`}>
                      {r.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor href={`mailto:${r.contact_email}`} size="sm">
                      {r.contact_email}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatNumber(r.customers)}</Table.Td>
                  <Table.Td>{formatNumber(r.staff)}</Table.Td>
                  <Table.Td>{formatDate(r.created_at)}</Table.Td>
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
        noun="resellers"
      />
      <Modal
        opened={adding}
        onClose={() => setParam('add', null)}
        title="Add reseller"
        size="lg"
        lockScroll={false}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            The reseller can then be given customers and staff. Staff members sign in with their own
            e-mail address.
          </Text>
          <ResellerForm
            initial={{ name: '', contact_email: '' }}
            submitLabel="Add reseller"
            onSave={create}
          />
        </Stack>
      </Modal>
    </Page>
  );
}

const staffFields = ['email', 'first_name', 'last_name'];

function AddStaff({
  reseller,
  onAdded,
}: {
  reseller: ResellerDetails;
  onAdded: () => Promise<void>;
}) {
  const empty = { email: '', first_name: '', last_name: '' };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: FormErrors = {};
    if (!emailPattern.test(draft.email.trim())) local.email = 'Their work e-mail address.';
    if (!draft.first_name.trim()) local.first_name = 'Their first name.';
    if (!draft.last_name.trim()) local.last_name = 'Their last name.';
    setErrors(local);
    if (Object.values(local).some(Boolean)) return;
    setBusy(true);
    try {
      const answer = await api<{ user: StaffMember; created: boolean }>(
        `/api/v1/resellers/${encodeURIComponent(reseller.id)}/staff`,
        {
          method: 'POST',
          body: {
            email: draft.email.trim(),
            first_name: draft.first_name.trim(),
            last_name: draft.last_name.trim(),
          },
        },
      );
      notifySuccess(
        answer.created
          ? `${answer.user.email} added to ${reseller.name}. They get an e-mail with a link to set their password, then sign in to the reseller console.`
          : `${answer.user.email} already had a Seatwise account and is now staff of ${reseller.name}. They get an e-mail with a link to the reseller console.`,
      );
      setDraft(empty);
      await onAdded();
    } catch (e) {
      const shown = formErrorsOf(e, staffFields, 'email');
      if (shown) setErrors(shown);
      else notifyError(e, 'The staff member was not added');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Add staff member">
        <Stack>
          <Title order={3} size="h5">
            Add staff member
          </Title>
          <Text size="sm" c="dimmed">
            They can then see and serve {reseller.name}&apos;s customers in the reseller console. A
            person new to Seatwise gets an e-mail with a link to set a password; someone who already
            has an account gets an e-mail asking them to sign in. A person can be staff of one
            reseller only, and operators cannot be reseller staff.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label="E-mail"
              type="email"
              required
              value={draft.email}
              onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
              error={errors.email}
            />
            <TextInput
              label="First name"
              required
              value={draft.first_name}
              onChange={(e) => setDraft({ ...draft, first_name: e.currentTarget.value })}
              error={errors.first_name}
            />
            <TextInput
              label="Last name"
              required
              value={draft.last_name}
              onChange={(e) => setDraft({ ...draft, last_name: e.currentTarget.value })}
              error={errors.last_name}
            />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={busy}>
              Add staff member
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function statusColor(status: string) {
  if (status === 'active') return 'green';
  if (status === 'invited') return 'yellow';
  return 'gray';
}

// One reseller: its name and contact, its staff (add, remove) and its newest customers.
export function ResellerDetail({ base }: { base: string }) {
  const { resellerId = '' } = useParams();
  const path = `/api/v1/resellers/${encodeURIComponent(resellerId)}`;
  const reseller = useApi<ResellerDetails>(path);
  const data = reseller.data;
  const [editKey, setEditKey] = useState(0);

  async function save(d: { name: string; contact_email: string }) {
    try {
      await api<Reseller>(path, { method: 'PATCH', body: d });
      notifySuccess(`${d.name} saved.`);
      await reseller.reload();
      setEditKey((k) => k + 1);
      return null;
    } catch (e) {
      const shown = formErrorsOf(e, resellerFields, 'name');
      if (!shown) notifyError(e, 'The reseller was not saved');
      return shown;
    }
  }

  async function removeStaff(member: StaffMember) {
    try {
      await api(`${path}/staff/${encodeURIComponent(member.id)}`, { method: 'DELETE' });
      notifySuccess(`${member.email} is no longer staff of ${data?.name ?? 'the reseller'}.`);
      await reseller.reload();
    } catch (e) {
      notifyError(e, 'The staff member was not removed');
    }
  }

  const title = data?.name ?? 'Reseller';
  return (
    <Page
      title={title}
      description={
        data
          ? `${formatNumber(data.customers)} customers · ${formatNumber(data.staff)} staff · reseller since ${formatDate(data.created_at)}`
          : undefined
      }
    >
      <Breadcrumbs aria-label="You are here">
        <Anchor component={Link} to={`${base}/resellers`} size="sm">
          Resellers
        </Anchor>
        <Text size="sm">{title}</Text>
      </Breadcrumbs>
      <ErrorAlert message={reseller.error} title="The reseller could not be loaded" />
      {reseller.loading && !data && <Loading label="Loading the reseller…" />}
      {data && (
        <>
          <Paper withBorder p="md">
            <Stack>
              <Title order={2} size="h4">
                Name and contact
              </Title>
              <ResellerForm
                key={`${data.id}:${editKey}`}
                initial={{ name: data.name, contact_email: data.contact_email }}
                submitLabel="Save"
                onSave={save}
              />
            </Stack>
          </Paper>

          <Title order={2} size="h4">
            Staff
          </Title>
          {data.staff_members.length === 0 ? (
            <Text c="dimmed">
              No staff yet: nobody can sign in to the reseller console for {data.name}.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table striped aria-label="Staff">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>E-mail</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Remove</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.staff_members.map((m) => {
                    const name = `${m.first_name} ${m.last_name}`.trim() || m.email;
                    return (
                      <Table.Tr key={m.id}>
                        <Table.Td>{name}</Table.Td>
                        <Table.Td>{m.email}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={statusColor(m.status)}>
                            {m.status === 'invited' ? 'has not set a password yet' : m.status}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <ConfirmAction
                            label="Remove"
                            size="xs"
                            variant="default"
                            color="red"
                            aria-label={`Remove ${name}`}
                            title={`Remove ${name} from ${data.name}?`}
                            message={
                              <>
                                {name} loses access to {data.name}&apos;s customers, contracts and
                                orders at once. Their Seatwise account stays: they can still sign in
                                to any team they belong to.
                              </>
                            }
                            confirmLabel="Remove"
                            onConfirm={() => removeStaff(m)}
                          />
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <AddStaff reseller={data} onAdded={reseller.reload} />

          <Title order={2} size="h4">
            Recent customers
          </Title>
          {data.recent_customers.length === 0 ? (
            <Alert color="gray" title="No customers yet">
              {data.name}&apos;s staff create customer accounts and place orders in the reseller
              console.
            </Alert>
          ) : (
            <Table.ScrollContainer minWidth={400}>
              <Table striped aria-label="Recent customers">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Company</Table.Th>
                    <Table.Th>Country</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.recent_customers.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={`${base}/customers/${encodeURIComponent(c.id)}`}
                        >
                          {c.name || c.id}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{c.country || '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Page>
  );
}
