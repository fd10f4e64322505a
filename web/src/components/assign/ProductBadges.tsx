import { Anchor, Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';

import { accessLabel, activationLabel, isFloating, kindLabel, seatSummary } from './model';
import type { TeamProduct } from './model';

// Kind, activation ("Sign in" / "Serial number") and access, side by side.
export function ProductBadges({ product }: { product: TeamProduct }) {
  return (
    <Group gap={6} wrap="wrap">
      <Badge variant="light" color="gray">
        {kindLabel(product.kind)}
      </Badge>
      <Badge variant="light" color={product.activation === 'serial_number' ? 'orange' : 'blue'}>
        {activationLabel(product.activation)}
      </Badge>
      <Badge variant="outline" color={isFloating(product) ? 'grape' : 'gray'}>
        {accessLabel(product.access)}
      </Badge>
    </Group>
  );
}

// The product's name, linking to who holds its seats, above its badges.
export function ProductLinkCell({ teamId, product }: { teamId: string; product: TeamProduct }) {
  return (
    <Stack gap={4}>
      <Anchor component={Link} to={`/teams/${teamId}/by-product/${product.subscription_id}`}>
        {product.item.name}
      </Anchor>
      <ProductBadges product={product} />
    </Stack>
  );
}

// "3 of 5 assigned", red when the pool is full.
export function SeatCount({ product }: { product: TeamProduct }) {
  if (isFloating(product)) {
    return (
      <Tooltip label="Network seats are taken from the pool while the product runs; nobody is assigned">
        <Text size="sm" c="grape" tabIndex={0}>
          {seatSummary(product)}
        </Text>
      </Tooltip>
    );
  }
  const full = product.available <= 0;
  return (
    <Text size="sm" c={full ? 'red' : undefined} fw={full ? 600 : undefined}>
      {seatSummary(product)}
      {full ? ' · none free' : ` · ${product.available} free`}
    </Text>
  );
}

export function productTitle(product: TeamProduct): string {
  return product.item.name;
}
