import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function ByProductPage() {
  return <Page title="ByProductPage">Coming soon.</Page>;
}
