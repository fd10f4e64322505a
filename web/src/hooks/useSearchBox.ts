import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';

// A search box whose words live in the address: typing updates the address a moment after
// the last key, and back and forward (which change the address) put their words in the box.
export function useSearchBox(search: string, apply: (value: string) => void) {
  const [text, setText] = useState(search);
  const [shownSearch, setShownSearch] = useState(search);
  if (search !== shownSearch) {
    setShownSearch(search);
    setText(search);
  }
  const applyLater = useDebouncedCallback(apply, 300);
  return {
    text,
    change: (value: string) => {
      setText(value);
      applyLater(value);
    },
  };
}
