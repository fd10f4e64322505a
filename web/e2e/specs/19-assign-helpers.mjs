// Helpers of the assignment specs (10–19): the team of the signed-in person and calls to the
// API with the page's own session, to set up and put back what a spec changes.

export function teamIdOf(page) {
  const match = /\/teams\/([^/]+)\//.exec(new URL(page.url()).pathname);
  if (!match) throw new Error(`not on a team page: ${page.url()}`);
  return match[1];
}

export async function apiCall(page, method, path, body) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'sw_csrf')?.value ?? '';
  const response = await page.request.fetch(path, {
    method,
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path}: ${response.status()} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// The team's subscription whose product or service is called `name`.
export async function subscriptionNamed(page, teamId, name) {
  const { items } = await apiCall(page, 'GET', `/api/v1/teams/${teamId}/products`);
  const found = items.find((p) => p.item.name === name);
  if (!found) throw new Error(`no subscription of ${name}`);
  return found;
}

export async function openNav(page, label) {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: label, exact: true })
    .click();
}
