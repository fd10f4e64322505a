import { AppShell, Burger, Button, Group, Menu, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Fragment } from 'react';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useParams } from 'react-router';

import { teamNav } from '../nav';
import { displayName, teamAccess } from '../session/access';
import { useMe, useSession } from '../session/SessionContext';
import { PendingInvitations } from './PendingInvitations';
import { TeamSwitcher } from './TeamSwitcher';

function NavEntry({
  to,
  search = '',
  label,
  onNavigate,
}: {
  to: string;
  search?: string;
  label: string;
  onNavigate: () => void;
}) {
  const location = useLocation();
  const active = location.pathname === to || location.pathname.startsWith(`${to}/`);
  return (
    <NavLink
      component={RouterNavLink}
      to={{ pathname: to, search }}
      label={label}
      active={active}
      onClick={onNavigate}
      aria-current={active ? 'page' : undefined}
    />
  );
}

export function AppLayout() {
  const me = useMe();
  const { signOut } = useSession();
  const { teamId } = useParams();
  const [opened, { toggle, close }] = useDisclosure(false);
  const access = teamId ? teamAccess(me, teamId) : null;
  // Moving from one report to another keeps the time range picked.
  const location = useLocation();
  const range = location.pathname.includes('/reports/')
    ? new URLSearchParams(location.search).get('range')
    : null;
  const reportSearch = range ? `?${new URLSearchParams({ range }).toString()}` : '';
  const groups = ['Products', 'User management', 'Reporting', 'Account'] as const;

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Text component={Link} to="/" fw={700} size="lg" c="blue.9" td="none">
              Seatwise
            </Text>
            <TeamSwitcher teamId={teamId} />
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="subtle" aria-label="Account menu">
                {displayName(me.user)}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{me.user.email}</Menu.Label>
              <Menu.Item component={Link} to="/settings">
                Settings
              </Menu.Item>
              <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {access &&
            groups.map((group) => {
              const items = teamNav.filter((i) => i.group === group && i.visible(access));
              if (items.length === 0) return null;
              return (
                <Fragment key={group}>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="sm" mb={4}>
                    {group}
                  </Text>
                  {items.map((item) => (
                    <NavEntry
                      key={item.path}
                      to={`/teams/${teamId}/${item.path}`}
                      search={item.path.startsWith('reports/') ? reportSearch : ''}
                      label={item.label}
                      onNavigate={close}
                    />
                  ))}
                </Fragment>
              );
            })}
          {(me.user.reseller_id !== null || me.user.is_operator) && (
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="sm" mb={4}>
              Consoles
            </Text>
          )}
          {me.user.reseller_id !== null && (
            <NavEntry to="/reseller" label="Reseller console" onNavigate={close} />
          )}
          {me.user.is_operator && (
            <NavEntry to="/operator" label="Operator console" onNavigate={close} />
          )}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="sm" mb={4}>
            Me
          </Text>
          <NavEntry to="/settings" label="Settings" onNavigate={close} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <PendingInvitations />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
