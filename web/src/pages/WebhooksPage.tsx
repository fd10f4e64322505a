import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function WebhooksPage() {
  return <Page title="WebhooksPage">Coming soon.</Page>;
}
