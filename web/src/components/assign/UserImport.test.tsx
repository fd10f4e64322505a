import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ImportResults, UserImport } from './UserImport';
import type { ImportAnswer } from './model';

const answer: ImportAnswer = {
  summary: { invited: 1, already_member: 1, invalid: 1 },
  rows: [
    {
      row: 1,
      line: 2,
      email: 'new@example.com',
      result: 'invited',
      message: 'invited; the invitation e-mail is on its way',
      user_id: 'usr_1',
    },
    {
      row: 2,
      line: 3,
      email: 'old@example.com',
      result: 'already_member',
      message: 'old@example.com is already a member of this team',
      user_id: 'usr_2',
    },
    {
      row: 3,
      line: 4,
      email: 'nope',
      result: 'invalid_email',
      message: 'email must be one e-mail address',
      user_id: null,
    },
  ],
};

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('UserImport', () => {
  it('sends the chosen file as text/csv and hands back the per-row answer', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify(answer), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    const onDone = vi.fn();
    const { container } = render(
      <MantineProvider>
        <UserImport teamId="team_1" onDone={onDone} />
      </MantineProvider>,
    );
    const upload = screen.getByRole('button', { name: 'Upload and invite' });
    expect(upload).toBeDisabled();
    const input = container.querySelector('input[type="file"]');
    if (!(input instanceof HTMLInputElement)) throw new Error('no file input');
    const csv = 'first_name,last_name,email\nNew,Person,new@example.com\n';
    await userEvent.upload(input, new File([csv], 'people.csv', { type: 'text/csv' }));
    await userEvent.click(upload);
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(answer));
    const [path, init] = fetchMock.mock.calls[0] ?? [];
    expect(path).toBe('/api/v1/teams/team_1/users/import');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe(csv);
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('text/csv');
  });

  it('shows the refusal of a whole file', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ status: 400, detail: 'the header row misses email' }), {
        status: 400,
        headers: { 'Content-Type': 'application/problem+json' },
      }),
    );
    const { container } = render(
      <MantineProvider>
        <UserImport teamId="team_1" onDone={() => {}} />
      </MantineProvider>,
    );
    const input = container.querySelector('input[type="file"]');
    if (!(input instanceof HTMLInputElement)) throw new Error('no file input');
    await userEvent.upload(input, new File(['name\nx\n'], 'bad.csv', { type: 'text/csv' }));
    await userEvent.click(screen.getByRole('button', { name: 'Upload and invite' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the header row misses email');
  });
});

describe('ImportResults', () => {
  it('lists every row with its outcome and message', () => {
    render(
      <MantineProvider>
        <ImportResults answer={answer} />
      </MantineProvider>,
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'Import finished: 1 invited, 1 already in the team, 1 not imported.',
    );
    const rows = within(screen.getByRole('table', { name: 'Import results' })).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toHaveTextContent('new@example.com');
    expect(rows[1]).toHaveTextContent('Invited');
    expect(rows[2]).toHaveTextContent('Already in the team');
    expect(rows[3]).toHaveTextContent('Invalid e-mail');
  });
});
