import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function SettingsPage() {
  return <Page title="SettingsPage">Coming soon.</Page>;
}
