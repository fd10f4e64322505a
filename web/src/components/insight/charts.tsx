// The report charts. Each sits beside a table with the same figures, so the chart is a
// picture of the table rather than the only way to read it.

import { Paper, Text } from '@mantine/core';
import type { ReactElement } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { CreditDay, PoolDay, UsageBar } from './logic';

const PALETTE = ['#228be6', '#40c057', '#fab005', '#e64980', '#7950f2', '#15aabf', '#fd7e14'];

function ChartFrame({ title, children }: { title: string; children: ReactElement }) {
  return (
    <Paper withBorder p="md" component="figure" m={0} aria-label={title}>
      <Text component="figcaption" fw={600} size="sm" mb="xs">
        {title}
      </Text>
      <ResponsiveContainer width="100%" height={280}>
        {children}
      </ResponsiveContainer>
    </Paper>
  );
}

export function UsageBarChart({ bars, title }: { bars: UsageBar[]; title: string }) {
  return (
    <ChartFrame title={title}>
      <BarChart data={bars} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="name" interval={0} tick={{ fontSize: 12 }} />
        <YAxis allowDecimals={false} width={40} />
        <Tooltip />
        <Legend />
        <Bar
          dataKey="users"
          name="Users"
          fill={PALETTE[0]}
          maxBarSize={72}
          isAnimationActive={false}
        />
      </BarChart>
    </ChartFrame>
  );
}

export function CreditsByDayChart({
  days,
  services,
  title,
}: {
  days: CreditDay[];
  services: { code: string; name: string }[];
  title: string;
}) {
  return (
    <ChartFrame title={title}>
      <BarChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="date" tick={{ fontSize: 12 }} />
        <YAxis allowDecimals={false} width={48} />
        <Tooltip />
        <Legend />
        {services.map((s, i) => (
          <Bar
            key={s.code}
            dataKey={s.code}
            name={s.name}
            stackId="credits"
            maxBarSize={48}
            fill={PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ChartFrame>
  );
}

export function PoolPeakChart({ days, title }: { days: PoolDay[]; title: string }) {
  return (
    <ChartFrame title={title}>
      <LineChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="date" tick={{ fontSize: 12 }} />
        <YAxis allowDecimals={false} width={40} />
        <Tooltip />
        <Legend />
        <Line
          type="stepAfter"
          dataKey="peak"
          name="Peak concurrent seats"
          stroke={PALETTE[0]}
          strokeWidth={2}
          isAnimationActive={false}
        />
        <Line
          type="stepAfter"
          dataKey="seats"
          name="Seats owned"
          stroke={PALETTE[3]}
          strokeDasharray="6 4"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="stepAfter"
          dataKey="denials"
          name="Denied checkouts"
          stroke={PALETTE[6]}
          isAnimationActive={false}
        />
      </LineChart>
    </ChartFrame>
  );
}
