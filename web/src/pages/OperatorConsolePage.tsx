import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function OperatorConsolePage() {
  return <Page title="OperatorConsolePage">Coming soon.</Page>;
}
