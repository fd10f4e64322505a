import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function BillingPage() {
  return <Page title="BillingPage">Coming soon.</Page>;
}
