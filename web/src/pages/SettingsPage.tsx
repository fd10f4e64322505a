import {
  Button,
  Group,
  List,
  Paper,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { api, download } from '../api/client';
import { ApiTokens } from '../components/admin/ApiTokens';
import { ConfirmAction } from '../components/admin/ConfirmAction';
import { formErrorsOf, type FormErrors } from '../components/formErrors';
import { ChangePassword, TwoStepVerification } from '../components/admin/SecuritySettings';
import { formatDateTime } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { Page } from '../components/Page';
import { activeTeams, displayName } from '../session/access';
import { useMe, useSession } from '../session/SessionContext';

const tabs = ['profile', 'security', 'tokens', 'data'] as const;
type Tab = (typeof tabs)[number];

// The person's own name; the e-mail address is their identity and stays as it is.
function NameForm() {
  const me = useMe();
  const { reload } = useSession();
  const [first, setFirst] = useState(me.user.first_name);
  const [last, setLast] = useState(me.user.last_name);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const changed = first !== me.user.first_name || last !== me.user.last_name;

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await api('/api/v1/me', { method: 'PATCH', body: { first_name: first, last_name: last } });
      await reload();
      notifySuccess('Your name was changed.');
    } catch (error) {
      const onFields = formErrorsOf(error, ['first_name', 'last_name']);
      if (onFields) setErrors(onFields);
      else notifyError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-label="Your name">
      <Group align="flex-end" maw={640} grow>
        <TextInput
          label="First name"
          value={first}
          onChange={(e) => setFirst(e.currentTarget.value)}
          error={errors.first_name}
          maxLength={100}
          autoComplete="given-name"
        />
        <TextInput
          label="Last name"
          value={last}
          onChange={(e) => setLast(e.currentTarget.value)}
          error={errors.last_name}
          maxLength={100}
          autoComplete="family-name"
        />
      </Group>
      <Button type="submit" mt="sm" loading={busy} disabled={!changed}>
        Save name
      </Button>
    </form>
  );
}

function Profile() {
  const me = useMe();
  const teams = activeTeams(me);
  const roleOf = (teamId: string) =>
    me.memberships.find((m) => m.team_id === teamId && m.status === 'active')?.role ?? 'user';
  const roleName = {
    primary_admin: 'Primary Admin',
    secondary_admin: 'Secondary Admin',
    user: 'User',
  };
  return (
    <Paper withBorder p="lg">
      <Stack>
        <Title order={2} size="h4">
          Profile
        </Title>
        <Table variant="vertical" withTableBorder maw={640}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={180}>Name</Table.Th>
              <Table.Td>{displayName(me.user)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>E-mail</Table.Th>
              <Table.Td>{me.user.email}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Td>{formatDateTime(me.user.last_sign_in_at)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Teams</Table.Th>
              <Table.Td>
                {teams.length === 0
                  ? 'None'
                  : teams.map((t) => `${t.name} (${roleName[roleOf(t.id)]})`).join(', ')}
              </Table.Td>
            </Table.Tr>
            {me.contracts.length > 0 && (
              <Table.Tr>
                <Table.Th>Contracts</Table.Th>
                <Table.Td>
                  {me.contracts
                    .map(
                      (c) =>
                        `${c.number} (${c.role === 'contract_manager' ? 'Contract Manager' : 'Software Coordinator'})`,
                    )
                    .join(', ')}
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        <NameForm />
        <Text size="sm" c="dimmed">
          Your e-mail address is how Seatwise knows you in every team; to use another one, ask your
          Primary Admin to invite that address.
        </Text>
      </Stack>
    </Paper>
  );
}

function YourData() {
  const { signOut } = useSession();
  const navigate = useNavigate();
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const blocking =
    me.memberships.some((m) => m.status === 'active' && m.role === 'primary_admin') ||
    me.contracts.some((c) => c.role === 'contract_manager');

  async function exportData() {
    setBusy(true);
    try {
      const name = await download('/api/v1/me/export', 'seatwise-export.json');
      notifySuccess(`Your data was downloaded as ${name}.`);
    } catch (e) {
      notifyError(e, 'The export did not work');
    } finally {
      setBusy(false);
    }
  }

  async function erase() {
    try {
      await api('/api/v1/me', { method: 'DELETE' });
      notifySuccess('Your personal data was erased and you are signed out.');
      await signOut();
      navigate('/sign-in', { replace: true });
    } catch (e) {
      notifyError(e, 'Your data was not erased');
      throw e;
    }
  }

  return (
    <Stack>
      <Paper withBorder p="lg">
        <Stack align="flex-start">
          <Title order={2} size="h4">
            Export your data
          </Title>
          <Text size="sm" c="dimmed">
            A JSON file with everything Seatwise stores about you: profile, teams and roles,
            contracts, assigned products, devices, activations, usage, cloud-credit use,
            invitations, sessions, API tokens and the audit entries of what you did. Never your
            password or secrets.
          </Text>
          <Button variant="default" onClick={() => void exportData()} loading={busy}>
            Download my data
          </Button>
        </Stack>
      </Paper>
      <Paper withBorder p="lg">
        <Stack align="flex-start">
          <Title order={2} size="h4" c="red">
            Erase your account
          </Title>
          <Text size="sm">Erasing your account:</Text>
          <List size="sm" spacing={4}>
            <List.Item>removes your name and e-mail and signs you out everywhere;</List.Item>
            <List.Item>
              frees every seat assigned to you and stops your activations and network leases;
            </List.Item>
            <List.Item>removes you from every team and revokes your API tokens.</List.Item>
          </List>
          <Text size="sm">
            Kept, without your name: usage totals and cloud-credit records (your company&apos;s
            reports and bills need them) and the audit log of changes, with you shown as an erased
            person. This cannot be undone.
          </Text>
          {blocking && (
            <Text size="sm" c="orange">
              You are a Primary Admin or Contract Manager: hand those roles over first, or the
              erasure is refused.
            </Text>
          )}
          <ConfirmAction
            color="red"
            variant="light"
            label="Erase my account…"
            title="Erase your account?"
            message="Your personal data is anonymised, your seats are freed and you are signed out. This cannot be undone."
            confirmLabel="Erase my account"
            typeToConfirm="ERASE"
            onConfirm={erase}
          />
        </Stack>
      </Paper>
    </Stack>
  );
}

export default function SettingsPage() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((t) => t === params.get('tab')) ?? 'profile';
  return (
    <Page title="Settings" description="Your profile, sign-in security, API tokens and your data.">
      <Tabs
        value={tab}
        onChange={(value) => setParams(value && value !== 'profile' ? { tab: value } : {})}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="profile">Profile</Tabs.Tab>
          <Tabs.Tab value="security">Password & two-step</Tabs.Tab>
          <Tabs.Tab value="tokens">API tokens</Tabs.Tab>
          <Tabs.Tab value="data">Your data</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="profile" pt="md">
          <Profile />
        </Tabs.Panel>
        <Tabs.Panel value="security" pt="md">
          <Stack>
            <TwoStepVerification />
            <ChangePassword />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="tokens" pt="md">
          <ApiTokens />
        </Tabs.Panel>
        <Tabs.Panel value="data" pt="md">
          <YourData />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}
