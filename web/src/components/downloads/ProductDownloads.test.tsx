import { MantineProvider } from '@mantine/core';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ProductDownloads } from './ProductDownloads';
import type { DownloadItem, Release } from './releases';

function release(version: string, kind: Release['kind'], date: string, size: number): Release {
  return {
    id: `rel_${version}`,
    product_code: 'DRL',
    version,
    kind,
    title: `Draftline ${version}${kind === 'update' ? ' Update' : ''}`,
    released_at: `${date}T00:00:00Z`,
    download_url: `https://downloads.example/DRL/${version}.exe`,
    sha256: 'c0ffee'.padEnd(64, '0'),
    size_bytes: size,
    notes: '',
  };
}

function item(releases: Release[]): DownloadItem {
  return {
    product: { id: 'prd_1', code: 'DRL', name: 'Draftline', release_name: '2027' },
    via: [],
    releases,
  };
}

function show(releases: Release[]) {
  render(
    <MantineProvider>
      <ProductDownloads item={item(releases)} />
    </MantineProvider>,
  );
}

describe('ProductDownloads', () => {
  it('offers the newest installer and the updates after it, newest first', () => {
    show([
      release('2026', 'release', '2025-04-01', 1_300_000_000),
      release('2027.1', 'update', '2026-08-18', 200_000_000),
      release('2027', 'release', '2026-04-01', 1_811_000_000),
      release('2027.2', 'update', '2026-11-20', 215_000_000),
      release('2026.1', 'update', '2025-08-01', 100_000_000),
    ]);
    const download = screen.getByRole('link', { name: 'Download Draftline 2027' });
    expect(download).toHaveAttribute('href', 'https://downloads.example/DRL/2027.exe');
    expect(download).toHaveAttribute('rel', 'noopener');
    expect(screen.getByText(/1\.8 GB/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Copy the SHA-256/ })).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Updates of Draftline' })).getAllByRole(
      'row',
    );
    // The header, then 2027.2 and 2027.1; nothing older than the installer.
    expect(rows.map((r) => within(r).queryAllByRole('cell')[0]?.textContent)).toEqual([
      undefined,
      '2027.2',
      '2027.1',
    ]);
  });

  it('says so plainly when nothing is published', () => {
    show([]);
    expect(screen.getByText(/No installer of Draftline has been published/)).toBeInTheDocument();
    expect(screen.queryByRole('link')).toBeNull();
  });
});
