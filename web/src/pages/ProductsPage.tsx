import { Page } from '../components/Page';

// Placeholder until this page is built.
export default function ProductsPage() {
  return <Page title="ProductsPage">Coming soon.</Page>;
}
