import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function DeviceApprovalPage() {
  return <Page title="DeviceApprovalPage">Coming soon.</Page>;
}
