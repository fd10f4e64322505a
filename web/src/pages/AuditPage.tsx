import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function AuditPage() {
  return <Page title="AuditPage">Coming soon.</Page>;
}
