import {
  Alert,
  Button,
  Checkbox,
  Group,
  List,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';

import { api, ApiError, errorMessage } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { notifySuccess } from '../notify';
import {
  emptyChoice,
  missingChoice,
  moveBody,
  movingPrimaryAdmin,
  NEW_TEAM,
  roleChange,
  roleLabel,
} from './teamMove';
import type { MoveAnswer, MoveChoice, TeamContents, TeamMember } from './teamMove';

interface TeamRef {
  id: string;
  name: string;
}

// A problem answer as one readable text: the detail and every field message.
function problemText(e: unknown): string {
  if (e instanceof ApiError && e.problem.errors?.length) {
    return e.problem.errors.map((f) => `${f.field}: ${f.message}`).join('\n');
  }
  return errorMessage(e);
}

// What a dry run (or the move) says, in the words of the dialog.
export function MoveSummary({ answer }: { answer: MoveAnswer }) {
  const verb = answer.dry_run ? 'would move' : 'moved';
  return (
    <Stack gap="xs" aria-label="What moves">
      <Text size="sm">
        {answer.merge
          ? `${answer.from_team.name} ${answer.dry_run ? 'would be' : 'was'} merged into ${answer.to_team.name}${answer.dry_run ? ' and then deleted' : ' and deleted'}.`
          : `From ${answer.from_team.name} to ${answer.to_team.name}${answer.to_team_created ? ' (a new team)' : ''}:`}
      </Text>
      <Text size="sm" fw={600}>
        People {verb}: {answer.people.length}
      </Text>
      {answer.people.length > 0 && (
        <List size="sm">
          {answer.people.map((p) => (
            <List.Item key={p.user_id}>
              {p.name} ({p.email}), {roleChange(p.role_before, p.role_after)}
              {p.status === 'invited' ? ', invitation pending' : ''}
              {p.seats_ended > 0 ? `, ${p.seats_ended} seat(s) left behind are unassigned` : ''}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="sm" fw={600}>
        Contracts {verb}: {answer.contracts.length}
      </Text>
      {answer.contracts.length > 0 && (
        <List size="sm">
          {answer.contracts.map((c) => (
            <List.Item key={c.id}>
              {c.number}: {c.subscriptions.length} subscription(s), {c.assignments} assigned seat(s)
            </List.Item>
          ))}
        </List>
      )}
      <Text size="sm" fw={600}>
        Devices {verb}: {answer.devices.length}
      </Text>
      {answer.devices.length > 0 && (
        <List size="sm">
          {answer.devices.map((d) => (
            <List.Item key={d.id}>
              {d.asset_name || d.id}
              {d.reason === 'contracts' ? ' (it only uses moving contracts)' : ''}
            </List.Item>
          ))}
        </List>
      )}
      {answer.notes.length > 0 && (
        <Alert color="yellow" title="Also changes">
          <List size="sm">
            {answer.notes.map((n, i) => (
              <List.Item key={`${n.kind}-${n.user_id}-${i}`}>{n.message}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {answer.webhooks_moved > 0 && (
        <Text size="sm">
          Webhooks {verb}: {answer.webhooks_moved}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        {answer.dry_run ? 'Will be e-mailed' : 'E-mailed'}:{' '}
        {answer.notified.join(', ') || 'nobody (no active admins)'}
      </Text>
    </Stack>
  );
}

// The merge and split dialog of one team: choose, preview (a dry run), then move.
export function MoveDialog({
  team,
  teams,
  opened,
  onClose,
  onMoved,
}: {
  team: TeamRef;
  teams: TeamRef[];
  opened: boolean;
  onClose: () => void;
  onMoved: () => Promise<void>;
}) {
  const contents = useApi<TeamContents>(
    opened ? `/api/v1/teams/${encodeURIComponent(team.id)}/contents` : null,
  );
  const [choice, setChoice] = useState<MoveChoice>(emptyChoice);
  const [preview, setPreview] = useState<MoveAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const data = contents.data && {
    ...contents.data,
    members: [...contents.data.members].sort((a, b) => a.name.localeCompare(b.name)),
    contracts: [...contents.data.contracts].sort((a, b) => a.number.localeCompare(b.number)),
  };
  const others = teams.filter((t) => t.id !== team.id);

  function change(next: Partial<MoveChoice>) {
    setChoice((c) => ({ ...c, ...next }));
    setPreview(null);
    setProblem(null);
  }

  function close() {
    setChoice(emptyChoice);
    setPreview(null);
    setProblem(null);
    onClose();
  }

  async function send(dryRun: boolean) {
    if (!data) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api<MoveAnswer>(`/api/v1/teams/${encodeURIComponent(team.id)}/moves`, {
        method: 'POST',
        body: moveBody(choice, data, dryRun),
      });
      if (dryRun) {
        setPreview(answer);
      } else {
        notifySuccess(
          answer.merge
            ? `${answer.from_team.name} was merged into ${answer.to_team.name}.`
            : `Moved to ${answer.to_team.name}: ${answer.people.length} people, ${answer.contracts.length} contracts, ${answer.devices.length} devices.`,
        );
        close();
        await onMoved();
      }
    } catch (e) {
      setProblem(problemText(e));
    } finally {
      setBusy(false);
    }
  }

  const missing = data ? missingChoice(choice, data) : 'Loading…';
  const leavingPa = data ? movingPrimaryAdmin(choice, data) : null;
  const chosenPeople = data?.members.filter((m) => choice.people.includes(m.user_id)) ?? [];
  const stayingPeople = data?.members.filter((m) => !choice.people.includes(m.user_id)) ?? [];
  const intoOptions = [
    ...others.map((t) => ({ value: t.id, label: t.name })),
    ...(choice.mode === 'split' ? [{ value: NEW_TEAM, label: 'A new team…' }] : []),
  ];

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={`Merge or split ${team.name}`}
      size="lg"
      centered
      lockScroll={false}
    >
      <Stack>
        {contents.error && <Alert color="red">{contents.error}</Alert>}
        <SegmentedControl
          aria-label="What to do"
          value={choice.mode}
          onChange={(v) => change({ mode: v as MoveChoice['mode'], toTeam: '' })}
          data={[
            { value: 'merge', label: 'Merge into another team' },
            { value: 'split', label: 'Move a part' },
          ]}
        />
        <Select
          label={choice.mode === 'merge' ? 'Merge into' : 'Move into'}
          placeholder="Choose a team"
          data={intoOptions}
          value={choice.toTeam || null}
          onChange={(v) => change({ toTeam: v ?? '' })}
          comboboxProps={{ withinPortal: false }}
        />
        {choice.mode === 'merge' && (
          <Text size="sm" c="dimmed">
            Everyone, every contract and every device of {team.name} moves; {team.name} is then
            deleted. The team merged into keeps its Primary Admin.
          </Text>
        )}
        {choice.mode === 'split' && data && (
          <>
            {choice.toTeam === NEW_TEAM && (
              <TextInput
                label="Name of the new team"
                value={choice.newTeamName}
                onChange={(e) => change({ newTeamName: e.currentTarget.value })}
                maxLength={200}
              />
            )}
            <Checkbox.Group
              label="People"
              value={choice.people}
              onChange={(people) => change({ people })}
            >
              <Stack gap={4} mt={4}>
                {data.members.map((m) => (
                  <Checkbox
                    key={m.user_id}
                    value={m.user_id}
                    label={`${m.name} (${m.email}), ${roleLabel[m.role]}${m.status === 'invited' ? ', pending' : ''}`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            {choice.toTeam === NEW_TEAM && (
              <Select
                label="Primary Admin of the new team"
                placeholder="One of the people moving"
                data={chosenPeople.map((m) => ({ value: m.user_id, label: m.name }))}
                value={choice.newTeamPrimaryAdmin || null}
                onChange={(v) => change({ newTeamPrimaryAdmin: v ?? '' })}
                comboboxProps={{ withinPortal: false }}
              />
            )}
            {leavingPa && (
              <Select
                label={`New Primary Admin of ${team.name}`}
                description={`${leavingPa.name} moves; a member who stays takes the role.`}
                data={stayingPeople.map((m) => ({ value: m.user_id, label: m.name }))}
                value={choice.sourcePrimaryAdmin || null}
                onChange={(v) => change({ sourcePrimaryAdmin: v ?? '' })}
                comboboxProps={{ withinPortal: false }}
              />
            )}
            <Checkbox.Group
              label="Contracts (with their subscriptions, seats and assignments)"
              value={choice.contracts}
              onChange={(contracts) => change({ contracts })}
            >
              <Stack gap={4} mt={4}>
                {data.contracts.length === 0 && <Text size="sm">No contracts.</Text>}
                {data.contracts.map((c) => (
                  <Checkbox
                    key={c.id}
                    value={c.id}
                    label={`${c.number}: ${c.subscriptions} subscription(s), ${c.assignments} assigned seat(s)`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            {data.devices.length > 0 && (
              <Checkbox.Group
                label="Devices"
                value={choice.devices}
                onChange={(devices) => change({ devices })}
              >
                <Stack gap={4} mt={4}>
                  {data.devices.map((d) => (
                    <Checkbox key={d.id} value={d.id} label={d.asset_name || d.id} />
                  ))}
                </Stack>
              </Checkbox.Group>
            )}
          </>
        )}
        {problem && (
          <Alert color="red" title="Nothing was moved" style={{ whiteSpace: 'pre-line' }}>
            {problem}
          </Alert>
        )}
        {preview && <MoveSummary answer={preview} />}
        <Group justify="flex-end">
          {missing && data && (
            <Text size="sm" c="dimmed">
              {missing}
            </Text>
          )}
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            variant="light"
            disabled={!!missing}
            loading={busy && !preview}
            onClick={() => void send(true)}
          >
            Preview
          </Button>
          <Button
            color="red"
            disabled={!preview || !!missing}
            loading={busy && !!preview}
            onClick={() => void send(false)}
          >
            {choice.mode === 'merge' ? 'Merge now' : 'Move now'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RenameForm({ team, onDone }: { team: TeamRef; onDone: () => Promise<void> }) {
  const [name, setName] = useState(team.name);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/v1/teams/${encodeURIComponent(team.id)}`, {
        method: 'PATCH',
        body: { name },
      });
      notifySuccess(`Team renamed to ${name.trim()}.`);
      await onDone();
    } catch (e) {
      setError(
        e instanceof ApiError ? (e.fieldMessage('name') ?? errorMessage(e)) : errorMessage(e),
      );
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Group align="flex-end" gap="xs">
        <TextInput
          label={`New name for ${team.name}`}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={error}
          maxLength={200}
        />
        <Button type="submit" loading={busy}>
          Save
        </Button>
      </Group>
    </form>
  );
}

// The active members of every team, each person once, by name.
function useActiveMembers(teams: TeamRef[]): TeamMember[] {
  const [people, setPeople] = useState<TeamMember[]>([]);
  const key = teams.map((t) => t.id).join(',');
  useEffect(() => {
    let current = true;
    void Promise.all(
      key
        .split(',')
        .filter(Boolean)
        .map((id) =>
          api<TeamContents>(`/api/v1/teams/${encodeURIComponent(id)}/contents`).catch(() => null),
        ),
    ).then((all) => {
      if (!current) return;
      const byId = new Map<string, TeamMember>();
      for (const contents of all) {
        for (const m of contents?.members ?? []) {
          if (m.status === 'active') byId.set(m.user_id, m);
        }
      }
      setPeople([...byId.values()].sort((a, b) => a.name.localeCompare(b.name)));
    });
    return () => {
      current = false;
    };
  }, [key]);
  return people;
}

function NewTeamForm({
  accountId,
  teams,
  onDone,
}: {
  accountId: string;
  teams: TeamRef[];
  onDone: () => Promise<void>;
}) {
  // Anyone active in one of the account's teams may lead the new one.
  const people = useActiveMembers(teams);
  const [name, setName] = useState('');
  const [admin, setAdmin] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const team = await api<{ name: string }>(
        `/api/v1/accounts/${encodeURIComponent(accountId)}/teams`,
        { method: 'POST', body: { name, primary_admin_id: admin ?? '' } },
      );
      notifySuccess(`Team ${team.name} created.`);
      setName('');
      setAdmin(null);
      await onDone();
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        setErrors(Object.fromEntries(e.problem.errors.map((f) => [f.field, f.message])));
      } else {
        setErrors({ form: errorMessage(e) });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="New team">
      <Group align="flex-end" gap="xs">
        <TextInput
          label="New team name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          maxLength={200}
        />
        <Select
          label="Its Primary Admin"
          placeholder="An active member of one of the teams"
          data={people.map((m) => ({ value: m.user_id, label: `${m.name} (${m.email})` }))}
          value={admin}
          onChange={setAdmin}
          error={errors.primary_admin_id}
          searchable
          comboboxProps={{ withinPortal: false }}
        />
        <Button type="submit" loading={busy}>
          Create team
        </Button>
      </Group>
      {errors.form && (
        <Text c="red" size="sm">
          {errors.form}
        </Text>
      )}
    </form>
  );
}

// The Teams section of a customer in the operator and reseller consoles: create, rename,
// merge and split (issue 15 point 6).
export function TeamsSection({
  accountId,
  teams,
  onChanged,
}: {
  accountId: string;
  teams: TeamRef[];
  onChanged: () => Promise<void>;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [moving, setMoving] = useState<TeamRef | null>(null);
  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        Teams
      </Title>
      <Table aria-label="Teams">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Team</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {teams.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>
                {renaming === t.id ? (
                  <RenameForm
                    team={t}
                    onDone={async () => {
                      setRenaming(null);
                      await onChanged();
                    }}
                  />
                ) : (
                  t.name
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={`Rename ${t.name}`}
                    onClick={() => setRenaming(renaming === t.id ? null : t.id)}
                  >
                    {renaming === t.id ? 'Cancel' : 'Rename'}
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    aria-label={`Merge or split ${t.name}`}
                    onClick={() => setMoving(t)}
                  >
                    Merge or split…
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <NewTeamForm accountId={accountId} teams={teams} onDone={onChanged} />
      {moving && (
        <MoveDialog
          team={moving}
          teams={teams}
          opened
          onClose={() => setMoving(null)}
          onMoved={onChanged}
        />
      )}
    </Stack>
  );
}
