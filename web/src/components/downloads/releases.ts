// Installers and updates of the catalog's products (see api/openapi.yaml: releases and the
// team's downloads), and the plain words the pages show for them.

export type ReleaseKind = 'release' | 'update';

export interface Release {
  id: string;
  product_code: string;
  version: string;
  kind: ReleaseKind;
  title: string;
  released_at: string;
  download_url: string;
  sha256: string;
  size_bytes: number;
  notes: string;
}

export interface DownloadVia {
  subscription_id: string;
  contract_number: string;
  activation: string;
  access: string;
  model: string;
}

export interface DownloadItem {
  product: { id: string; code: string; name: string; release_name: string };
  via: DownloadVia[];
  releases: Release[];
}

function time(iso: string): number {
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? 0 : t;
}

// Newest first; the same date keeps the API's order.
export function newestFirst(releases: readonly Release[]): Release[] {
  return [...releases].sort((a, b) => time(b.released_at) - time(a.released_at));
}

// What a person installs: the newest full release, and the updates published after it
// (newest first). Without a full release, every update is listed.
export function installAndUpdates(releases: readonly Release[]): {
  latest: Release | null;
  updates: Release[];
} {
  const sorted = newestFirst(releases);
  const latest = sorted.find((r) => r.kind === 'release') ?? null;
  const updates = sorted.filter(
    (r) => r.kind === 'update' && (!latest || time(r.released_at) > time(latest.released_at)),
  );
  return { latest, updates };
}

// "850 KB", "512 MB", "1.4 GB" (decimal units, as download sites show them).
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      const shown =
        value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
      return `${shown} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

// The downloads a product card of one subscription shows.
export function downloadsOf(
  items: readonly DownloadItem[],
  subscriptionId: string,
): DownloadItem[] {
  return items.filter((item) => item.via.some((v) => v.subscription_id === subscriptionId));
}

// A SHA-256 as 64 hex digits, or why not.
export function sha256Problem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'The SHA-256 of the file, so people can check their download.';
  if (!/^[0-9a-fA-F]{64}$/.test(v)) return 'A SHA-256 is 64 hexadecimal digits.';
  return undefined;
}
