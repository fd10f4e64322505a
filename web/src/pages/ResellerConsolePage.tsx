import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function ResellerConsolePage() {
  return <Page title="ResellerConsolePage">Coming soon.</Page>;
}
