import type { CaseService } from '../../cases/case-service';
import type { Rejection } from '../../domain/outcome';
import type { WorkingTime } from '../../domain/working-time';
import { ExportInput, exportRegister, RegisterExport } from './export';
import type { AbuseReport } from './model';

/**
 * The register file built from every stored record, read afresh each time: what "Allow" on the file consent
 * card uploads is rebuilt from the store, never taken from the card.
 */
export async function registerFile(
  service: Pick<CaseService<AbuseReport>, 'snapshots'>, input: ExportInput & { readonly exportedAt: Date }, workingTime: WorkingTime,
): Promise<RegisterExport | Rejection> {
  const records: AbuseReport[] = [];
  for await (const record of service.snapshots()) records.push(record);
  return exportRegister(records, input, workingTime);
}
