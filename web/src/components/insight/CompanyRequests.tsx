// Company information change requests with their status (open, applied, declined): the
// requester reads them in Billing & Orders; operators and the customer's reseller apply or
// decline them (with a reason) in their console.

import { Badge, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

import { api, ApiError } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formatDateTime } from '../format';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading } from '../Page';
import { orderSummary } from './logic';
import type { CompanyChangeRequest } from './types';

const STATUS_LOOK: Record<CompanyChangeRequest['status'], { label: string; color: string }> = {
  open: { label: 'Open', color: 'yellow' },
  applied: { label: 'Applied', color: 'green' },
  declined: { label: 'Declined', color: 'red' },
};

// "Applied by Rafael Reseller on 3 Dec 2026, 10:00", or what is still to come.
export function decisionText(request: CompanyChangeRequest): string {
  if (request.status === 'open') return 'Waiting for your reseller (or the publisher) to decide.';
  const who = request.decided_by ? ` by ${request.decided_by.name}` : '';
  const when = request.decided_at ? ` on ${formatDateTime(request.decided_at)}` : '';
  return `${STATUS_LOOK[request.status].label}${who}${when}.`;
}

function RequestCard({
  request,
  staff,
  contractPath,
  onDecided,
}: {
  request: CompanyChangeRequest;
  staff: boolean;
  contractPath: string;
  onDecided: () => Promise<void> | void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const look = STATUS_LOOK[request.status];
  const note = typeof request.details.note === 'string' ? request.details.note : '';
  const requester = request.details.requested_by as { name?: string; email?: string } | undefined;

  async function decide(verb: 'apply' | 'decline') {
    setBusy(true);
    setReasonError(undefined);
    try {
      await api<CompanyChangeRequest>(
        `${contractPath}/company-change-requests/${encodeURIComponent(request.id)}/${verb}`,
        { method: 'POST', body: verb === 'decline' ? { reason: reason.trim() } : {} },
      );
      notifySuccess(
        verb === 'apply'
          ? 'Applied: every current contract of the account shows the new details.'
          : 'Declined: the requester is told why.',
      );
      setDeclining(false);
      await onDecided();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) {
        setReasonError(error.problem.errors.find((e) => e.field === 'reason')?.message);
      }
      notifyError(error, verb === 'apply' ? 'The change was not applied' : 'Not declined');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="sm" aria-label={`Change request of ${formatDateTime(request.created_at)}`}>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          {formatDateTime(request.created_at)}
          {requester?.name ? ` · asked by ${requester.name}` : ''}
        </Text>
        <Badge color={look.color} variant="light">
          {look.label}
        </Badge>
      </Group>
      <Text size="sm">{orderSummary(request.details)}</Text>
      {note && (
        <Text size="sm" c="dimmed">
          Note: {note}
        </Text>
      )}
      <Text size="sm" mt={4}>
        {decisionText(request)}
      </Text>
      {request.reason && (
        <Text size="sm" c={request.status === 'declined' ? 'red' : 'dimmed'}>
          {request.status === 'declined' ? 'Reason' : 'Note'}: {request.reason}
        </Text>
      )}
      {staff && request.status === 'open' && (
        <Stack gap="xs" mt="xs">
          {declining && (
            <Textarea
              label="Why is it declined?"
              description="The requester reads this in Billing & Orders and in an e-mail."
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={reasonError}
              autosize
              minRows={2}
              maxLength={2000}
            />
          )}
          <Group gap="xs">
            {!declining && (
              <Button size="xs" loading={busy} onClick={() => void decide('apply')}>
                Apply to the account
              </Button>
            )}
            {declining ? (
              <>
                <Button
                  size="xs"
                  color="red"
                  loading={busy}
                  disabled={!reason.trim()}
                  onClick={() => void decide('decline')}
                >
                  Decline the request
                </Button>
                <Button size="xs" variant="default" onClick={() => setDeclining(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button size="xs" variant="default" color="red" onClick={() => setDeclining(true)}>
                Decline…
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Paper>
  );
}

// The contract's change requests, newest first. `staff`: offer apply and decline.
export function CompanyChangeRequests({
  contractId,
  staff = false,
  onDecided,
}: {
  contractId: string;
  staff?: boolean;
  onDecided?: () => Promise<void> | void;
}) {
  const contractPath = `/api/v1/contracts/${encodeURIComponent(contractId)}`;
  const requests = useApi<{ items: CompanyChangeRequest[] }>(
    `${contractPath}/company-change-requests`,
  );
  if (requests.error) {
    return <ErrorAlert message={requests.error} title="Could not load the requests" />;
  }
  if (!requests.data) return <Loading label="Loading the change requests…" />;
  if (requests.data.items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No change has been requested for this contract.
      </Text>
    );
  }
  const items = [...requests.data.items].reverse();
  return (
    <Stack gap="xs" aria-label="Change requests">
      {items.map((request) => (
        <RequestCard
          key={request.id}
          request={request}
          staff={staff}
          contractPath={contractPath}
          onDecided={async () => {
            await requests.reload();
            await onDecided?.();
          }}
        />
      ))}
    </Stack>
  );
}
