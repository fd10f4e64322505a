// Teams: create, rename, merge, split. "If you want your “teams” merged into a single team, or
// to split a single team into multiple teams, this can be done by creating a ticket" — here the
// console's dialog previews the move (a dry run) and then applies it.

import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { MoveDialog } from './TeamsSection';
import { emptyChoice, missingChoice, moveBody, NEW_TEAM, roleChange } from './teamMove';
import type { MoveAnswer, TeamContents } from './teamMove';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const design: TeamContents = {
  team: { id: 'team_design', account_id: 'acc_1', name: 'Design', created_at: null },
  members: [
    {
      user_id: 'usr_ann',
      email: 'ann@x.example',
      name: 'Ann',
      role: 'primary_admin',
      status: 'active',
    },
    { user_id: 'usr_gia', email: 'gia@x.example', name: 'Gia', role: 'user', status: 'active' },
  ],
  contracts: [{ id: 'ctr_1', number: '1001', subscriptions: 2, assignments: 3 }],
  devices: [],
};

describe('moveBody', () => {
  it('sends a merge as all, into the chosen team', () => {
    const body = moveBody({ ...emptyChoice, toTeam: 'team_plant' }, design, true);
    expect(body).toEqual({ dry_run: true, to_team: 'team_plant', all: true });
  });

  it('sends a split into a new team with its Primary Admin', () => {
    const choice = {
      ...emptyChoice,
      mode: 'split' as const,
      toTeam: NEW_TEAM,
      newTeamName: ' Studio ',
      newTeamPrimaryAdmin: 'usr_gia',
      people: ['usr_gia'],
      contracts: ['ctr_1'],
    };
    expect(missingChoice(choice, design)).toBeNull();
    expect(moveBody(choice, design, false)).toEqual({
      dry_run: false,
      new_team_name: 'Studio',
      new_team_primary_admin: 'usr_gia',
      people: ['usr_gia'],
      contracts: ['ctr_1'],
    });
  });

  it('asks for a successor when the Primary Admin leaves', () => {
    const choice = {
      ...emptyChoice,
      mode: 'split' as const,
      toTeam: 'team_plant',
      people: ['usr_ann'],
    };
    expect(missingChoice(choice, design)).toMatch(/Primary Admin of Design/);
    const named = { ...choice, sourcePrimaryAdmin: 'usr_gia' };
    expect(missingChoice(named, design)).toBeNull();
    expect(moveBody(named, design, true)).toMatchObject({ source_primary_admin: 'usr_gia' });
  });

  it('describes role changes', () => {
    expect(roleChange('primary_admin', 'secondary_admin')).toBe('Primary Admin → Secondary Admin');
    expect(roleChange('user', 'user')).toBe('User');
  });
});

const preview: MoveAnswer = {
  dry_run: true,
  merge: true,
  from_team: design.team,
  to_team: { id: 'team_plant', account_id: 'acc_1', name: 'Plant', created_at: null },
  to_team_created: false,
  people: [
    {
      user_id: 'usr_ann',
      email: 'ann@x.example',
      name: 'Ann',
      status: 'active',
      role_before: 'primary_admin',
      role_after: 'secondary_admin',
      seats_ended: 0,
    },
  ],
  contracts: [
    {
      id: 'ctr_1',
      number: '1001',
      assignments: 3,
      subscriptions: [{ id: 's', seats: 5, assigned: 3 }],
    },
  ],
  devices: [],
  notes: [
    { kind: 'primary_admin_demoted', user_id: 'usr_ann', message: 'Ann becomes a Secondary Admin' },
  ],
  webhooks_moved: 0,
  from_primary_admin_id: null,
  to_primary_admin_id: 'usr_kim',
  notified: ['ann@x.example', 'kim@x.example'],
};

describe('MoveDialog', () => {
  it('previews with a dry run and moves only when confirmed', async () => {
    const posted: unknown[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const path = typeof input === 'string' ? input : '';
      const json = (body: unknown) =>
        Promise.resolve(
          new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } }),
        );
      if (path.endsWith('/contents')) return json(design);
      posted.push(JSON.parse(String(init?.body)));
      return json(posted.length === 1 ? preview : { ...preview, dry_run: false });
    });
    const onMoved = vi.fn(() => Promise.resolve());
    render(
      <MantineProvider>
        <MoveDialog
          team={{ id: 'team_design', name: 'Design' }}
          teams={[
            { id: 'team_design', name: 'Design' },
            { id: 'team_plant', name: 'Plant' },
          ]}
          opened
          onClose={() => {}}
          onMoved={onMoved}
        />
      </MantineProvider>,
    );
    const previewButton = await screen.findByRole('button', { name: 'Preview' });
    expect(previewButton).toBeDisabled();
    fireEvent.click(screen.getByRole('textbox', { name: 'Merge into' }));
    fireEvent.click(await screen.findByRole('option', { name: 'Plant', hidden: true }));
    await waitFor(() => expect(previewButton).toBeEnabled());
    const mergeNow = screen.getByRole('button', { name: 'Merge now' });
    expect(mergeNow).toBeDisabled();
    fireEvent.click(previewButton);
    await screen.findByText(/Ann \(ann@x.example\), Primary Admin → Secondary Admin/);
    expect(screen.getByText('Ann becomes a Secondary Admin')).toBeInTheDocument();
    expect(screen.getByText(/1001: 1 subscription\(s\), 3 assigned seat\(s\)/)).toBeInTheDocument();
    expect(posted).toEqual([{ dry_run: true, to_team: 'team_plant', all: true }]);
    expect(onMoved).not.toHaveBeenCalled();
    await waitFor(() => expect(mergeNow).toBeEnabled());
    fireEvent.click(mergeNow);
    await waitFor(() => expect(onMoved).toHaveBeenCalledTimes(1));
    expect(posted[1]).toEqual({ dry_run: false, to_team: 'team_plant', all: true });
  }, 20_000);
});
