import { Button, Group, Text } from '@mantine/core';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

// Cursor paging kept in the address: `after` is the cursor of the page shown, `prev` the
// cursors before it (so Back, reload and "Previous page" all land on the same page).
export function useCursor(param = 'after') {
  const [params, setParams] = useSearchParams();
  const after = params.get(param) ?? '';
  const trail = (params.get(`${param}_trail`) ?? '').split(',').filter(Boolean);

  const go = useCallback(
    (nextAfter: string, nextTrail: string[]) => {
      setParams((current) => {
        const p = new URLSearchParams(current);
        if (nextAfter) p.set(param, nextAfter);
        else p.delete(param);
        if (nextTrail.length) p.set(`${param}_trail`, nextTrail.join(','));
        else p.delete(`${param}_trail`);
        return p;
      });
    },
    [param, setParams],
  );

  return {
    after,
    page: trail.length + (after ? 1 : 0) + 1,
    hasPrevious: after !== '',
    next: (cursor: string) => go(cursor, after ? [...trail, after] : trail),
    previous: () => go(trail[trail.length - 1] ?? '', trail.slice(0, -1)),
  };
}

export function Pager({
  cursor,
  nextAfter,
  label,
}: {
  cursor: ReturnType<typeof useCursor>;
  nextAfter: string | null | undefined;
  label: string;
}) {
  if (!cursor.hasPrevious && !nextAfter) return null;
  return (
    <Group justify="space-between" aria-label={`${label} pages`} role="navigation">
      <Text size="sm" c="dimmed">
        Page {cursor.page}
      </Text>
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          disabled={!cursor.hasPrevious}
          onClick={cursor.previous}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!nextAfter}
          onClick={() => nextAfter && cursor.next(nextAfter)}
        >
          Next page
        </Button>
      </Group>
    </Group>
  );
}
