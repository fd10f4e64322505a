import { Tabs } from '@mantine/core';
import { Navigate, Route, Routes, useLocation, useNavigate, useSearchParams } from 'react-router';

import {
  CatalogImport,
  ProductSetsCatalog,
  ProductsCatalog,
  ServicesCatalog,
} from '../components/admin/CatalogViews';
import { ContractView, CustomerDetail, CustomerList } from '../components/admin/CustomerViews';
import { OrderForm } from '../components/admin/OrderForm';
import { ResellerDetail, ResellerList } from '../components/admin/ResellerAdmin';
import { Page } from '../components/Page';
import { useMe } from '../session/SessionContext';

const base = '/operator';
const rootLabel = 'Customers';

const sections = [
  { value: 'catalog', label: 'Catalog' },
  { value: 'customers', label: 'Customers' },
  { value: 'resellers', label: 'Resellers' },
];

// The console's own navigation: each section is a path, so back and forward work.
function SectionTabs() {
  const location = useLocation();
  const navigate = useNavigate();
  const current =
    sections.find((s) => location.pathname.startsWith(`${base}/${s.value}`))?.value ?? 'catalog';
  return (
    <Tabs value={current} onChange={(value) => value && navigate(`${base}/${value}`)}>
      <Tabs.List aria-label="Operator console sections">
        {sections.map((s) => (
          <Tabs.Tab key={s.value} value={s.value}>
            {s.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}

const catalogTabs = ['products', 'groups', 'collections', 'services', 'import'] as const;

function Catalog() {
  const [params, setParams] = useSearchParams();
  const tab = catalogTabs.find((t) => t === params.get('tab')) ?? 'products';
  return (
    <Page
      title="Catalog"
      description="What the publisher sells: products, product groups (a product and its specialised toolsets), collections (one seat grants every product in it) and services. Resellers order from it; customers assign from it."
    >
      <Tabs
        value={tab}
        onChange={(value) => setParams(value && value !== 'products' ? { tab: value } : {})}
        keepMounted={false}
      >
        <Tabs.List aria-label="Catalog">
          <Tabs.Tab value="products">Products</Tabs.Tab>
          <Tabs.Tab value="groups">Product groups</Tabs.Tab>
          <Tabs.Tab value="collections">Collections</Tabs.Tab>
          <Tabs.Tab value="services">Services</Tabs.Tab>
          <Tabs.Tab value="import">Import</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="products" pt="md">
          <ProductsCatalog />
        </Tabs.Panel>
        <Tabs.Panel value="groups" pt="md">
          <ProductSetsCatalog kind="product-groups" />
        </Tabs.Panel>
        <Tabs.Panel value="collections" pt="md">
          <ProductSetsCatalog kind="collections" />
        </Tabs.Panel>
        <Tabs.Panel value="services" pt="md">
          <ServicesCatalog />
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="md">
          <CatalogImport />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

// The publisher's console: the catalog, every customer account with its contracts,
// orders, renewals and migrations, and the resellers with their staff.
export default function OperatorConsolePage() {
  const me = useMe();
  if (!me.user.is_operator) {
    return (
      <Page title="Operator console">
        <p>This console is for the publisher&apos;s operators.</p>
      </Page>
    );
  }
  return (
    <>
      <SectionTabs />
      <Routes>
        <Route index element={<Navigate to="catalog" replace />} />
        <Route path="catalog" element={<Catalog />} />
        <Route
          path="customers"
          element={
            <CustomerList
              base={`${base}`}
              title="Customers"
              intro="Every customer account, of every reseller and of the publisher itself."
            />
          }
        />
        <Route
          path="customers/:accountId"
          element={<CustomerDetail base={base} rootLabel={rootLabel} home={`${base}/customers`} />}
        />
        <Route
          path="customers/:accountId/contracts/:contractId"
          element={<ContractView base={base} rootLabel={rootLabel} home={`${base}/customers`} />}
        />
        <Route
          path="customers/:accountId/orders/new"
          element={<OrderForm base={base} rootLabel={rootLabel} home={`${base}/customers`} />}
        />
        <Route path="resellers" element={<ResellerList base={base} />} />
        <Route path="resellers/:resellerId" element={<ResellerDetail base={base} />} />
        <Route
          path="*"
          element={
            <Page title="Page not found">
              <p>There is no such page in the operator console.</p>
            </Page>
          }
        />
      </Routes>
    </>
  );
}
