import { Button, CopyButton, Group, Text, Tooltip } from '@mantine/core';

// A value people type elsewhere (serial number, product key, checksum) with a copy button.
export function Copyable({ label, value }: { label: string; value: string }) {
  const what = label.toLowerCase();
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm">
        {label}:{' '}
        <Text span ff="monospace" fw={600}>
          {value}
        </Text>
      </Text>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy the ${what}`}>
            <Button
              variant="light"
              size="compact-xs"
              onClick={copy}
              aria-label={copied ? `${label} copied` : `Copy the ${what} ${value}`}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
