import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function SeatUsageReportPage() {
  return <Page title="SeatUsageReportPage">Coming soon.</Page>;
}
