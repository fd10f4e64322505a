import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function UsersPage() {
  return <Page title="UsersPage">Coming soon.</Page>;
}
