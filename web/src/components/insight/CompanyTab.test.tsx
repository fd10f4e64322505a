import { MantineProvider } from '@mantine/core';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { CompanyTab } from './ContractTabs';
import type { ContractDetails } from './types';

const contract: ContractDetails = {
  id: 'ctr_1',
  number: '110001234567',
  subscription_ref: 'SUB-234567',
  term_months: 12,
  starts_at: '2026-02-10T00:00:00Z',
  ends_at: '2027-02-10T00:00:00Z',
  days_to_expiry: 79,
  status: 'active',
  team: { id: 'team_1', name: 'Contoso Design' },
  account_id: 'acc_1',
  company_name: 'Contoso Engineering Ltd',
  credit_balance: 5000,
  company: {
    name: 'Contoso Engineering Ltd',
    address_line1: '12 Harbour Road',
    address_line2: '',
    city: 'Bristol',
    postal_code: 'BS1 5TR',
    region: '',
    country: 'GB',
  },
  contract_manager: null,
  software_coordinator: null,
  products: [],
  orders: [],
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('CompanyTab', () => {
  it('sends only what changed, with the note, and lists the recorded request', async () => {
    const requests: unknown[] = [];
    const recorded = {
      id: 'ord_1',
      kind: 'change',
      created_at: '2026-11-23T00:00:00Z',
      placed_by: 'usr_1',
      details: {
        type: 'company_info',
        requested: { name: 'Contoso Group' },
        current: contract.company,
        note: 'Renamed',
      },
      status: 'open',
      decided_by: null,
      decided_at: null,
      reason: null,
    };
    const fetchMock = vi.fn(async (_path: string, init?: RequestInit) => {
      if (init?.method === 'POST') {
        requests.push(JSON.parse(String(init.body)));
        return json(recorded, 202);
      }
      return json({ items: requests.length ? [recorded] : [] });
    });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(
      <MantineProvider>
        <CompanyTab contract={contract} />
      </MantineProvider>,
    );

    await screen.findByText('No change has been requested for this contract.');
    const send = screen.getByRole('button', { name: 'Send change request' });
    expect(send).toBeDisabled();
    const name = screen.getByRole('textbox', { name: 'Company name' });
    await user.clear(name);
    await user.type(name, 'Contoso Group');
    await user.type(screen.getByRole('textbox', { name: /Note for your reseller/ }), 'Renamed');
    expect(send).toBeEnabled();
    await user.click(send);

    await waitFor(() => expect(requests).toEqual([{ name: 'Contoso Group', note: 'Renamed' }]));
    expect(
      await screen.findByText(/Company name: Contoso Engineering Ltd → Contoso Group/),
    ).toBeInTheDocument();
    expect(screen.getByText('Note: Renamed')).toBeInTheDocument();
    expect(screen.getByText('Open')).toBeInTheDocument();
    // The requester is never offered the staff's decision.
    expect(screen.queryByRole('button', { name: 'Apply to the account' })).toBeNull();
  });

  it('shows who applied or declined a request, when, and why', async () => {
    const decided = (status: string, reason: string | null, id: string) => ({
      id,
      kind: 'change',
      created_at: '2026-11-20T09:00:00Z',
      placed_by: 'usr_1',
      details: { type: 'company_info', requested: { city: 'Bath' }, current: contract.company },
      status,
      decided_by: { id: 'usr_9', name: 'Rafael Reseller', email: 'rafael@example.test' },
      decided_at: '2026-11-21T10:00:00Z',
      reason,
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json({
          items: [
            decided('applied', null, 'ord_1'),
            decided('declined', 'Bath is not on the lease.', 'ord_2'),
          ],
        }),
      ),
    );
    render(
      <MantineProvider>
        <CompanyTab contract={contract} />
      </MantineProvider>,
    );
    expect(await screen.findByText('Applied')).toBeInTheDocument();
    expect(screen.getByText('Declined')).toBeInTheDocument();
    expect(screen.getAllByText(/by Rafael Reseller on/)).toHaveLength(2);
    expect(screen.getByText('Reason: Bath is not on the lease.')).toBeInTheDocument();
  });
});
