import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function ClassicUsersPage() {
  return <Page title="ClassicUsersPage">Coming soon.</Page>;
}
