// One computer: what it runs and who used it, with the admin's edits (name, description,
// default access to products and to updates).

import {
  Button,
  Drawer,
  Group,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';

import { api, ApiError } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { formatDateTime } from '../format';
import { notifyError, notifySuccess } from '../notify';
import { ErrorAlert, Loading } from '../Page';
import { deviceStatusLook } from './logic';
import type { Device, DeviceDetails } from './types';
import { DeviceStatusBadge } from './ui';

interface Props {
  teamId: string;
  deviceId: string | null;
  onClose: () => void;
  onSaved: (device: Device) => void;
}

export function DeviceDrawer({ teamId, deviceId, onClose, onSaved }: Props) {
  const path = deviceId
    ? `/api/v1/teams/${encodeURIComponent(teamId)}/devices/${encodeURIComponent(deviceId)}`
    : null;
  const { data, error, loading, setData } = useApi<DeviceDetails>(path);
  const shown = data && data.id === deviceId ? data : undefined;
  return (
    <Drawer
      opened={deviceId !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={
        <Title order={2} size="h3">
          {shown ? shown.asset_name : 'Device'}
        </Title>
      }
    >
      {loading && !shown && <Loading label="Loading the device…" />}
      <ErrorAlert message={error} title="Could not load the device" />
      {shown && path && (
        <DeviceDetailsView
          key={shown.id + shown.updated_at}
          device={shown}
          path={path}
          onSaved={(device) => {
            setData({ ...shown, ...device });
            onSaved(device);
          }}
        />
      )}
    </Drawer>
  );
}

function DeviceDetailsView({
  device,
  path,
  onSaved,
}: {
  device: DeviceDetails;
  path: string;
  onSaved: (device: Device) => void;
}) {
  const [assetName, setAssetName] = useState(device.asset_name);
  const [description, setDescription] = useState(device.description);
  const [productAccess, setProductAccess] = useState(device.default_product_access);
  const [updateAccess, setUpdateAccess] = useState(device.default_update_access);
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  useEffect(() => setFieldErrors({}), [device.id]);

  const change: Record<string, string | boolean> = {};
  if (assetName.trim() !== device.asset_name) change.asset_name = assetName.trim();
  if (description !== device.description) change.description = description;
  if (productAccess !== device.default_product_access)
    change.default_product_access = productAccess;
  if (updateAccess !== device.default_update_access) change.default_update_access = updateAccess;
  const dirty = Object.keys(change).length > 0;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!dirty) return;
    setBusy(true);
    setFieldErrors({});
    try {
      const saved = await api<Device>(path, { method: 'PATCH', body: change });
      notifySuccess(`Saved ${saved.asset_name}.`);
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) {
        setFieldErrors(Object.fromEntries(error.problem.errors.map((e) => [e.field, e.message])));
      }
      notifyError(error, 'The device was not saved');
    } finally {
      setBusy(false);
    }
  }

  const look = deviceStatusLook(device.status);
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Group gap="xs">
          <DeviceStatusBadge status={device.status} />
          <Text size="sm">Last check-in {formatDateTime(device.last_check_in_at)}</Text>
        </Group>
        {device.status !== 'online' && (
          <Text size="sm" c="dimmed">
            {look.hint}
          </Text>
        )}
        <Text size="sm">
          {device.os || 'Unknown operating system'}
          {device.app_version ? ` · client ${device.app_version}` : ''} · registered{' '}
          {formatDateTime(device.registered_at)}
        </Text>
        <Text size="sm">
          Last user:{' '}
          {device.last_user ? `${device.last_user.name} (${device.last_user.email})` : 'nobody yet'}
        </Text>
      </Stack>

      <form onSubmit={(e) => void save(e)} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h4">
            Settings
          </Title>
          <TextInput
            label="Asset name"
            description="How the computer is listed, e.g. its inventory tag."
            required
            maxLength={200}
            value={assetName}
            onChange={(e) => setAssetName(e.currentTarget.value)}
            error={fieldErrors.asset_name}
          />
          <Textarea
            label="Description"
            description="Where it is, who looks after it — anything that helps find it."
            autosize
            minRows={2}
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldErrors.description}
          />
          <Switch
            label="Default access to products"
            description="New products assigned to the team may be used on this computer."
            checked={productAccess}
            onChange={(e) => setProductAccess(e.currentTarget.checked)}
          />
          <Switch
            label="Default access to updates"
            description="This computer may download and install product updates."
            checked={updateAccess}
            onChange={(e) => setUpdateAccess(e.currentTarget.checked)}
          />
          <Group>
            <Button type="submit" loading={busy} disabled={!dirty}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>

      <Stack gap="xs">
        <Title order={3} size="h4">
          Products in use
        </Title>
        {device.activations.length === 0 && device.leases.length === 0 ? (
          <Text size="sm" c="dimmed">
            No product is activated on this computer and it holds no network seat.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Product</Table.Th>
                  <Table.Th>How</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Until</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {device.activations.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{a.product.name}</Table.Td>
                    <Table.Td>{a.kind === 'serial' ? 'Serial number' : 'Sign in'}</Table.Td>
                    <Table.Td>{a.user ? a.user.name : '—'}</Table.Td>
                    <Table.Td>{formatDateTime(a.expires_at)}</Table.Td>
                  </Table.Tr>
                ))}
                {device.leases.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{l.product.name}</Table.Td>
                    <Table.Td>
                      {l.borrowed_until ? 'Borrowed network seat' : 'Network seat'}
                    </Table.Td>
                    <Table.Td>{l.user_name}</Table.Td>
                    <Table.Td>{formatDateTime(l.borrowed_until ?? l.expires_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Stack>
  );
}
