import type { FormErrors } from '../formErrors';
import { sha256Problem } from './releases';
import type { ReleaseKind } from './releases';

export interface Draft {
  version: string;
  kind: ReleaseKind;
  title: string;
  released_on: string; // yyyy-mm-dd
  download_url: string;
  sha256: string;
  size_bytes: number | string;
  notes: string;
}

export const releaseFields = [
  'version',
  'kind',
  'title',
  'released_at',
  'download_url',
  'sha256',
  'size_bytes',
  'notes',
];

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function emptyDraft(): Draft {
  return {
    version: '',
    kind: 'update',
    title: '',
    released_on: today(),
    download_url: 'https://',
    sha256: '',
    size_bytes: '',
    notes: '',
  };
}

// What the form can tell before anything is sent.
export function draftProblems(d: Draft): FormErrors {
  const out: FormErrors = {};
  if (!d.version.trim()) out.version = 'The version people see, like 2027.1.';
  if (!d.title.trim()) out.title = 'A short title, like “Draftline 2027.1 Update”.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.released_on)) out.released_at = 'The release date.';
  if (!/^https?:\/\/\S+\.\S+/.test(d.download_url.trim()))
    out.download_url = 'The address of the file, starting with https://.';
  out.sha256 = sha256Problem(d.sha256);
  if (typeof d.size_bytes !== 'number' || !Number.isInteger(d.size_bytes) || d.size_bytes <= 0)
    out.size_bytes = 'The file size in bytes.';
  return out;
}

// The body of POST …/releases.
export function releaseBody(d: Draft) {
  return {
    version: d.version.trim(),
    kind: d.kind,
    title: d.title.trim(),
    released_at: `${d.released_on}T00:00:00Z`,
    download_url: d.download_url.trim(),
    sha256: d.sha256.trim().toLowerCase(),
    size_bytes: d.size_bytes,
    notes: d.notes.trim(),
  };
}
