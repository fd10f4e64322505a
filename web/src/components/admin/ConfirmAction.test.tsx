import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ConfirmAction } from './ConfirmAction';
import { normaliseUserCode } from './userCode';

afterEach(cleanup);

function renderConfirm(onConfirm: () => Promise<unknown>, typeToConfirm?: string) {
  render(
    <MantineProvider>
      <ConfirmAction
        label="Erase…"
        title="Erase your account?"
        message="This cannot be undone."
        confirmLabel="Erase now"
        typeToConfirm={typeToConfirm}
        onConfirm={onConfirm}
      />
    </MantineProvider>,
  );
}

describe('ConfirmAction', () => {
  it('does nothing until the dialog is confirmed', async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    renderConfirm(onConfirm);
    fireEvent.click(screen.getByRole('button', { name: 'Erase…' }));
    await screen.findByText('This cannot be undone.');
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Erase now' }));
    await waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
  });

  it('asks for the word first when told to', async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    renderConfirm(onConfirm, 'ERASE');
    fireEvent.click(screen.getByRole('button', { name: 'Erase…' }));
    const confirm = await screen.findByRole('button', { name: 'Erase now' });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type ERASE to confirm'), {
      target: { value: 'erase' },
    });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type ERASE to confirm'), {
      target: { value: 'ERASE' },
    });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    await waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
  });
});

describe('normaliseUserCode', () => {
  it('accepts the code the way people type it', () => {
    expect(normaliseUserCode('wdjb-mjht')).toBe('WDJB-MJHT');
    expect(normaliseUserCode(' wdjb mjht ')).toBe('WDJB-MJHT');
    expect(normaliseUserCode('WDJBMJHT')).toBe('WDJB-MJHT');
    expect(normaliseUserCode('abc')).toBe('ABC');
    expect(normaliseUserCode('')).toBe('');
  });
});
