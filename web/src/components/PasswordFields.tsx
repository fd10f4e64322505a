import { PasswordInput, Stack } from '@mantine/core';

export const MIN_PASSWORD_LENGTH = 10;

// What is wrong with a new password before it is sent; the server checks again (and also
// refuses common and breached-looking passwords).
export function passwordProblem(password: string, repeat: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password !== repeat) return 'The two passwords differ.';
  return undefined;
}

interface Props {
  password: string;
  repeat: string;
  onPassword: (value: string) => void;
  onRepeat: (value: string) => void;
  serverError?: string;
  touched: boolean;
}

export function NewPasswordFields({
  password,
  repeat,
  onPassword,
  onRepeat,
  serverError,
  touched,
}: Props) {
  const problem = touched ? passwordProblem(password, repeat) : undefined;
  return (
    <Stack gap="sm">
      <PasswordInput
        label="New password"
        description={`At least ${MIN_PASSWORD_LENGTH} characters. A passphrase of a few words works well.`}
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => onPassword(e.currentTarget.value)}
        error={serverError ?? (problem && problem.startsWith('Use') ? problem : undefined)}
      />
      <PasswordInput
        label="Repeat the new password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(e) => onRepeat(e.currentTarget.value)}
        error={problem && !problem.startsWith('Use') ? problem : undefined}
      />
    </Stack>
  );
}
