// "Company information follows the contract": staff apply or decline (with a reason) an
// open request; the requester's view offers neither.
import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { CompanyChangeRequests } from './CompanyRequests';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const open = {
  id: 'ord_7',
  kind: 'change',
  created_at: '2026-11-20T09:00:00Z',
  placed_by: 'usr_1',
  details: {
    type: 'company_info',
    requested: { city: 'Bath' },
    current: { city: 'Bristol' },
    requested_by: { id: 'usr_1', name: 'Ann Archer', email: 'ann@contoso.example' },
  },
  status: 'open',
  decided_by: null,
  decided_at: null,
  reason: null,
};

afterEach(() => vi.unstubAllGlobals());

describe('CompanyChangeRequests for staff', () => {
  it('declines only with a reason, which is sent', async () => {
    const posts: { path: string; body: unknown }[] = [];
    let status = 'open';
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string, init?: RequestInit) => {
        if (init?.method === 'POST') {
          posts.push({ path, body: JSON.parse(String(init.body)) });
          status = 'declined';
          return json({ ...open, status, reason: 'No lease for Bath' });
        }
        return json({
          items: [{ ...open, status, reason: status === 'open' ? null : 'No lease for Bath' }],
        });
      }),
    );
    const decided = vi.fn();
    const user = userEvent.setup();
    render(
      <MantineProvider>
        <CompanyChangeRequests contractId="ctr_1" staff onDecided={decided} />
      </MantineProvider>,
    );
    await screen.findByText(/City: Bristol → Bath/);
    expect(screen.getByText(/asked by Ann Archer/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Decline…' }));
    const confirm = screen.getByRole('button', { name: 'Decline the request' });
    expect(confirm).toBeDisabled();
    await user.type(
      screen.getByRole('textbox', { name: /Why is it declined/ }),
      'No lease for Bath',
    );
    await user.click(confirm);
    await waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]?.path).toBe('/api/v1/contracts/ctr_1/company-change-requests/ord_7/decline');
    expect(posts[0]?.body).toEqual({ reason: 'No lease for Bath' });
    expect(await screen.findByText('Reason: No lease for Bath')).toBeInTheDocument();
    expect(decided).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Apply to the account' })).toBeNull();
  });

  it('applies with one click', async () => {
    const posts: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string, init?: RequestInit) => {
        if (init?.method === 'POST') {
          posts.push(path);
          return json({ ...open, status: 'applied' });
        }
        return json({ items: [open] });
      }),
    );
    const user = userEvent.setup();
    render(
      <MantineProvider>
        <CompanyChangeRequests contractId="ctr_1" staff />
      </MantineProvider>,
    );
    await user.click(await screen.findByRole('button', { name: 'Apply to the account' }));
    await waitFor(() =>
      expect(posts).toEqual(['/api/v1/contracts/ctr_1/company-change-requests/ord_7/apply']),
    );
  });
});
