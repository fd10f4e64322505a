import { describe, expect, it } from 'vitest';

import { downloadsOf, formatSize, installAndUpdates, newestFirst, sha256Problem } from './releases';
import type { DownloadItem, Release } from './releases';

function release(version: string, kind: Release['kind'], date: string): Release {
  return {
    id: `rel_${version}`,
    product_code: 'DRL',
    version,
    kind,
    title: `Draftline ${version}`,
    released_at: `${date}T09:00:00Z`,
    download_url: `https://downloads.example/${version}.exe`,
    sha256: 'a'.repeat(64),
    size_bytes: 1_000_000,
    notes: '',
  };
}

describe('installAndUpdates', () => {
  it('picks the newest full release and only the updates after it, newest first', () => {
    const all = [
      release('2026', 'release', '2025-03-01'),
      release('2026.1', 'update', '2025-06-01'),
      release('2027', 'release', '2026-03-01'),
      release('2027.1', 'update', '2026-05-01'),
      release('2027.2', 'update', '2026-08-01'),
    ];
    const { latest, updates } = installAndUpdates(all);
    expect(latest?.version).toBe('2027');
    expect(updates.map((u) => u.version)).toEqual(['2027.2', '2027.1']);
  });

  it('lists every update when there is no full release', () => {
    const { latest, updates } = installAndUpdates([
      release('1.1', 'update', '2026-01-01'),
      release('1.2', 'update', '2026-02-01'),
    ]);
    expect(latest).toBeNull();
    expect(updates.map((u) => u.version)).toEqual(['1.2', '1.1']);
  });

  it('has nothing for no releases', () => {
    expect(installAndUpdates([])).toEqual({ latest: null, updates: [] });
  });

  it('does not reorder the input', () => {
    const all = [release('a', 'release', '2024-01-01'), release('b', 'release', '2025-01-01')];
    expect(newestFirst(all).map((r) => r.version)).toEqual(['b', 'a']);
    expect(all.map((r) => r.version)).toEqual(['a', 'b']);
  });
});

describe('formatSize', () => {
  it('uses decimal units with one decimal below 100', () => {
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(850_000)).toBe('850 KB');
    expect(formatSize(1_000_000)).toBe('1 MB');
    expect(formatSize(12_345_678)).toBe('12.3 MB');
    expect(formatSize(734_003_200)).toBe('734 MB');
    expect(formatSize(1_400_000_000)).toBe('1.4 GB');
  });

  it('shows a dash for nothing sensible', () => {
    expect(formatSize(undefined)).toBe('—');
    expect(formatSize(-1)).toBe('—');
    expect(formatSize(Number.NaN)).toBe('—');
  });
});

describe('downloadsOf', () => {
  it('keeps the products a subscription gives', () => {
    const item = (code: string, subs: string[]): DownloadItem => ({
      product: { id: `prd_${code}`, code, name: code, release_name: '2027' },
      via: subs.map((s) => ({
        subscription_id: s,
        contract_number: '1',
        activation: 'sign_in',
        access: 'single_user',
        model: 'term',
      })),
      releases: [],
    });
    const items = [item('DRL', ['sub_1']), item('DRA', ['sub_2', 'sub_1']), item('FRM', ['sub_3'])];
    expect(downloadsOf(items, 'sub_1').map((i) => i.product.code)).toEqual(['DRL', 'DRA']);
    expect(downloadsOf(items, 'sub_9')).toEqual([]);
  });
});

describe('sha256Problem', () => {
  it('wants 64 hexadecimal digits', () => {
    expect(sha256Problem('')).toMatch(/SHA-256/);
    expect(sha256Problem('abc')).toMatch(/64 hexadecimal/);
    expect(sha256Problem(` ${'F0'.repeat(32)} `)).toBeUndefined();
  });
});
