import { lazy, Suspense } from 'react';
import type { ComponentType, LazyExoticComponent } from 'react';
import { Navigate, Route, Routes, useLocation, useParams } from 'react-router';

import { Loading, Page } from './components/Page';
import { AppLayout } from './layout/AppLayout';
import { teamNav } from './nav';
import { activeTeams, teamAccess } from './session/access';
import { useMe, useSession } from './session/SessionContext';

// Each page is its own chunk, loaded when first opened.
const pages = {
  signIn: lazy(() => import('./pages/SignInPage')),
  acceptInvitation: lazy(() => import('./pages/AcceptInvitationPage')),
  passwordReset: lazy(() => import('./pages/PasswordResetPage')),
  deviceApproval: lazy(() => import('./pages/DeviceApprovalPage')),
  products: lazy(() => import('./pages/ProductsPage')),
  byUser: lazy(() => import('./pages/ByUserPage')),
  byProduct: lazy(() => import('./pages/ByProductPage')),
  classicUsers: lazy(() => import('./pages/ClassicUsersPage')),
  users: lazy(() => import('./pages/UsersPage')),
  devices: lazy(() => import('./pages/DevicesPage')),
  seatUsage: lazy(() => import('./pages/SeatUsageReportPage')),
  cloudCredits: lazy(() => import('./pages/CloudCreditsReportPage')),
  networkLicenses: lazy(() => import('./pages/NetworkLicensesReportPage')),
  billing: lazy(() => import('./pages/BillingPage')),
  audit: lazy(() => import('./pages/AuditPage')),
  webhooks: lazy(() => import('./pages/WebhooksPage')),
  settings: lazy(() => import('./pages/SettingsPage')),
  reseller: lazy(() => import('./pages/ResellerConsolePage')),
  operator: lazy(() => import('./pages/OperatorConsolePage')),
};

function Lazy({ page: Component }: { page: LazyExoticComponent<ComponentType> }) {
  return (
    <Suspense fallback={<Loading />}>
      <Component />
    </Suspense>
  );
}

// Pages of the signed-in portal: anonymous visitors go to sign-in and come back after.
function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Loading label="Opening Seatwise…" />;
  if (state.status === 'error') {
    return (
      <Page title="Seatwise is not reachable">
        <p>{state.message}</p>
      </Page>
    );
  }
  if (state.status === 'anonymous') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return <AppLayout />;
}

// A team page the person's role does not include is explained, not shown half-empty.
function TeamPage({ path, page }: { path: string; page: LazyExoticComponent<ComponentType> }) {
  const me = useMe();
  const { teamId = '' } = useParams();
  const item = teamNav.find((i) => i.path === path);
  const access = teamAccess(me, teamId);
  if (!access.role && !access.isOperator && !access.isContractManager && !access.isReseller) {
    return (
      <Page title="Team not found">
        <p>You are not a member of this team. Choose one of your teams above.</p>
      </Page>
    );
  }
  if (item && !item.visible(access)) {
    return (
      <Page title="Not available to your role">
        <p>
          {item.label} is for {describeAudience(path)}. Ask your Primary Admin if you need it.
        </p>
      </Page>
    );
  }
  return <Lazy page={page} />;
}

function describeAudience(path: string): string {
  if (path === 'billing') return 'Contract Managers';
  if (path === 'users' || path === 'webhooks') return 'Primary and Secondary Admins';
  return 'admins and Software Coordinators';
}

// "/" opens the first team's products, or the console of a reseller or operator.
function Home() {
  const me = useMe();
  const teams = activeTeams(me);
  if (teams[0]) return <Navigate to={`/teams/${teams[0].id}/products`} replace />;
  if (me.user.is_operator) return <Navigate to="/operator" replace />;
  if (me.user.reseller_id !== null) return <Navigate to="/reseller" replace />;
  return (
    <Page title="No team yet">
      <p>
        You are not a member of any team. When an admin invites you, the invitation shows at the top
        of this page and in an e-mail.
      </p>
    </Page>
  );
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address. Use the navigation to find your way.</p>
    </Page>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<Lazy page={pages.signIn} />} />
      <Route path="/invitations/:token" element={<Lazy page={pages.acceptInvitation} />} />
      <Route path="/reset-password" element={<Lazy page={pages.passwordReset} />} />
      <Route path="/reset-password/:token" element={<Lazy page={pages.passwordReset} />} />
      <Route element={<RequireSession />}>
        <Route index element={<Home />} />
        <Route path="/device-approval" element={<Lazy page={pages.deviceApproval} />} />
        <Route path="/settings" element={<Lazy page={pages.settings} />} />
        <Route path="/reseller/*" element={<Lazy page={pages.reseller} />} />
        <Route path="/operator/*" element={<Lazy page={pages.operator} />} />
        <Route path="/teams/:teamId">
          <Route index element={<Navigate to="products" replace />} />
          <Route path="products" element={<TeamPage path="products" page={pages.products} />} />
          <Route path="by-user/*" element={<TeamPage path="by-user" page={pages.byUser} />} />
          <Route
            path="by-product/*"
            element={<TeamPage path="by-product" page={pages.byProduct} />}
          />
          <Route
            path="classic-users/*"
            element={<TeamPage path="classic-users" page={pages.classicUsers} />}
          />
          <Route path="users" element={<TeamPage path="users" page={pages.users} />} />
          <Route path="devices/*" element={<TeamPage path="devices" page={pages.devices} />} />
          <Route
            path="reports/seat-usage"
            element={<TeamPage path="reports/seat-usage" page={pages.seatUsage} />}
          />
          <Route
            path="reports/cloud-credits"
            element={<TeamPage path="reports/cloud-credits" page={pages.cloudCredits} />}
          />
          <Route
            path="reports/network-licenses"
            element={<TeamPage path="reports/network-licenses" page={pages.networkLicenses} />}
          />
          <Route path="billing/*" element={<TeamPage path="billing" page={pages.billing} />} />
          <Route path="audit" element={<TeamPage path="audit" page={pages.audit} />} />
          <Route path="webhooks" element={<TeamPage path="webhooks" page={pages.webhooks} />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
