import { Select } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';

import { activeTeams } from '../session/access';
import { useMe } from '../session/SessionContext';

// Switching team keeps the page: /teams/A/devices → /teams/B/devices.
export function TeamSwitcher({ teamId }: { teamId: string | undefined }) {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const teams = activeTeams(me);
  if (teams.length === 0) return null;
  return (
    <Select
      aria-label="Team"
      data={teams.map((t) => ({ value: t.id, label: t.name }))}
      value={teamId ?? null}
      placeholder="Choose a team"
      allowDeselect={false}
      w={{ base: 160, sm: 240 }}
      onChange={(next) => {
        if (!next || next === teamId) return;
        const rest = teamId
          ? location.pathname.replace(`/teams/${teamId}/`, '').split('/')[0]
          : 'products';
        navigate(`/teams/${next}/${rest || 'products'}`);
      }}
    />
  );
}
