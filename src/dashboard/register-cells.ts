import type { WorkingTime } from '../domain/working-time';
import type { InboxEntry } from '../store/inbox';
import type { AbuseReport } from '../workflows/abuse-report/model';
import { registerRow as ainmRegisterRow } from '../workflows/abuse-report/register';
import type { AccessRequest } from '../workflows/access-request/model';
import { registerRow as accessRegisterRow } from '../workflows/access-request/register';
import { DESK_ROLE } from '../workflows/customer-post/presenter';

type Cells = Readonly<Record<string, string>>;
type CellsOf = (snapshot: never, entries: readonly Omit<InboxEntry, 'updatedAt'>[], workingTime: WorkingTime) => Cells | undefined;

/**
 * A case's line in the register that lists its kind, made when the case changes and kept with its summary, so a
 * register page reads summary rows, never the cases. Each is the workflow's own register line (the one its CSV
 * export and webhook carry), or for the desk, the line the bot's desk list shows. Names only while the register lists
 * the case (active access, an open post): erasing a person (refused while they have an open case) leaves none of
 * theirs here, and the subject access file lists these rows (src/store/person-rows.ts).
 */
const CELLS: Readonly<Record<string, CellsOf>> = {
  // The access register: the bot's row, and the kind of access it filters by; active access only.
  AR: ((request: AccessRequest) => (request.state === 'active' ? { ...accessRegisterRow(request), kind: request.details.kind } : undefined)) as CellsOf,
  // The AINM register: the Group's export line without the people (no description, links or evidence either: they stay
  // in Teams). A record is kept for years after its people may have asked to be erased; its line here names nobody.
  AINM: ((record: AbuseReport, _entries, workingTime) => {
    const { manager: _manager, ...row } = ainmRegisterRow(record, workingTime);
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)]));
  }) as CellsOf,
  // The desk: the team's line for an open post (kind and platform, the next step, its deadline).
  CP: ((_post: unknown, entries) => {
    const line = entries.find((entry) => entry.role === DESK_ROLE);
    return line?.awaitingMe ? { summary: line.summary, nextStep: line.nextStep, dueAt: line.dueAt ?? '' } : undefined;
  }) as CellsOf,
};

/** The register line of a case of kind `prefix`, or undefined for a kind no register lists. */
export function registerCellsOf(prefix: string, snapshot: unknown, entries: readonly Omit<InboxEntry, 'updatedAt'>[], workingTime: WorkingTime): Cells | undefined {
  return CELLS[prefix]?.(snapshot as never, entries, workingTime);
}
