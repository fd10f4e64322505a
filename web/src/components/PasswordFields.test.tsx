import { describe, expect, it } from 'vitest';

import { passwordProblem } from './PasswordFields';

describe('passwordProblem', () => {
  it('asks for ten characters, counted as characters not bytes', () => {
    expect(passwordProblem('short', 'short')).toMatch(/at least 10/);
    expect(passwordProblem('ééééééééé', 'ééééééééé')).toMatch(/at least 10/);
    expect(passwordProblem('éééééééééé', 'éééééééééé')).toBeUndefined();
  });

  it('refuses two different entries', () => {
    expect(passwordProblem('correct horse', 'correct horsf')).toBe('The two passwords differ.');
  });
});
