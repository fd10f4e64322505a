import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function CloudCreditsReportPage() {
  return <Page title="CloudCreditsReportPage">Coming soon.</Page>;
}
