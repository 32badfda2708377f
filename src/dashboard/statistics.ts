import type { LocalDate, WorkingTime } from '../domain/working-time';

/**
 * The dashboard's numbers (issue 14), as pure functions: what one case contributes to the statistics table. The
 * engine keeps one summary a case (its state, who sees it wholly, its deadline, its service-level clocks); the
 * counts a page reads are the sums of those contributions, so a page reads a few dozen count rows, never the cases.
 */

/** The service levels of the Social Media Policy the dashboard charts, week by week. */
export const SERVICE_LEVELS = [
  { id: 'complaints', label: 'Complaints answered within 24 hours', prefix: 'CP' },
  { id: 'enquiries', label: 'Enquiries resolved within 5 working days', prefix: 'CP' },
  { id: 'takedowns', label: 'Takedowns removed by their deadline', prefix: 'TD' },
  { id: 'ainm', label: 'AINM reports acknowledged within one working day', prefix: 'AINM' },
  { id: 'access', label: 'Access requests decided within 2 working days', prefix: 'AR' },
] as const;
export type ServiceLevelId = (typeof SERVICE_LEVELS)[number]['id'];

/** One clock of a case, settled: kept or not, in the ISO week it was settled (done, or its deadline passed). */
export interface ClockOutcome {
  readonly series: ServiceLevelId;
  readonly week: string;
  readonly met: boolean;
}

/**
 * What the statistics table keeps of one case: no free text, no ids. Names only in `cells`, the line of the register
 * that lists the case while it does (active access, an open desk post), as the bot's own register exports carry them;
 * the subject access file lists these rows (src/store/person-rows.ts).
 */
export interface CaseSummary {
  readonly reference: string;
  readonly prefix: string;
  readonly version: number;
  readonly state: string;
  readonly open: boolean;
  /**
   * The team roles that see every case like this one (by the workflow's own `canSee`), sorted and joined: counts are
   * kept per audience, so a page adds up only the audiences a person belongs to. Empty: only the people in it.
   */
  readonly audience: string;
  /** The earliest deadline on its inbox lines while open ("due today", "overdue"), and its London date. */
  readonly dueAt?: string;
  readonly dueDay?: string;
  readonly clocks: readonly ClockOutcome[];
  /** Its line in the register that lists its kind (access, desk, AINM), by column key; none for other kinds. */
  readonly cells?: Readonly<Record<string, string>>;
}

/**
 * Whether a team role of `actor` sees every case like this one (`audience`: the workflow's own `canSee`, asked for
 * each team role when the case last changed). Those who see a case as themselves (its participants) have it in their
 * own inbox, written by the same participants code: "my team" asks that (src/dashboard/registers.ts).
 */
export function seenByRole(summary: Pick<CaseSummary, 'audience'>, actor: { readonly roles: readonly string[] }): boolean {
  return summary.audience.split(',').some((role) => role !== '' && actor.roles.includes(role));
}

/** A counter row's share from one case: row key -> amounts, with the audience as a column for the due lines. */
export interface Contribution {
  readonly key: string;
  readonly amounts: Readonly<Record<string, number>>;
  readonly audience: string;
}

/** Row-key prefixes of the counter rows. */
export const OPEN_PREFIX = 'n|';
export const WEEK_PREFIX = 'w|';
/** Deadlines of open cases by London day (days before today: overdue) and by UTC hour (today's: due or overdue). */
export const DUE_DAY_PREFIX = 'dd|';
export const DUE_HOUR_PREFIX = 'dh|';
export const KIND_PREFIX = 't|';

/** What a case adds to the counters: its open state, its settled clocks, its deadline. */
export function contributions(summary: CaseSummary): Contribution[] {
  const { audience } = summary;
  // Every case, open or closed, under its audience: which kinds of case a team sees at all (its overview and charts).
  const out: Contribution[] = [{ key: `${KIND_PREFIX}${summary.prefix}|${audience}`, amounts: { count: 1 }, audience }];
  if (summary.open && audience) out.push({ key: `${OPEN_PREFIX}${audience}|${summary.prefix}|${summary.state}`, amounts: { count: 1 }, audience });
  if (summary.open && audience && summary.dueAt && summary.dueDay) {
    // Counted, not listed: a backlog of overdue cases costs a row a day, not a row a case.
    out.push({ key: `${DUE_DAY_PREFIX}${summary.dueDay}|${audience}`, amounts: { count: 1 }, audience });
    out.push({ key: `${DUE_HOUR_PREFIX}${summary.dueAt.slice(0, 13)}|${audience}`, amounts: { count: 1 }, audience });
  }
  if (audience) {
    for (const clock of summary.clocks) {
      out.push({ key: `${WEEK_PREFIX}${clock.week}|${clock.series}|${audience}`, amounts: clock.met ? { met: 1 } : { missed: 1 }, audience });
    }
  }
  return out;
}

/** The change to the counters when a case's summary goes from `before` to `after`: keys whose amounts move. */
export function delta(before: CaseSummary | undefined, after: CaseSummary): Contribution[] {
  const sums = new Map<string, { amounts: Record<string, number>; audience: string }>();
  const add = (items: readonly Contribution[], sign: number) => {
    for (const item of items) {
      const entry = sums.get(item.key) ?? { amounts: {}, audience: item.audience };
      for (const [name, amount] of Object.entries(item.amounts)) entry.amounts[name] = (entry.amounts[name] ?? 0) + sign * amount;
      sums.set(item.key, entry);
    }
  };
  if (before) add(contributions(before), -1);
  add(contributions(after), 1);
  return [...sums].flatMap(([key, { amounts, audience }]) => (Object.values(amounts).some((amount) => amount !== 0) ? [{ key, amounts, audience }] : []));
}

/** `2026-W37`: the ISO 8601 week of a calendar date (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: LocalDate): string {
  const date = new Date(`${day}T12:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4, 12));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The `count` ISO weeks ending with the week of `today`, oldest first. */
export function lastWeeks(today: LocalDate, count: number): string[] {
  const monday = new Date(`${today}T12:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return Array.from({ length: count }, (_, index) => {
    const day = new Date(monday.getTime() - (count - 1 - index) * 7 * 86_400_000);
    return isoWeek(day.toISOString().slice(0, 10));
  });
}

/**
 * A clock settled by `now`: done by the deadline (met, in the week it was done), done later or not done with the
 * deadline passed (missed, in the week of the deadline); undefined while there is still time, or when nothing is owed.
 */
export function settle(series: ServiceLevelId, doneAt: string | undefined, deadline: Date, now: Date, workingTime: WorkingTime): ClockOutcome | undefined {
  const due = deadline.toISOString();
  if (doneAt && doneAt <= due) return { series, met: true, week: isoWeek(workingTime.londonDate(new Date(doneAt))) };
  if (doneAt || now.getTime() > deadline.getTime()) return { series, met: false, week: isoWeek(workingTime.londonDate(deadline)) };
  return undefined;
}

/** The first key after every key that starts with `prefix` (its last character plus one: '|' gives '}'). */
export function prefixEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
}
