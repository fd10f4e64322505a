// "All users will be able to see their personal cloud credit usage, and any contracts that
// they were granted use of."
import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { MyContracts } from './MyContracts';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

afterEach(() => vi.unstubAllGlobals());

function show() {
  render(
    <MantineProvider>
      <MyContracts />
    </MantineProvider>,
  );
}

describe('MyContracts', () => {
  it('lists each contract with its number, status, term end and what the person may use', async () => {
    const paths: string[] = [];
    const body = {
      items: [
        {
          contract_id: 'ctr_1',
          number: '110001234567',
          status: 'expiring',
          starts_at: '2026-02-10T00:00:00Z',
          ends_at: '2027-02-10T00:00:00Z',
          team: { id: 'team_1', name: 'Contoso Design' },
          uses: [
            {
              kind: 'product',
              code: 'DRL',
              name: 'AutoCAD',
              via: 'seat',
              expires_at: '2027-02-10T00:00:00Z',
            },
            {
              kind: 'service',
              code: 'RND',
              name: 'Cloud rendering',
              via: 'seat',
              expires_at: '2027-02-10T00:00:00Z',
            },
          ],
        },
        {
          contract_id: 'ctr_3',
          number: '110001234569',
          status: 'active',
          starts_at: '2026-10-01T00:00:00Z',
          ends_at: '2029-10-01T00:00:00Z',
          team: { id: 'team_1', name: 'Contoso Design' },
          uses: [
            {
              kind: 'product',
              code: 'STR',
              name: 'Structural Analysis',
              via: 'network',
              expires_at: '2029-10-01T00:00:00Z',
            },
          ],
        },
      ],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string) => {
        paths.push(path);
        return json(body);
      }),
    );
    show();

    const first = await screen.findByRole('region', { name: 'Contract 110001234567' });
    expect(within(first).getByText('AutoCAD')).toBeInTheDocument();
    expect(within(first).getByText('Sign-in seat')).toBeInTheDocument();
    expect(within(first).getByText('Cloud service')).toBeInTheDocument();
    expect(within(first).getByText(/term ends/)).toHaveTextContent('Contoso Design');
    const second = screen.getByRole('region', { name: 'Contract 110001234569' });
    expect(within(second).getByText('Structural Analysis')).toBeInTheDocument();
    expect(within(second).getByText('Network (shared)')).toBeInTheDocument();
    expect(paths).toEqual(['/api/v1/me/contracts']);
  });

  it('says so when nothing is assigned', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ items: [] })),
    );
    show();
    expect(await screen.findByText('No contracts yet')).toBeInTheDocument();
  });
});
