import type { CaseService } from '../../cases/case-service';
import type { ApprovalRerouting } from '../../directory/directory-sync';
import { DIRECTORY_SYNC } from '../../domain/people';
import type { Inbox } from '../../store/inbox';
import type { AccessRequest, AccessRequestCommand } from './model';

/**
 * The directory sync's way into access requests (issue 15): which requests wait for an approver (from their inbox,
 * checked against the case itself), and moving one to someone else through the engine, as the directory sync
 * (`ApproverChanged` by "Directory sync" in the audit trail; both sides told, the timers start again).
 */
export function accessRequestRerouting(service: CaseService<AccessRequest, AccessRequestCommand>, inbox: Inbox): ApprovalRerouting {
  return {
    async waitingOn(approverId) {
      const lines = await inbox.list(approverId, { role: 'approver', awaitingOnly: true });
      const waiting = [];
      for (const line of lines) {
        const request = await service.load(line.reference);
        if (request?.state === 'submitted' && request.approver.id === approverId) waiting.push({ reference: request.reference, requesterId: request.requester.id });
      }
      return waiting;
    },
    async passTo(reference, approver, standing, now) {
      const outcome = await service.act(reference, { type: 'changeApprover', approver, approverStanding: standing }, DIRECTORY_SYNC, now);
      return outcome.ok && outcome.snapshot.approver.id === approver.id;
    },
  };
}
