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
 * export and webhook carry), or for the desk, the line the bot's desk list shows. Kept only while the register lists
 * the case (active access, an open post; every AINM record, the Group's register): no names stay in the table for
 * cases no register shows, so erasing a person (closed cases only) leaves none of theirs here.
 */
const CELLS: Readonly<Record<string, CellsOf>> = {
  // The access register: the bot's row, and the kind of access it filters by; active access only.
  AR: ((request: AccessRequest) => (request.state === 'active' ? { ...accessRegisterRow(request), kind: request.details.kind } : undefined)) as CellsOf,
  // The AINM register: no description, links or evidence (they stay in Teams), as in the Group's export.
  AINM: ((record: AbuseReport, _entries, workingTime) => {
    const row = ainmRegisterRow(record, workingTime);
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
