import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function NetworkLicensesReportPage() {
  return <Page title="NetworkLicensesReportPage">Coming soon.</Page>;
}
