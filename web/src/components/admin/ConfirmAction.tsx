import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import type { ReactNode } from 'react';

interface Props extends Omit<ButtonProps, 'children' | 'onClick'> {
  label: string; // the button
  title: string; // the dialog
  message: ReactNode;
  confirmLabel: string;
  // When set, the person types this word before the action is allowed.
  typeToConfirm?: string;
  onConfirm: () => Promise<unknown>;
  'aria-label'?: string;
}

// A button that asks first, in a dialog, before a change that cannot be undone.
export function ConfirmAction({
  label,
  title,
  message,
  confirmLabel,
  typeToConfirm,
  onConfirm,
  ...button
}: Props) {
  const [opened, { open, close }] = useDisclosure(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const allowed = !typeToConfirm || typed.trim() === typeToConfirm;

  async function confirm() {
    setBusy(true);
    try {
      await onConfirm();
      close();
    } finally {
      setBusy(false);
      setTyped('');
    }
  }

  return (
    <>
      <Button {...button} onClick={open}>
        {label}
      </Button>
      {/* lockScroll off: the scroll lock injects a style element without the page's nonce,
          which the Content-Security-Policy blocks. */}
      <Modal opened={opened} onClose={close} title={title} centered lockScroll={false}>
        <Stack>
          <Text size="sm" component="div">
            {message}
          </Text>
          {typeToConfirm && (
            <TextInput
              label={`Type ${typeToConfirm} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red" loading={busy} disabled={!allowed} onClick={() => void confirm()}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
