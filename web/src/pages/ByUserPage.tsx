import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function ByUserPage() {
  return <Page title="ByUserPage">Coming soon.</Page>;
}
