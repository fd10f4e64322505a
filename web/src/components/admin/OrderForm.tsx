import {
  ActionIcon,
  Anchor,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { api, ApiError } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading, Page } from '../Page';
import type { ConsoleProps } from './CustomerViews';
import type { AccountDetails, CatalogItem, CursorPage } from './customerTypes';
import { emptyOrder, mapOrderErrors, newLine, orderBody, validateOrder } from './orderForm';
import type { LineKind, OrderErrors, OrderFormState, OrderLine } from './orderForm';

const kinds: { value: LineKind; label: string }[] = [
  { value: 'product', label: 'Product' },
  { value: 'collection', label: 'Collection' },
  { value: 'service', label: 'Service' },
];

// A new contract for a customer: term, who manages it, and one line per product,
// collection or service sold. The server's field errors are shown next to the fields.
export function OrderForm({ base, rootLabel, home }: ConsoleProps) {
  const { accountId = '' } = useParams();
  const navigate = useNavigate();
  const account = useApi<AccountDetails>(`/api/v1/accounts/${encodeURIComponent(accountId)}`);
  const products = useApi<CursorPage<CatalogItem>>('/api/v1/products?limit=1000');
  const collections = useApi<CursorPage<CatalogItem>>('/api/v1/collections?limit=1000');
  const services = useApi<CursorPage<CatalogItem>>('/api/v1/services?limit=1000');
  const [form, setForm] = useState<OrderFormState>(emptyOrder());
  const [errors, setErrors] = useState<OrderErrors>({});
  const [busy, setBusy] = useState(false);

  const catalog: Record<LineKind, CatalogItem[]> = {
    product: products.data?.items ?? [],
    collection: collections.data?.items ?? [],
    service: services.data?.items ?? [],
  };
  const set = (patch: Partial<OrderFormState>) => setForm({ ...form, ...patch });
  const setLine = (index: number, patch: Partial<OrderLine>) =>
    set({ lines: form.lines.map((line, i) => (i === index ? { ...line, ...patch } : line)) });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validateOrder(form);
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const placed = await api<{ id: string; number: string }>(
        `/api/v1/accounts/${encodeURIComponent(accountId)}/orders`,
        { method: 'POST', body: orderBody(form) },
      );
      notifySuccess(`Order placed: contract ${placed.number} created. The customer is e-mailed.`);
      navigate(`${base}/customers/${accountId}/contracts/${placed.id}`);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        setErrors(mapOrderErrors(e.problem.errors));
        notifyError(e, 'The order needs corrections');
      } else {
        notifyError(e, 'The order was not placed');
      }
    } finally {
      setBusy(false);
    }
  }

  const company = account.data?.company.name ?? 'Customer';
  return (
    <Page
      title="New order"
      description={`A new contract for ${company}. Its Contract Manager is e-mailed that the order is processed.`}
    >
      <Breadcrumbs aria-label="You are here">
        <Anchor component={Link} to={home ?? base} size="sm">
          {rootLabel}
        </Anchor>
        <Anchor component={Link} to={`${base}/customers/${accountId}`} size="sm">
          {company}
        </Anchor>
        <Text size="sm">New order</Text>
      </Breadcrumbs>
      <ErrorAlert message={account.error} title="The customer could not be loaded" />
      {account.loading && !account.data && <Loading />}
      {account.data && (
        <form onSubmit={(e) => void submit(e)} noValidate aria-label="New order">
          <Stack>
            <ErrorAlert message={errors.form} title="The server refused a field" />
            <Paper withBorder p="md">
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
                <Select
                  label="Team"
                  description="Where the seats are used. Default: the customer's first team."
                  data={account.data.teams.map((t) => ({ value: t.id, label: t.name }))}
                  value={form.team_id || null}
                  onChange={(value) => set({ team_id: value ?? '' })}
                  clearable
                  error={errors.team_id}
                />
                <TextInput
                  label="Term (months)"
                  inputMode="numeric"
                  required
                  value={form.term_months}
                  onChange={(e) => set({ term_months: e.currentTarget.value })}
                  error={errors.term_months}
                />
                <TextInput
                  label="Starts on"
                  description="Empty: today."
                  type="date"
                  value={form.starts_on}
                  onChange={(e) => set({ starts_on: e.currentTarget.value })}
                  error={errors.starts_on}
                />
                <TextInput
                  label="Contract Manager e-mail"
                  description="Empty: the team's Primary Admin."
                  type="email"
                  value={form.contract_manager_email}
                  onChange={(e) => set({ contract_manager_email: e.currentTarget.value })}
                  error={errors.contract_manager_email}
                />
                <TextInput
                  label="Contract number"
                  description="Empty: Seatwise assigns one."
                  value={form.number}
                  onChange={(e) => set({ number: e.currentTarget.value })}
                  error={errors.number}
                />
                <TextInput
                  label="Subscription reference"
                  value={form.subscription_ref}
                  onChange={(e) => set({ subscription_ref: e.currentTarget.value })}
                  error={errors.subscription_ref}
                />
                <TextInput
                  label="Cloud credits"
                  inputMode="numeric"
                  value={form.credits}
                  onChange={(e) => set({ credits: e.currentTarget.value })}
                  error={errors.credits}
                />
              </SimpleGrid>
            </Paper>
            <Title order={2} size="h4">
              What is sold
            </Title>
            {errors.lines && (
              <Text c="red" size="sm">
                {errors.lines}
              </Text>
            )}
            {form.lines.map((line, i) => {
              const n = i + 1;
              return (
                <Paper withBorder p="md" key={i} aria-label={`Line ${n}`} component="fieldset">
                  <Group justify="space-between" mb="xs">
                    <Text fw={500} component="legend">
                      Line {n}
                    </Text>
                    {form.lines.length > 1 && (
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove line ${n}`}
                        onClick={() => set({ lines: form.lines.filter((_, j) => j !== i) })}
                      >
                        ✕
                      </ActionIcon>
                    )}
                  </Group>
                  <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
                    <Select
                      label={`Line ${n}: kind`}
                      data={kinds}
                      value={line.kind}
                      allowDeselect={false}
                      onChange={(value) =>
                        setLine(i, { kind: (value as LineKind) ?? 'product', code: '' })
                      }
                    />
                    <Select
                      label={`Line ${n}: ${line.kind}`}
                      searchable
                      required
                      data={catalog[line.kind].map((item) => ({
                        value: item.code,
                        label: `${item.name} (${item.code})`,
                      }))}
                      value={line.code || null}
                      onChange={(value) => setLine(i, { code: value ?? '' })}
                      error={errors[`lines.${i}.code`]}
                      nothingFoundMessage="Nothing in the catalog matches"
                    />
                    <TextInput
                      label={`Line ${n}: seats`}
                      inputMode="numeric"
                      required
                      value={line.seats}
                      onChange={(e) => setLine(i, { seats: e.currentTarget.value })}
                      error={errors[`lines.${i}.seats`]}
                    />
                    {line.kind !== 'service' && (
                      <>
                        <Select
                          label={`Line ${n}: access`}
                          allowDeselect={false}
                          data={[
                            { value: 'single_user', label: 'Single-user (named)' },
                            { value: 'multi_user', label: 'Multi-user (network)' },
                          ]}
                          value={line.access}
                          onChange={(value) =>
                            setLine(i, {
                              access: value === 'multi_user' ? 'multi_user' : 'single_user',
                            })
                          }
                          error={errors[`lines.${i}.access`]}
                        />
                        <Select
                          label={`Line ${n}: activation`}
                          allowDeselect={false}
                          disabled={line.access === 'multi_user'}
                          description={
                            line.access === 'multi_user'
                              ? 'Network seats are taken by signing in.'
                              : undefined
                          }
                          data={[
                            { value: 'sign_in', label: 'Sign in (named user)' },
                            { value: 'serial_number', label: 'Serial number (legacy)' },
                          ]}
                          value={line.access === 'multi_user' ? 'sign_in' : line.activation}
                          onChange={(value) =>
                            setLine(i, {
                              activation: value === 'serial_number' ? 'serial_number' : 'sign_in',
                            })
                          }
                          error={errors[`lines.${i}.activation`]}
                        />
                        <Select
                          label={`Line ${n}: license model`}
                          allowDeselect={false}
                          data={[
                            { value: 'term', label: 'Term subscription' },
                            { value: 'perpetual_maintenance', label: 'Perpetual on maintenance' },
                            { value: 'perpetual', label: 'Perpetual' },
                          ]}
                          value={line.model}
                          onChange={(value) =>
                            setLine(i, { model: (value as OrderLine['model']) ?? 'term' })
                          }
                          error={errors[`lines.${i}.model`]}
                        />
                      </>
                    )}
                  </SimpleGrid>
                </Paper>
              );
            })}
            <Group>
              <Button variant="default" onClick={() => set({ lines: [...form.lines, newLine()] })}>
                Add a line
              </Button>
              <Button type="submit" loading={busy}>
                Place order
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Page>
  );
}
