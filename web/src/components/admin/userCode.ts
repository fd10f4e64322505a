// The code a desktop application shows ("WDJB-MJHT"), as typed by a person: any case,
// spaces, with or without the dash.
export function normaliseUserCode(typed: string): string {
  const letters = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (letters.length === 8) return `${letters.slice(0, 4)}-${letters.slice(4)}`;
  return letters;
}
