import { describe, expect, it } from 'vitest';

import { draftProblems, emptyDraft, releaseBody } from './releaseDraft';
import type { Draft } from './releaseDraft';

const good: Draft = {
  version: '2027.1',
  kind: 'update',
  title: 'Draftline 2027.1 Update',
  released_on: '2026-11-20',
  download_url: 'https://downloads.example/drl-2027.1.exe',
  sha256: 'AB'.repeat(32),
  size_bytes: 123_456_789,
  notes: ' Fixes. ',
};

describe('release draft', () => {
  it('accepts a complete draft', () => {
    expect(Object.values(draftProblems(good)).filter(Boolean)).toEqual([]);
  });

  it('names each missing or malformed field', () => {
    const problems = draftProblems({
      ...emptyDraft(),
      released_on: '',
      sha256: 'xyz',
      size_bytes: 0,
    });
    expect(Object.keys(problems).filter((k) => problems[k])).toEqual([
      'version',
      'title',
      'released_at',
      'download_url',
      'sha256',
      'size_bytes',
    ]);
  });

  it('sends a date as the start of that day in UTC and the checksum in lower case', () => {
    expect(releaseBody(good)).toEqual({
      version: '2027.1',
      kind: 'update',
      title: 'Draftline 2027.1 Update',
      released_at: '2026-11-20T00:00:00Z',
      download_url: 'https://downloads.example/drl-2027.1.exe',
      sha256: 'ab'.repeat(32),
      size_bytes: 123_456_789,
      notes: 'Fixes.',
    });
  });
});
