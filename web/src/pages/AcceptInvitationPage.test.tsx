import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SessionProvider } from '../session/SessionContext';
import AcceptInvitationPage from './AcceptInvitationPage';

const problem = (status: number, detail: string) =>
  new Response(JSON.stringify({ status, detail }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });

// Nobody is signed in; the decline route answers `decline()`.
function serve(decline: () => Response) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    const path = typeof input === 'string' ? input : '';
    if (path.endsWith('/decline')) return Promise.resolve(decline());
    return Promise.resolve(problem(401, 'sign in first'));
  });
}

function renderPage(token: string) {
  render(
    <MantineProvider>
      <MemoryRouter initialEntries={[`/invitations/${encodeURIComponent(token)}`]}>
        <SessionProvider>
          <Routes>
            <Route path="/invitations/:token" element={<AcceptInvitationPage />} />
          </Routes>
        </SessionProvider>
      </MemoryRouter>
    </MantineProvider>,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AcceptInvitationPage', () => {
  it('declines from the e-mailed link without signing in', async () => {
    const fetchMock = serve(() => new Response(null, { status: 204 }));
    renderPage('swi_abc/1');
    await userEvent.click(screen.getByRole('button', { name: 'Decline invitation' }));
    const done = await screen.findByRole('status');
    expect(done).toHaveTextContent('You declined the invitation');
    expect(done).toHaveFocus();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Invitation declined');
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).not.toBeInTheDocument();
    const call = fetchMock.mock.calls.find(([p]) => String(p).endsWith('/decline'));
    expect(call?.[0]).toBe('/api/v1/invitations/swi_abc%2F1/decline');
    expect(call?.[1]?.method).toBe('POST');
  });

  it.each([
    [404, 'this invitation link is not valid — check that you copied all of it'],
    [409, 'this invitation is no longer open — there is nothing to decline'],
  ])('shows the server’s reason when declining is refused (%i)', async (status, detail) => {
    serve(() => problem(status, detail));
    renderPage('swi_old');
    await userEvent.click(screen.getByRole('button', { name: 'Decline invitation' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The invitation could not be declined');
    expect(alert).toHaveTextContent(detail);
    // The page stays as it was: the invitation can still be accepted if it is open.
    expect(screen.getByRole('button', { name: 'Accept invitation' })).toBeInTheDocument();
    expect(screen.queryByText('You declined the invitation')).not.toBeInTheDocument();
  });
});
