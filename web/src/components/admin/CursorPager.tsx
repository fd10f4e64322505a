import { Button, Group, Text } from '@mantine/core';
import { useSearchParams } from 'react-router';

// Cursor pagination kept in the address (`after`), so reload, back and forward show the
// same page. The API's cursors go forward only: "First page" starts again.
export function useCursor(param = 'after') {
  const [params, setParams] = useSearchParams();
  const after = params.get(param) ?? '';
  function go(next: string | null) {
    setParams((current) => {
      const copy = new URLSearchParams(current);
      if (next) copy.set(param, next);
      else copy.delete(param);
      return copy;
    });
  }
  return { after, next: (cursor: string) => go(cursor), first: () => go(null) };
}

export function CursorPager({
  after,
  nextAfter,
  onNext,
  onFirst,
  count,
  noun,
}: {
  after: string;
  nextAfter: string | null | undefined;
  onNext: (cursor: string) => void;
  onFirst: () => void;
  count: number;
  noun: string;
}) {
  if (!after && !nextAfter) return null;
  return (
    <Group justify="space-between" wrap="wrap">
      <Text size="sm" c="dimmed">
        {count} {noun} on this page{after ? ' (not the first page)' : ''}
      </Text>
      <Group gap="xs">
        {after && (
          <Button variant="default" onClick={onFirst}>
            First page
          </Button>
        )}
        {nextAfter && (
          <Button variant="default" onClick={() => onNext(nextAfter)}>
            Next page
          </Button>
        )}
      </Group>
    </Group>
  );
}

// The pager of a list whose cursor lives in the address (`useCursor`).
export function ListPager({
  cursor,
  nextAfter,
  count,
  noun,
}: {
  cursor: ReturnType<typeof useCursor>;
  nextAfter: string | null | undefined;
  count: number;
  noun: string;
}) {
  return (
    <CursorPager
      after={cursor.after}
      nextAfter={nextAfter}
      onNext={cursor.next}
      onFirst={cursor.first}
      count={count}
      noun={noun}
    />
  );
}
