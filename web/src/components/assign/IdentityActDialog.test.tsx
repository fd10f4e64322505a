import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { IdentityActDialog } from './IdentityActDialog';
import type { IdentityAct } from './IdentityActDialog';
import type { Member } from './model';

const kim: Member = {
  id: 'usr_kim',
  email: 'kim@contoso.example',
  first_name: 'Kim',
  last_name: 'Kowalski',
  status: 'active',
  last_sign_in_at: null,
  role: 'user',
  membership_status: 'active',
  pending: false,
  invited_at: '2026-01-01T00:00:00Z',
  accepted_at: '2026-01-02T00:00:00Z',
};

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' },
  });

function renderDialog(act: IdentityAct, onDone = vi.fn()) {
  render(
    <MantineProvider>
      <IdentityActDialog
        teamId="team_1"
        member={kim}
        act={act}
        opened
        onClose={() => {}}
        onDone={onDone}
      />
    </MantineProvider>,
  );
  return onDone;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('IdentityActDialog', () => {
  it('signs a person out everywhere after asking, and says how many sessions ended', async () => {
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(answer(200, { sessions_ended: 2 }));
    const onDone = renderDialog('sign-out');
    expect(screen.getByRole('dialog', { name: 'Sign Kim Kowalski out everywhere?' })).toBeVisible();
    expect(fetchMock).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    await waitFor(() =>
      expect(onDone).toHaveBeenCalledWith(
        'Kim Kowalski is signed out everywhere: 2 sessions ended.',
      ),
    );
    const [path, init] = fetchMock.mock.calls[0] ?? [];
    expect(path).toBe('/api/v1/teams/team_1/users/usr_kim/sign-out');
    expect(init?.method).toBe('POST');
  });

  it('revokes the API tokens', async () => {
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(answer(200, { tokens_revoked: 1 }));
    const onDone = renderDialog('api-tokens');
    await userEvent.click(screen.getByRole('button', { name: 'Revoke tokens' }));
    await waitFor(() =>
      expect(onDone).toHaveBeenCalledWith('1 API token of Kim Kowalski revoked.'),
    );
    const [path, init] = fetchMock.mock.calls[0] ?? [];
    expect(path).toBe('/api/v1/teams/team_1/users/usr_kim/api-tokens');
    expect(init?.method).toBe('DELETE');
  });

  it('shows the refusal and who can do it instead', async () => {
    const detail =
      'Kim Kowalski also belongs to another customer: only they or an operator can do this; you can remove them from this team';
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(answer(403, { status: 403, detail }));
    const onDone = renderDialog('api-tokens');
    await userEvent.click(screen.getByRole('button', { name: 'Revoke tokens' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Seatwise refused');
    expect(alert).toHaveTextContent(detail);
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeVisible();
  });
});
