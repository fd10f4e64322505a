import { query } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import type { CursorPage, Member } from './model';

// A page of the team's people, filtered on the server.
export function useMembers(
  teamId: string,
  filters: { search?: string; status?: string; role?: string; after?: string; limit?: number },
) {
  return useApi<CursorPage<Member>>(
    `/api/v1/teams/${encodeURIComponent(teamId)}/users${query({
      search: filters.search,
      status: filters.status,
      role: filters.role,
      after: filters.after,
      limit: filters.limit ?? 25,
    })}`,
  );
}
