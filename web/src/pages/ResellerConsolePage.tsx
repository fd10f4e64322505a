import { Route, Routes } from 'react-router';

import { ContractView, CustomerDetail, CustomerList } from '../components/admin/CustomerViews';
import { OrderForm } from '../components/admin/OrderForm';
import { Page } from '../components/Page';
import { useMe } from '../session/SessionContext';

const base = '/reseller';
const rootLabel = 'Customers';

// Reseller staff: their customers, each customer's contracts and orders, new orders,
// renewals and the switch of serial-number licenses to sign-in.
export default function ResellerConsolePage() {
  const me = useMe();
  if (me.user.reseller_id === null && !me.user.is_operator) {
    return (
      <Page title="Reseller console">
        <p>This console is for reseller staff. Your account does not belong to a reseller.</p>
      </Page>
    );
  }
  return (
    <Routes>
      <Route
        index
        element={
          <CustomerList
            base={base}
            title="Customers"
            intro="The companies you sell to. Open one to see its contracts, place an order, renew, or switch serial-number licenses to sign-in."
          />
        }
      />
      <Route
        path="customers/:accountId"
        element={<CustomerDetail base={base} rootLabel={rootLabel} />}
      />
      <Route
        path="customers/:accountId/contracts/:contractId"
        element={<ContractView base={base} rootLabel={rootLabel} />}
      />
      <Route
        path="customers/:accountId/orders/new"
        element={<OrderForm base={base} rootLabel={rootLabel} />}
      />
      <Route
        path="*"
        element={
          <Page title="Page not found">
            <p>There is no such page in the reseller console.</p>
          </Page>
        }
      />
    </Routes>
  );
}
