// The portal's pages inside a team, in the order the navigation shows them, with who may
// see each (the API refuses the rest anyway).

import { can } from './session/access';
import type { TeamAccess } from './session/access';

export interface NavItem {
  path: string; // under /teams/:teamId/
  label: string;
  group: 'Products' | 'User management' | 'Reporting' | 'Account';
  visible: (access: TeamAccess) => boolean;
}

export const teamNav: NavItem[] = [
  { path: 'products', label: 'Products & services', group: 'Products', visible: () => true },
  { path: 'by-user', label: 'By user', group: 'User management', visible: can.assign },
  { path: 'by-product', label: 'By product', group: 'User management', visible: can.assign },
  {
    path: 'classic-users',
    label: 'Classic user management',
    group: 'User management',
    visible: can.classicUsers,
  },
  { path: 'users', label: 'Users', group: 'User management', visible: can.manageUsers },
  { path: 'devices', label: 'Devices', group: 'User management', visible: can.devices },
  { path: 'reports/seat-usage', label: 'Seat usage', group: 'Reporting', visible: () => true },
  {
    path: 'reports/cloud-credits',
    label: 'Cloud credits',
    group: 'Reporting',
    visible: () => true,
  },
  {
    path: 'reports/network-licenses',
    label: 'Network licenses',
    group: 'Reporting',
    visible: can.teamReports,
  },
  { path: 'billing', label: 'Billing & Orders', group: 'Account', visible: can.billing },
  { path: 'audit', label: 'Audit log', group: 'Account', visible: can.audit },
  { path: 'webhooks', label: 'Webhooks', group: 'Account', visible: can.webhooks },
];
