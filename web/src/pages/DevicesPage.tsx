import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function DevicesPage() {
  return <Page title="DevicesPage">Coming soon.</Page>;
}
