import type { AnyWorkflowDefinition } from '../cases/definition';
import { TeamQueue, waitingFor } from '../cases/waiting-for';
import type { Actor } from '../domain/people';
import type { WorkingTime } from '../domain/working-time';
import type { Inbox } from '../store/inbox';
import type { CounterRow, StatisticsStore } from '../store/statistics';
import { CaseSummary, DUE_DAY_PREFIX, DUE_HOUR_PREFIX, KIND_PREFIX, lastWeeks, OPEN_PREFIX, prefixEnd, SERVICE_LEVELS, WEEK_PREFIX } from './statistics';

/** What the overview shows: open cases per workflow and state, and the person's deadlines and actions. */
export interface Overview {
  readonly workflows: { workflow: string; label: string; total: number; states: { state: string; label: string; count: number }[] }[];
  readonly dueToday: number;
  readonly overdue: number;
  readonly myActions: number;
}

export interface ServiceLevels {
  readonly weeks: string[];
  readonly series: { id: string; label: string; met: number[]; missed: number[] }[];
}

/** How the overview names each kind of case. */
const WORKFLOW_LABELS: Readonly<Record<string, string>> = {
  AINM: 'Abuse reports (AINM)', AR: 'Access requests', TD: 'Takedown notices', CP: 'Customer posts (the desk)', IR: 'Information requests', SC: 'Staff concerns',
};

export const SERVICE_LEVEL_WEEKS = 12;

export interface NumbersDeps {
  readonly store: StatisticsStore;
  readonly inbox: Inbox;
  readonly definitions: readonly AnyWorkflowDefinition[];
  readonly teamQueues: readonly TeamQueue[];
  readonly workingTime: WorkingTime;
}

/**
 * The overview and the service levels from the statistics table: the counter rows of the audiences the person
 * belongs to (the teams whose every case of a kind they see), and, for what no team role of theirs shows them, their
 * own cases from their inbox (the bot's "my cases"), each counted once.
 */
export function createNumbers(deps: NumbersDeps) {
  const seenBy = (actor: Actor) => (row: { audience: string }) => row.audience.split(',').some((role) => (actor.roles as readonly string[]).includes(role));
  const nonZero = (row: CounterRow) => Object.values(row.amounts).some((amount) => amount !== 0);

  /** Open cases that are the person's own and not already in a team count of theirs. */
  async function ownOpenCases(actor: Actor): Promise<CaseSummary[]> {
    const references = [...new Set((await deps.inbox.list(actor.id)).map((entry) => entry.reference))];
    const summaries = await deps.store.summaries(references);
    return [...summaries.values()].filter((summary) => summary.open && !seenBy(actor)(summary));
  }

  return {
    async overview(actor: Actor, now: Date): Promise<Overview> {
      const today = deps.workingTime.londonDate(now);
      const startOfToday = deps.workingTime.londonMidnight(today).toISOString();
      const endOfToday = deps.workingTime.londonMidnight(nextDay(today)).toISOString();
      const [open, pastDays, todayHours, own, waiting] = await Promise.all([
        deps.store.counters(OPEN_PREFIX, prefixEnd(OPEN_PREFIX)),
        deps.store.counters(DUE_DAY_PREFIX, `${DUE_DAY_PREFIX}${today}`),
        deps.store.counters(`${DUE_HOUR_PREFIX}${startOfToday.slice(0, 13)}`, `${DUE_HOUR_PREFIX}${endOfToday.slice(0, 13)}`),
        ownOpenCases(actor),
        waitingFor(actor, deps.inbox, deps.teamQueues),
      ]);
      const counts = new Map<string, Map<string, number>>();
      const add = (prefix: string, state: string, count: number) => {
        const states = counts.get(prefix) ?? new Map<string, number>();
        states.set(state, (states.get(state) ?? 0) + count);
        counts.set(prefix, states);
      };
      for (const row of open.filter(seenBy(actor)).filter(nonZero)) {
        const [, , prefix, state] = row.key.split('|');
        add(prefix!, state!, row.amounts.count ?? 0);
      }
      for (const summary of own) add(summary.prefix, summary.state, 1);
      // Team deadlines are counted by hour: one in the current hour counts as due today until the hour is over.
      const nowIso = now.toISOString();
      const hour = nowIso.slice(0, 13);
      const count = (rows: readonly CounterRow[]) => rows.filter(seenBy(actor)).reduce((sum, row) => sum + (row.amounts.count ?? 0), 0);
      const teamHours = todayHours.filter(seenBy(actor));
      const ownDue = own.flatMap((summary) => (summary.dueAt && summary.dueAt < endOfToday ? [summary.dueAt] : []));
      return {
        workflows: deps.definitions.flatMap((definition) => {
          const states = counts.get(definition.rules.prefix);
          if (!states) return [];
          const list = [...states].filter(([, count]) => count > 0).map(([state, count]) => ({ state, label: definition.rules.stateLabel(state).label, count }));
          return list.length ? [{ workflow: definition.rules.prefix, label: WORKFLOW_LABELS[definition.rules.prefix] ?? definition.rules.name, total: list.reduce((sum, item) => sum + item.count, 0), states: list }] : [];
        }),
        dueToday: count(teamHours.filter((row) => row.key.split('|')[1]! >= hour)) + ownDue.filter((dueAt) => dueAt >= nowIso).length,
        overdue: count(pastDays) + count(teamHours.filter((row) => row.key.split('|')[1]! < hour)) + ownDue.filter((dueAt) => dueAt < nowIso).length,
        myActions: waiting.length,
      };
    },

    /** The service levels the person's teams see whole (undefined: none, so the chart is not theirs). */
    async serviceLevels(actor: Actor, now: Date): Promise<ServiceLevels | undefined> {
      const visible = await this.visibleKinds(actor);
      const series = SERVICE_LEVELS.filter((level) => visible.has(level.prefix));
      if (series.length === 0) return undefined;
      const weeks = lastWeeks(deps.workingTime.londonDate(now), SERVICE_LEVEL_WEEKS);
      const rows = (await deps.store.counters(`${WEEK_PREFIX}${weeks[0]}`, `${WEEK_PREFIX}${weeks[weeks.length - 1]}}`)).filter(seenBy(actor));
      return {
        weeks,
        series: series.map((level) => {
          const of = (week: string, amount: 'met' | 'missed') => rows
            .filter((row) => row.key.startsWith(`${WEEK_PREFIX}${week}|${level.id}|`))
            .reduce((sum, row) => sum + (row.amounts[amount] ?? 0), 0);
          return { id: level.id, label: level.label, met: weeks.map((week) => of(week, 'met')), missed: weeks.map((week) => of(week, 'missed')) };
        }),
      };
    },

    /** Whether the person has any service level to see (the `serviceLevels` view): one query, not the charts. */
    async hasServiceLevels(actor: Actor): Promise<boolean> {
      const visible = await this.visibleKinds(actor);
      return SERVICE_LEVELS.some((level) => visible.has(level.prefix));
    },

    /** The kinds of case some team role of the person sees whole: from the audiences cases were counted under. */
    async visibleKinds(actor: Actor): Promise<Set<string>> {
      const rows = (await deps.store.counters(KIND_PREFIX, prefixEnd(KIND_PREFIX))).filter(seenBy(actor)).filter(nonZero);
      return new Set(rows.map((row) => row.key.split('|')[1]!));
    },
  };
}

export type DashboardNumbers = ReturnType<typeof createNumbers>;

function nextDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
