import assert from 'node:assert/strict';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import {
  decide, evolve, stepVerb,
  type AccessRequestCommand, type AccessRequestDetails, type AccessRequestEvent,
} from '../../src/workflows/access-request/model';
import { deciderSpec } from '../support/decider-spec';

/**
 * Access requests as specifications (DESIGN.md section 1): given what happened, when someone acts,
 * then these events follow, or the command is refused with a code and a message a person can read.
 */
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string): string => `2026-11-25T${hhmm}:00.000Z`;

const rhona: Actor = { id: 'u-rhona', name: 'Rhona Requester', roles: [] };
const malcolm: Actor = { id: 'u-malcolm', name: 'Malcolm Manager', roles: [] };
const morag: Actor = { id: 'u-morag', name: 'Morag Manager', roles: [] };
const ciara: Actor = { id: 'u-ciara', name: 'Ciara Comms', roles: ['comms'] };
const calum: Actor = { id: 'u-calum', name: 'Calum Comms', roles: ['comms'] };
const sam: Actor = { id: 'u-sam', name: 'Sam Stranger', roles: ['incident', 'admin'] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const REF = 'AR-2026-00001';
const viewDetails: AccessRequestDetails = {
  sites: ['facebook', 'linkedin'], kind: 'view',
  businessCase: 'I answer tenant questions on our Facebook page.', startDate: '2026-11-25', endDate: '2027-05-25',
};
const postDetails: AccessRequestDetails = { ...viewDetails, sites: ['x'], kind: 'post' };

const requested = (details = viewDetails, by = rhona, approver = malcolm): AccessRequestEvent =>
  ({ type: 'AccessRequested', at: at('10:00'), by: person(by), reference: REF, approver: person(approver), details });
const approved = (by = malcolm, when = '10:00'): AccessRequestEvent => ({ type: 'ApprovedByManager', at: at(when), by: person(by) });
const rejected = (by = malcolm, when = '10:00'): AccessRequestEvent =>
  ({ type: 'RejectedByManager', at: at(when), by: person(by), comment: 'Not needed for this role.' });
const infoRequested = (by = malcolm, when = '10:00'): AccessRequestEvent =>
  ({ type: 'MoreInformationRequested', at: at(when), by: person(by), comment: 'Which pages will you use?' });
const resubmitted = (approver = malcolm, when = '10:30', details = viewDetails): AccessRequestEvent =>
  ({ type: 'Resubmitted', at: at(when), by: person(rhona), approver: person(approver), details });
const approverChanged = (approver = morag, when = '10:30'): AccessRequestEvent =>
  ({ type: 'ApproverChanged', at: at(when), by: person(rhona), approver: person(approver) });
const signedOff = (by = ciara, when = '11:00'): AccessRequestEvent => ({ type: 'SignedOffByComms', at: at(when), by: person(by) });
const commsRejected = (by = ciara, when = '11:00'): AccessRequestEvent =>
  ({ type: 'RejectedByComms', at: at(when), by: person(by), comment: 'Posting is done centrally.' });
const withdrawn = (when = '10:05'): AccessRequestEvent => ({ type: 'Withdrawn', at: at(when), by: person(rhona) });
const revoked = (by = ciara, when = '12:00'): AccessRequestEvent =>
  ({ type: 'Revoked', at: at(when), by: person(by), comment: 'Breach of the policy.' });
/** The approver did not decide within 5 working days (the scheduler's escalation; at 10:05 in these stories). */
const escalated = (when = '10:05'): AccessRequestEvent => ({ type: 'ApprovalEscalated', at: at(when), by: person(SYSTEM) });
const expired = (): AccessRequestEvent => ({ type: 'Expired', at: '2027-05-25T23:00:00.000Z', by: person(SYSTEM) });

const given = deciderSpec({ decide, evolve }, now);

const SELF_APPROVAL = /^You can't approve your own request: choose your line manager as the approver\.$/;

describe('access request model', () => {
  describe('submit', () => {
    it('records the request with its requester, approver and details', () => {
      const after = given([]).when({ type: 'submit', reference: REF, approver: person(malcolm), details: viewDetails }, rhona)
        .then([requested()]);
      assert.equal(after?.state, 'submitted');
      assert.deepEqual(after?.requester, person(rhona));
      assert.deepEqual(after?.approver, person(malcolm));
      assert.equal(after?.submittedAt, now.toISOString());
      assert.deepEqual(after?.history, [{ action: 'AccessRequested', by: person(rhona), at: now.toISOString() }]);
    });

    it('records the requester without their team roles', () => {
      given([]).when({ type: 'submit', reference: REF, approver: person(malcolm), details: postDetails }, ciara)
        .then([requested(postDetails, ciara)]);
    });

    it('refuses a request that names the requester as its own approver', () => {
      given([]).when({ type: 'submit', reference: REF, approver: person(rhona), details: viewDetails }, rhona)
        .thenRejects('forbidden', SELF_APPROVAL, { approver: 'Choose someone other than yourself.' });
    });

    it('refuses submitting the same request twice', () => {
      given([requested()]).when({ type: 'submit', reference: REF, approver: person(malcolm), details: viewDetails }, rhona)
        .thenRejects('wrong_state', `${REF} has already been submitted.`);
    });

    it('says a request that does not exist cannot be acted on', () => {
      given([]).when({ type: 'approve' }, malcolm).thenRejects('not_found', 'That access request does not exist.');
    });
  });

  describe('who may approve (issue 13)', () => {
    const peer = person(ciara);
    const outsideTheChain = { type: 'submit', reference: REF, approver: peer, details: viewDetails, approverStanding: 'other', lineManager: person(malcolm) } as const;

    it('asks why, next to the field, when the approver is neither the line manager nor above them', () => {
      const why = 'Ciara Comms is not your line manager (Malcolm Manager) or above them: say in a sentence why they should approve, or choose your line manager.';
      given([]).when(outsideTheChain, rhona).thenRejects('invalid', why, { approverReason: why });
      given([]).when({ ...outsideTheChain, approverReason: '  why not  ' }, rhona).thenRejects('invalid', why, { approverReason: why });
    });

    it('records the reason and the line manager, who may then see the request', () => {
      const reason = 'Malcolm is on leave until March; Ciara runs the pages I answer.';
      const after = given([]).when({ ...outsideTheChain, approverReason: reason }, rhona).then([{
        type: 'AccessRequested', at: now.toISOString(), by: person(rhona), reference: REF, details: viewDetails,
        approver: peer, approverStanding: 'other', approverReason: reason, lineManager: person(malcolm),
      }]);
      assert.equal(after?.approverStanding, 'other');
      assert.deepEqual(after?.lineManager, person(malcolm));
    });

    it('needs no reason for the line manager or anyone above them, and keeps no line manager on the request', () => {
      for (const approverStanding of ['line_manager', 'above_line_manager'] as const) {
        const after = given([]).when({ ...outsideTheChain, approver: person(malcolm), approverStanding }, rhona).then([{
          type: 'AccessRequested', at: now.toISOString(), by: person(rhona), reference: REF, details: viewDetails, approver: person(malcolm), approverStanding,
        }]);
        assert.equal(after?.lineManager, undefined);
      }
    });

    it('asks why without naming a line manager when the directory has none for the requester', () => {
      const { lineManager: _none, ...noLineManager } = outsideTheChain;
      const why = 'The staff directory has no line manager for you: say in a sentence why Ciara Comms should approve.';
      given([]).when(noLineManager, rhona).thenRejects('invalid', why, { approverReason: why });
    });

    it('keeps the standing, reason and line manager of the latest approver only (a change or resubmission replaces them)', () => {
      const reason = 'Malcolm is on leave until March; Ciara runs the pages I answer.';
      const chosen = { ...outsideTheChain, approverReason: reason };
      const otherRequested: AccessRequestEvent = {
        type: 'AccessRequested', at: at('10:00'), by: person(rhona), reference: REF, details: viewDetails,
        approver: peer, approverStanding: 'other', approverReason: reason, lineManager: person(malcolm),
      };
      const changed = given([otherRequested, escalated()]).when({ type: 'changeApprover', approver: person(morag), approverStanding: 'above_line_manager' }, rhona).then([{
        type: 'ApproverChanged', at: now.toISOString(), by: person(rhona), approver: person(morag), approverStanding: 'above_line_manager',
      }]);
      assert.equal(changed?.approverStanding, 'above_line_manager');
      assert.equal(changed?.approverReason, undefined);
      assert.equal(changed?.lineManager, undefined, 'the line manager no longer has a part in it');
      const { type: _submit, reference: _reference, ...resubmission } = { ...chosen, approver: person(malcolm), approverStanding: 'line_manager' as const };
      const resubmitted = given([otherRequested, infoRequested()]).when({ ...resubmission, type: 'resubmit' }, rhona).then([{
        type: 'Resubmitted', at: now.toISOString(), by: person(rhona), approver: person(malcolm), approverStanding: 'line_manager', details: viewDetails,
      }]);
      assert.deepEqual([resubmitted?.approverReason, resubmitted?.lineManager], [undefined, undefined]);
    });

    it('refuses a reason longer than 300 characters', () => {
      given([]).when({ ...outsideTheChain, approverReason: 'x'.repeat(301) }, rhona).thenRejects('invalid', 'Keep the reason to 300 characters.',
        { approverReason: 'Keep it to 300 characters (it has 301).' });
    });
  });

  describe('manager decision', () => {
    it('makes view access active as soon as the approver approves', () => {
      const after = given([requested()]).when({ type: 'approve' }, malcolm).then([approved()]);
      assert.equal(after?.state, 'active');
      assert.deepEqual(after?.managerApproval, { by: person(malcolm), at: now.toISOString() });
    });

    it('sends posting access to the Communications Team once the approver approves, recording who approved', () => {
      const after = given([requested(postDetails)]).when({ type: 'approve' }, malcolm).then([approved()]);
      assert.equal(after?.state, 'awaiting_comms');
      assert.deepEqual(after?.managerApproval, { by: person(malcolm), at: now.toISOString() });
    });

    it('keeps an approval comment, trimmed, and drops a blank one', () => {
      given([requested()]).when({ type: 'approve', comment: '  Fine by me.  ' }, malcolm)
        .then([{ ...approved(), comment: 'Fine by me.' } as AccessRequestEvent]);
      given([requested()]).when({ type: 'approve', comment: '   ' }, malcolm).then([approved()]);
    });

    it('rejects with the reason given, trimmed', () => {
      const after = given([requested()]).when({ type: 'reject', comment: ' Not needed for this role. ' }, malcolm).then([rejected()]);
      assert.equal(after?.state, 'rejected');
      assert.equal(after?.history.at(-1)?.comment, 'Not needed for this role.');
    });

    for (const comment of [undefined, '', '    ', 'Nah', ' No. ']) {
      it(`refuses a rejection without a reason of at least 5 characters (${JSON.stringify(comment)})`, () => {
        const prompt = 'Please say why you are rejecting the request.';
        given([requested()]).when({ type: 'reject', comment } as AccessRequestCommand, malcolm)
          .thenRejects('invalid', prompt, { comment: prompt });
      });
    }

    it('accepts a reason of exactly 5 characters', () => {
      given([requested()]).when({ type: 'reject', comment: 'Nope.' }, malcolm)
        .then([{ type: 'RejectedByManager', at: now.toISOString(), by: person(malcolm), comment: 'Nope.' }]);
    });

    it('sends the request back to the requester when the approver asks for more information', () => {
      const after = given([requested()]).when({ type: 'requestInfo', comment: 'Which pages will you use?' }, malcolm).then([infoRequested()]);
      assert.equal(after?.state, 'info_requested');
    });

    for (const comment of [undefined, '', 'Why?']) {
      it(`refuses a request for more information that does not say what is needed (${JSON.stringify(comment)})`, () => {
        const prompt = 'Please say what more you need from the requester.';
        given([requested()]).when({ type: 'requestInfo', comment } as AccessRequestCommand, malcolm)
          .thenRejects('invalid', prompt, { comment: prompt });
      });
    }

    it('refuses approval by the requester', () => {
      given([requested()]).when({ type: 'approve' }, rhona).thenRejects('forbidden', SELF_APPROVAL, { approver: 'Choose someone other than yourself.' });
      given([requested()]).when({ type: 'reject', comment: 'Changed my mind' }, rhona).thenRejects('forbidden', SELF_APPROVAL, { approver: 'Choose someone other than yourself.' });
    });

    it('refuses a decision by anyone but the chosen approver', () => {
      const message = `Only Malcolm Manager, the approver chosen for ${REF}, can decide on it.`;
      given([requested()]).when({ type: 'approve' }, sam).thenRejects('forbidden', message);
      given([requested()]).when({ type: 'reject', comment: 'Not needed here.' }, morag).thenRejects('forbidden', message);
      given([requested()]).when({ type: 'requestInfo', comment: 'Tell me more.' }, ciara).thenRejects('forbidden', message);
    });

    it('tells the approver a request they approved was already approved, by whom and when', () => {
      given([requested(), approved()]).when({ type: 'reject', comment: 'On reflection, no.' }, malcolm)
        .thenRejects('already_decided', `${REF} was already approved by Malcolm Manager on 25 Nov 2026, 10:00.`);
      given([requested(postDetails), approved(malcolm, '10:20')]).when({ type: 'requestInfo', comment: 'One more thing.' }, malcolm)
        .thenRejects('already_decided', `${REF} was already approved by Malcolm Manager on 25 Nov 2026, 10:20.`);
    });

    it('tells the approver a request they rejected was already rejected', () => {
      given([requested(), rejected(malcolm, '10:15')]).when({ type: 'approve' }, malcolm)
        .thenRejects('already_decided', `${REF} was already rejected by Malcolm Manager on 25 Nov 2026, 10:15.`);
    });

    it('tells the approver a request they sent back is waiting for the requester', () => {
      given([requested(), infoRequested()]).when({ type: 'approve' }, malcolm)
        .thenRejects('already_decided', `${REF} was already sent back for more information by Malcolm Manager on 25 Nov 2026, 10:00.`);
    });

    it('refuses a late decision by a stranger as not theirs to make, whatever the state', () => {
      given([requested(), approved()]).when({ type: 'reject', comment: 'Not needed.' }, sam).thenRejects('forbidden', /Only Malcolm Manager/);
    });

    it('treats the approver repeating the same decision as a no-op', () => {
      given([requested(), approved()]).when({ type: 'approve' }, malcolm).thenNothingHappens();
      given([requested(postDetails), approved()]).when({ type: 'approve' }, malcolm).thenNothingHappens();
      given([requested(), rejected()]).when({ type: 'reject', comment: 'Not needed for this role.' }, malcolm).thenNothingHappens();
      given([requested(), infoRequested()]).when({ type: 'requestInfo', comment: 'Which pages?' }, malcolm).thenNothingHappens();
    });

    it('refuses a decision on a withdrawn request, saying who withdrew it and when', () => {
      given([requested(), withdrawn()]).when({ type: 'approve' }, malcolm).thenRejects('wrong_state',
        `${REF} is withdrawn (withdrawn by Rhona Requester on 25 Nov 2026, 10:05), so you can't decide on it now.`);
    });
  });

  describe('resubmit', () => {
    const edited: AccessRequestDetails = { ...viewDetails, businessCase: 'I answer tenant questions on the Facebook page of the Glasgow team.' };

    it('lets the requester edit and resubmit a request sent back for more information', () => {
      const after = given([requested(), infoRequested()])
        .when({ type: 'resubmit', approver: person(malcolm), details: edited, comment: '  Added the page.  ' }, rhona, new Date(at('10:30')))
        .then([{ ...resubmitted(malcolm, '10:30', edited), comment: 'Added the page.' } as AccessRequestEvent]);
      assert.equal(after?.state, 'submitted');
      assert.deepEqual(after?.details, edited);
      assert.equal(after?.submittedAt, at('10:00'));
    });

    it('lets the requester choose another approver when resubmitting', () => {
      const after = given([requested(), infoRequested()])
        .when({ type: 'resubmit', approver: person(morag), details: viewDetails }, rhona, new Date(at('10:30')))
        .then([resubmitted(morag)]);
      assert.deepEqual(after?.approver, person(morag));
    });

    it('lets the approver decide again after a resubmission, including asking for more again', () => {
      given([requested(), infoRequested(), resubmitted()]).when({ type: 'approve' }, malcolm).then([approved()]);
      given([requested(), infoRequested(), resubmitted()]).when({ type: 'requestInfo', comment: 'Which pages will you use?' }, malcolm)
        .then([infoRequested()]);
    });

    it('refuses a resubmission by anyone but the requester', () => {
      given([requested(), infoRequested()]).when({ type: 'resubmit', approver: person(malcolm), details: viewDetails }, malcolm)
        .thenRejects('forbidden', `Only Rhona Requester can edit ${REF}.`);
    });

    it('refuses a resubmission unless more information was asked for', () => {
      given([requested()]).when({ type: 'resubmit', approver: person(malcolm), details: viewDetails }, rhona).thenRejects('wrong_state',
        `${REF} is waiting for the approver (submitted by Rhona Requester on 25 Nov 2026, 10:00), so you can't edit and resubmit it now.`);
      given([requested(), approved()]).when({ type: 'resubmit', approver: person(malcolm), details: viewDetails }, rhona)
        .thenRejects('wrong_state', /is active \(approved by Malcolm Manager on 25 Nov 2026, 10:00\)/);
    });

    it('refuses a resubmission that makes the requester their own approver', () => {
      given([requested(), infoRequested()]).when({ type: 'resubmit', approver: person(rhona), details: viewDetails }, rhona)
        .thenRejects('forbidden', SELF_APPROVAL, { approver: 'Choose someone other than yourself.' });
    });
  });

  describe('change approver', () => {
    it('hands a request escalated to the requester to another approver, who alone may then decide', () => {
      const after = given([requested(), escalated()]).when({ type: 'changeApprover', approver: person(morag) }, rhona, new Date(at('10:30')))
        .then([approverChanged()]);
      assert.deepEqual(after?.approver, person(morag));
      assert.equal(after?.state, 'submitted');
      given([requested(), approverChanged()]).when({ type: 'approve' }, malcolm).thenRejects('forbidden', /Only Morag Manager/);
      given([requested(), approverChanged()]).when({ type: 'approve' }, morag).then([approved(morag)]);
    });

    it('treats choosing the same approver again as a no-op', () => {
      given([requested()]).when({ type: 'changeApprover', approver: person(malcolm) }, rhona).thenNothingHappens();
    });

    it('refuses the requester a new approver before the request was escalated (DESIGN.md: after escalation)', () => {
      given([requested()]).when({ type: 'changeApprover', approver: person(morag) }, rhona)
        .thenRejects('wrong_state', `You can't choose another approver yet: ${REF} has waited less than 5 working days for Malcolm Manager, who can pass it on before then.`);
      // An escalation of an earlier wait (before a resubmission) does not count for this one.
      given([requested(), escalated('10:05'), infoRequested(malcolm, '10:10'), resubmitted(malcolm, '10:20')])
        .when({ type: 'changeApprover', approver: person(morag) }, rhona).thenRejects('wrong_state', /waited less than 5 working days/);
    });

    it('lets the approver pass the request on at any time while it waits for them; the requester is not asked', () => {
      const after = given([requested()]).when({ type: 'changeApprover', approver: person(morag) }, malcolm, new Date(at('10:30'))).then([{
        type: 'ApproverChanged', at: at('10:30'), by: person(malcolm), approver: person(morag),
      }]);
      assert.deepEqual(after?.approver, person(morag));
    });

    it('refuses making the requester their own approver, whoever chooses', () => {
      given([requested(), escalated()]).when({ type: 'changeApprover', approver: person(rhona) }, rhona).thenRejects('forbidden', SELF_APPROVAL, { approver: 'Choose someone other than yourself.' });
      given([requested()]).when({ type: 'changeApprover', approver: person(rhona) }, malcolm)
        .thenRejects('invalid', 'Rhona Requester can\'t approve their own request: choose someone else.', { approver: 'Choose someone other than the requester.' });
    });

    it('refuses a change of approver by anyone but the approver and the requester', () => {
      given([requested()]).when({ type: 'changeApprover', approver: person(ciara) }, morag)
        .thenRejects('forbidden', `Only Malcolm Manager, or Rhona Requester once it has waited 5 working days, can change the approver of ${REF}.`);
    });

    it('refuses a change of approver once the approver has decided', () => {
      given([requested(), approved()]).when({ type: 'changeApprover', approver: person(morag) }, rhona)
        .thenRejects('wrong_state', /so you can't change its approver now\.$/);
    });
  });

  describe('Communications Team sign-off', () => {
    const awaitingComms = [requested(postDetails), approved()];

    it('makes posting access active when a Comms member signs off', () => {
      const after = given(awaitingComms).when({ type: 'commsSignOff', comment: ' Welcome aboard ' }, ciara, new Date(at('11:00')))
        .then([{ ...signedOff(), comment: 'Welcome aboard' } as AccessRequestEvent]);
      assert.equal(after?.state, 'active');
    });

    it('rejects posting access when a Comms member rejects it with a reason', () => {
      const after = given(awaitingComms).when({ type: 'commsReject', comment: 'Posting is done centrally.' }, ciara, new Date(at('11:00')))
        .then([commsRejected()]);
      assert.equal(after?.state, 'rejected');
    });

    it('refuses a Comms rejection without a reason', () => {
      const prompt = 'Please say why the Communications Team is rejecting the request.';
      given(awaitingComms).when({ type: 'commsReject', comment: ' no ' }, ciara).thenRejects('invalid', prompt, { comment: prompt });
    });

    it('refuses sign-off by anyone outside the Communications Team', () => {
      for (const actor of [malcolm, rhona, sam]) {
        given(awaitingComms).when({ type: 'commsSignOff' }, actor)
          .thenRejects('forbidden', 'Only the Communications Team can sign off posting on the Group\'s behalf.');
      }
    });

    it('refuses sign-off by a Comms member who made the request', () => {
      const requesterInComms = { ...rhona, roles: ['comms'] } as const satisfies Actor;
      given(awaitingComms).when({ type: 'commsSignOff' }, requesterInComms)
        .thenRejects('forbidden', 'You can\'t sign off your own request: another Communications Team member must.');
    });

    it('refuses sign-off by a Comms member who approved the request as line manager', () => {
      given([requested(postDetails, rhona, ciara), approved(ciara)]).when({ type: 'commsSignOff' }, ciara)
        .thenRejects('forbidden', 'You approved this as line manager; another Communications Team member must give the second sign-off.');
      given([requested(postDetails, rhona, ciara), approved(ciara)]).when({ type: 'commsSignOff' }, calum, new Date(at('11:00')))
        .then([signedOff(calum)]);
    });

    it('tells a second Comms member the request was already signed off by the first', () => {
      const message = `${REF} was already signed off by Ciara Comms on 25 Nov 2026, 11:00.`;
      given([...awaitingComms, signedOff()]).when({ type: 'commsSignOff' }, calum).thenRejects('already_decided', message);
      given([...awaitingComms, signedOff()]).when({ type: 'commsReject', comment: 'Posting is done centrally.' }, calum)
        .thenRejects('already_decided', message);
    });

    it('tells a second Comms member the request was already rejected by the first', () => {
      given([...awaitingComms, commsRejected()]).when({ type: 'commsSignOff' }, calum)
        .thenRejects('already_decided', `${REF} was already rejected by Ciara Comms on 25 Nov 2026, 11:00.`);
    });

    it('treats a Comms member repeating their own decision as a no-op', () => {
      given([...awaitingComms, signedOff()]).when({ type: 'commsSignOff' }, ciara).thenNothingHappens();
      given([...awaitingComms, commsRejected()]).when({ type: 'commsReject', comment: 'Posting is done centrally.' }, ciara).thenNothingHappens();
    });

    it('refuses sign-off before the line manager has approved', () => {
      given([requested(postDetails)]).when({ type: 'commsSignOff' }, ciara).thenRejects('wrong_state',
        `${REF} is waiting for the approver (submitted by Rhona Requester on 25 Nov 2026, 10:00), so you can't sign it off now.`);
    });

    it('refuses sign-off of view access, which needs none', () => {
      given([requested(), approved()]).when({ type: 'commsSignOff' }, ciara).thenRejects('wrong_state',
        `${REF} is active (approved by Malcolm Manager on 25 Nov 2026, 10:00), so you can't sign it off now.`);
    });
  });

  describe('withdraw', () => {
    it('lets the requester withdraw a request waiting for the approver', () => {
      const after = given([requested()]).when({ type: 'withdraw' }, rhona, new Date(at('10:05'))).then([withdrawn()]);
      assert.equal(after?.state, 'withdrawn');
    });

    it('lets the requester withdraw a request sent back for more information', () => {
      given([requested(), infoRequested()]).when({ type: 'withdraw' }, rhona, new Date(at('10:05'))).then([withdrawn()]);
    });

    it('treats withdrawing again as a no-op', () => {
      given([requested(), withdrawn()]).when({ type: 'withdraw' }, rhona).thenNothingHappens();
    });

    it('refuses a withdrawal by anyone but the requester', () => {
      for (const actor of [malcolm, ciara]) {
        given([requested()]).when({ type: 'withdraw' }, actor).thenRejects('forbidden', `Only Rhona Requester can withdraw ${REF}.`);
      }
    });

    it('refuses a withdrawal once the approver has approved', () => {
      given([requested(), approved()]).when({ type: 'withdraw' }, rhona).thenRejects('wrong_state',
        `${REF} is active (approved by Malcolm Manager on 25 Nov 2026, 10:00), so you can't withdraw it now.`);
      given([requested(postDetails), approved()]).when({ type: 'withdraw' }, rhona)
        .thenRejects('wrong_state', /is waiting for Communications Team sign-off/);
      given([requested(), rejected()]).when({ type: 'withdraw' }, rhona).thenRejects('wrong_state', /is rejected/);
    });
  });

  describe('revoke', () => {
    const active = [requested(), approved()];

    it('lets the approver revoke active access with a reason', () => {
      const after = given(active).when({ type: 'revoke', comment: '  Breach of the policy.  ' }, malcolm, new Date(at('12:00')))
        .then([revoked(malcolm)]);
      assert.equal(after?.state, 'revoked');
    });

    it('lets a Comms member revoke active access with a reason', () => {
      given(active).when({ type: 'revoke', comment: 'Breach of the policy.' }, ciara, new Date(at('12:00'))).then([revoked(ciara)]);
    });

    it('refuses a revocation by anyone but the approver or the Communications Team', () => {
      for (const actor of [rhona, sam, morag]) {
        given(active).when({ type: 'revoke', comment: 'Breach of the policy.' }, actor)
          .thenRejects('forbidden', `Only Malcolm Manager or the Communications Team can revoke ${REF}.`);
      }
    });

    it('refuses a revocation without a reason', () => {
      const prompt = 'Please give the reason for revoking access (for example, a breach of the policy).';
      given(active).when({ type: 'revoke', comment: '' }, malcolm).thenRejects('invalid', prompt, { comment: prompt });
    });

    it('refuses revoking access that is not active', () => {
      given([requested()]).when({ type: 'revoke', comment: 'Breach of the policy.' }, malcolm)
        .thenRejects('wrong_state', /so you can't revoke it now\.$/);
      given([requested(postDetails), approved()]).when({ type: 'revoke', comment: 'Breach of the policy.' }, ciara)
        .thenRejects('wrong_state', /is waiting for Communications Team sign-off/);
      given([...active, expired()]).when({ type: 'revoke', comment: 'Breach of the policy.' }, ciara)
        .thenRejects('wrong_state', /is expired/);
    });

    it('tells a second revoker it was already revoked, by whom and when', () => {
      given([...active, revoked(ciara)]).when({ type: 'revoke', comment: 'Breach of the policy.' }, malcolm)
        .thenRejects('already_decided', `${REF} was already revoked by Ciara Comms on 25 Nov 2026, 12:00.`);
    });
  });

  describe('expire', () => {
    it('lets only the system expire access: a person must revoke with a reason', () => {
      given([requested(), approved()]).when({ type: 'expire' }, malcolm).thenRejects('forbidden', /revoke it with a reason/);
    });

    it('ends active access', () => {
      const after = given([requested(), approved()]).when({ type: 'expire' }, SYSTEM, new Date('2027-05-25T23:00:00Z'))
        .then([expired()]);
      assert.equal(after?.state, 'expired');
    });

    const notActive: Record<string, AccessRequestEvent[]> = {
      submitted: [requested()],
      info_requested: [requested(), infoRequested()],
      awaiting_comms: [requested(postDetails), approved()],
      rejected: [requested(), rejected()],
      withdrawn: [requested(), withdrawn()],
      revoked: [requested(), approved(), revoked()],
      expired: [requested(), approved(), expired()],
    };
    for (const [state, history] of Object.entries(notActive)) {
      it(`leaves a request alone when the expiry timer fires and it is ${state}`, () => {
        assert.equal(given(history).state?.state, state);
        given(history).when({ type: 'expire' }, SYSTEM).thenNothingHappens();
      });
    }
  });

  describe('history', () => {
    it('keeps the last 12 steps only, and the submission time', () => {
      const cycles = Array.from({ length: 6 }, (_, i) => [infoRequested(malcolm, `1${i}:00`), resubmitted(malcolm, `1${i}:30`)]).flat();
      const request = given([requested(), ...cycles]).state;
      assert.equal(request?.history.length, 12);
      assert.deepEqual(request?.history[0], { action: 'MoreInformationRequested', by: person(malcolm), at: at('10:00'), comment: 'Which pages will you use?' });
      assert.equal(request?.history.at(-1)?.at, at('15:30'));
      assert.equal(request?.submittedAt, at('10:00'));
      const withOneMore = evolve(request, approved(malcolm, '16:00'));
      assert.equal(withOneMore.history.length, 12);
      assert.equal(withOneMore.history[0]?.action, 'Resubmitted');
      assert.equal(withOneMore.history.at(-1)?.action, 'ApprovedByManager');
    });

    it('refuses to start a request from anything but a submission', () => {
      assert.throws(() => evolve(undefined, approved()), /ApprovedByManager cannot start an access request/);
    });
  });

  describe('step verbs', () => {
    it('names every step in the past tense', () => {
      const verbs: Record<AccessRequestEvent['type'], string> = {
        AccessRequested: 'submitted', ApprovedByManager: 'approved', RejectedByManager: 'rejected',
        MoreInformationRequested: 'sent back for more information', Resubmitted: 'resubmitted',
        ApproverChanged: 'given a new approver', SignedOffByComms: 'signed off', RejectedByComms: 'rejected',
        Withdrawn: 'withdrawn', Revoked: 'revoked', Expired: 'expired',
        ApproverReminded: 'approver reminded', ApprovalEscalated: 'escalated', ExpiryReminded: 'end date reminder sent',
      };
      for (const [action, verb] of Object.entries(verbs)) assert.equal(stepVerb(action as AccessRequestEvent['type']), verb);
    });
  });
});
