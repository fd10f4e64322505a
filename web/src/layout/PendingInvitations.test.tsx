import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Me, MeMembership } from '../api/types';
import { SessionProvider, useSession } from '../session/SessionContext';
import { PendingInvitations, pendingInvitations } from './PendingInvitations';

const design: MeMembership = {
  team_id: 'team_design',
  team_name: 'Design',
  account_id: 'acct_contoso',
  role: 'user',
  status: 'active',
};
const litware: MeMembership = {
  team_id: 'team_litware',
  team_name: 'Litware',
  account_id: 'acct_litware',
  role: 'user',
  status: 'invited',
};

function meWith(memberships: MeMembership[]): Me {
  return {
    user: {
      id: 'usr_kim',
      email: 'kim@contoso.example',
      first_name: 'Kim',
      last_name: 'Kowalski',
      status: 'active',
      totp_enrolled: false,
      is_operator: false,
      reseller_id: null,
      last_sign_in_at: null,
      created_at: '2026-01-01T00:00:00Z',
    },
    memberships,
    contracts: [],
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' },
  });

// The server as the notice sees it: GET /me answers `before` until an answer to the
// invitation arrives, then `after`; the answer itself gets `reply`.
function serve(before: Me, after: Me, reply: () => Response) {
  let answered = false;
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const path = typeof input === 'string' ? input : input instanceof URL ? input.pathname : '';
    if (path === '/api/v1/me' && (init?.method ?? 'GET') === 'GET') {
      return Promise.resolve(json(answered ? after : before));
    }
    if (path.startsWith('/api/v1/me/invitations/')) {
      const response = reply();
      answered = response.ok;
      return Promise.resolve(response);
    }
    return Promise.resolve(json({ status: 404, detail: `unexpected ${path}` }, 404));
  });
}

// As in the app, the notice is shown once the session is read.
function SignedIn() {
  const { state } = useSession();
  return state.status === 'signed-in' ? <PendingInvitations /> : null;
}

function renderNotice() {
  render(
    <MantineProvider>
      <MemoryRouter>
        <SessionProvider>
          <SignedIn />
        </SessionProvider>
      </MemoryRouter>
    </MantineProvider>,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pendingInvitations', () => {
  it('lists the teams still waiting for an answer, once each, by name', () => {
    const zeta = { ...litware, team_id: 'team_zeta', team_name: 'Zeta' };
    const me = meWith([zeta, design, litware, { ...litware, role: 'secondary_admin' }]);
    expect(pendingInvitations(me)).toEqual([
      { teamId: 'team_litware', teamName: 'Litware' },
      { teamId: 'team_zeta', teamName: 'Zeta' },
    ]);
    expect(pendingInvitations(meWith([design]))).toEqual([]);
  });
});

describe('PendingInvitations', () => {
  it('shows nothing without an invitation', async () => {
    const fetchMock = serve(meWith([design]), meWith([design]), () => json({}));
    renderNotice();
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(screen.queryByText(/invited/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('declines an invitation and reads the session again', async () => {
    const fetchMock = serve(
      meWith([design, litware]),
      meWith([design]),
      () => new Response(null, { status: 204 }),
    );
    renderNotice();
    const notice = await screen.findByRole('region', { name: 'You are invited to join Litware' });
    expect(notice).toHaveTextContent('Accept to become a member of Litware');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Accept the invitation to Litware' })).toBeEnabled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Decline the invitation to Litware' }),
    );
    const done = await screen.findByRole('status');
    expect(done).toHaveTextContent('You declined the invitation to Litware.');
    expect(done).toHaveFocus();
    expect(screen.queryByText('You are invited to join Litware')).not.toBeInTheDocument();
    const answer = fetchMock.mock.calls.find(([p]) => String(p).includes('/invitations/'));
    expect(answer?.[0]).toBe('/api/v1/me/invitations/team_litware/decline');
    expect(answer?.[1]?.method).toBe('POST');
    // Read once at the start and once after the answer.
    expect(fetchMock.mock.calls.filter(([p]) => p === '/api/v1/me')).toHaveLength(2);
  });

  it('accepts an invitation and links to the team joined', async () => {
    const fetchMock = serve(
      meWith([design, litware]),
      meWith([design, { ...litware, status: 'active' }]),
      () => new Response(null, { status: 204 }),
    );
    renderNotice();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Accept the invitation to Litware' }),
    );
    const done = await screen.findByRole('status');
    expect(done).toHaveTextContent('You joined Litware.');
    expect(within(done).getByRole('link', { name: 'Open Litware' })).toHaveAttribute(
      'href',
      '/teams/team_litware/products',
    );
    await waitFor(() =>
      expect(screen.queryByText('You are invited to join Litware')).not.toBeInTheDocument(),
    );
    expect(fetchMock.mock.calls.map(([p]) => p)).toContain(
      '/api/v1/me/invitations/team_litware/accept',
    );
  });

  it('shows the server’s reason when an answer is refused', async () => {
    serve(meWith([design, litware]), meWith([design, litware]), () =>
      json({ status: 409, detail: 'the team was closed meanwhile' }, 409),
    );
    renderNotice();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Accept the invitation to Litware' }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The invitation to Litware was not accepted');
    expect(alert).toHaveTextContent('the team was closed meanwhile');
    // Still open: it can be answered again.
    expect(screen.getByRole('button', { name: 'Decline the invitation to Litware' })).toBeEnabled();
  });
});
