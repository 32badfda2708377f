import assert from 'node:assert/strict';
import type { Effect } from '../../src/domain/effects';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { accessRequestEffects } from '../../src/workflows/access-request/effects';
import {
  decide, evolve, waitStartedAt,
  type AccessRequest, type AccessRequestCommand, type AccessRequestDetails, type AccessRequestEvent,
} from '../../src/workflows/access-request/model';
import { nextStep, permittedActions } from '../../src/workflows/access-request/view';

/**
 * The access-request timers as specifications (DESIGN.md section 1, "Timers"): the approver is reminded
 * after 2 working days and the request escalated after 5, once per wait for an approver; the requester is
 * reminded once before the end date. Timers are system commands: given what happened, when the timer (or
 * anyone pretending to be one) fires, then these events follow, or nothing happens.
 */
const workingTime = createWorkingTime();
const effectsOf = accessRequestEffects(workingTime);
const day = (date: string) => (hhmm: string): string => `${date}T${hhmm}:00.000Z`;
const wed = day('2026-11-25');
const fri = day('2026-11-27');
const thu3 = day('2026-12-03');

const rhona: Actor = { id: 'u-rhona', name: 'Rhona Requester', roles: [] };
const malcolm: Actor = { id: 'u-malcolm', name: 'Malcolm Manager', roles: [] };
const morag: Actor = { id: 'u-morag', name: 'Morag Manager', roles: [] };
const ciara: Actor = { id: 'u-ciara', name: 'Ciara Comms', roles: ['comms'] };
const sam: Actor = { id: 'u-sam', name: 'Sam Admin', roles: ['incident', 'admin'] };
const person = ({ id, name }: Actor): Person => ({ id, name });
const system = person(SYSTEM);

const REF = 'AR-2026-00001';
const viewDetails: AccessRequestDetails = {
  sites: ['facebook', 'linkedin'], kind: 'view',
  businessCase: 'I answer tenant questions on our Facebook page.', startDate: '2026-11-25', endDate: '2027-05-25',
};
const postDetails: AccessRequestDetails = { ...viewDetails, kind: 'post' };

const requested = (details = viewDetails): AccessRequestEvent =>
  ({ type: 'AccessRequested', at: wed('10:00'), by: person(rhona), reference: REF, approver: person(malcolm), details });
const infoRequested = (at = wed('11:00')): AccessRequestEvent =>
  ({ type: 'MoreInformationRequested', at, by: person(malcolm), comment: 'Which pages will you use?' });
const resubmitted = (at: string, approver = malcolm): AccessRequestEvent =>
  ({ type: 'Resubmitted', at, by: person(rhona), approver: person(approver), details: viewDetails });
const approverChanged = (at: string, approver = morag): AccessRequestEvent =>
  ({ type: 'ApproverChanged', at, by: person(rhona), approver: person(approver) });
const approved = (at = wed('12:00')): AccessRequestEvent => ({ type: 'ApprovedByManager', at, by: person(malcolm) });
const reminded = (at: string): AccessRequestEvent => ({ type: 'ApproverReminded', at, by: system });
const escalated = (at: string): AccessRequestEvent => ({ type: 'ApprovalEscalated', at, by: system });
const expiryReminded = (at = '2027-05-12T08:00:00.000Z'): AccessRequestEvent => ({ type: 'ExpiryReminded', at, by: system });

const remindApprover = (basis: string): AccessRequestCommand => ({ type: 'remindApprover', basis });
const escalate = (basis: string): AccessRequestCommand => ({ type: 'escalate', basis });
const remindExpiry: AccessRequestCommand = { type: 'remindExpiry' };

/** given(events).when(command, actor, at).then(events) / .thenNothingHappens() */
function given(history: readonly AccessRequestEvent[]) {
  const state = history.reduce<AccessRequest | undefined>(evolve, undefined);
  assert.ok(state);
  return {
    state,
    when(command: AccessRequestCommand, actor: Actor, at: string) {
      const decision = decide(state, command, { actor, now: new Date(at) });
      return {
        then(expected: readonly AccessRequestEvent[]): AccessRequest {
          assert.ok(decision.ok, `expected acceptance, got ${JSON.stringify(decision)}`);
          assert.deepEqual(decision.events, expected);
          return decision.events.reduce<AccessRequest>((request, event) => evolve(request, event), state);
        },
        thenNothingHappens(why?: string): void {
          assert.ok(decision.ok, `expected a no-op, got ${JSON.stringify(decision)}`);
          assert.deepEqual(decision.events, [], why);
        },
      };
    },
  };
}

/** Histories that are not waiting for an approver, with the wait basis a timer set earlier would carry. */
const NOT_WAITING: readonly [string, readonly AccessRequestEvent[]][] = [
  ['info_requested', [requested(), infoRequested()]],
  ['awaiting_comms', [requested(postDetails), approved()]],
  ['active', [requested(), approved()]],
  ['rejected', [requested(), { type: 'RejectedByManager', at: wed('12:00'), by: person(malcolm), comment: 'Not needed for this role.' }]],
  ['withdrawn', [requested(), { type: 'Withdrawn', at: wed('12:00'), by: person(rhona) }]],
  ['revoked', [requested(), approved(), { type: 'Revoked', at: wed('13:00'), by: person(ciara), comment: 'Breach of the policy.' }]],
  ['expired', [requested(), approved(), { type: 'Expired', at: '2027-05-25T23:00:00.000Z', by: system }]],
];

describe('access request timers', () => {
  describe('approver reminder and escalation', () => {
    it('reminds the approver when the reminder for the current wait fires', () => {
      const after = given([requested()]).when(remindApprover(wed('10:00')), SYSTEM, fri('10:00')).then([reminded(fri('10:00'))]);
      assert.equal(after.state, 'submitted', 'a reminder changes nothing else');
      assert.deepEqual(after.approver, person(malcolm));
    });

    it('reminds only once a wait, however often the reminder fires', () => {
      given([requested(), reminded(fri('10:00'))]).when(remindApprover(wed('10:00')), SYSTEM, fri('10:02')).thenNothingHappens();
    });

    it('escalates when the escalation for the current wait fires, after the reminder', () => {
      given([requested(), reminded(fri('10:00'))]).when(escalate(wed('10:00')), SYSTEM, thu3('10:00')).then([escalated(thu3('10:00'))]);
    });

    it('escalates even when the reminder never went out (both came due while the desk was down)', () => {
      given([requested()]).when(escalate(wed('10:00')), SYSTEM, thu3('10:00')).then([escalated(thu3('10:00'))]);
    });

    it('escalates only once a wait', () => {
      given([requested(), reminded(fri('10:00')), escalated(thu3('10:00'))]).when(escalate(wed('10:00')), SYSTEM, thu3('10:05')).thenNothingHappens();
    });

    for (const [state, history] of NOT_WAITING) {
      it(`does nothing when the request is ${state}`, () => {
        const basis = waitStartedAt(history.reduce<AccessRequest | undefined>(evolve, undefined)!);
        given(history).when(remindApprover(basis), SYSTEM, fri('10:00')).thenNothingHappens('no reminder');
        given(history).when(escalate(basis), SYSTEM, thu3('10:00')).thenNothingHappens('no escalation');
      });
    }

    for (const actor of [rhona, malcolm, morag, ciara, sam, { ...malcolm, name: SYSTEM.name }]) {
      it(`treats the command as a no-op when ${actor.name} (not the system) sends it`, () => {
        given([requested()]).when(remindApprover(wed('10:00')), actor, fri('10:00')).thenNothingHappens('no reminder');
        given([requested()]).when(escalate(wed('10:00')), actor, thu3('10:00')).thenNothingHappens('no escalation');
      });
    }

    it('ignores the timers of the first wait after the request was sent back and resubmitted', () => {
      const history = [requested(), infoRequested(), resubmitted(wed('15:00'))];
      given(history).when(remindApprover(wed('10:00')), SYSTEM, fri('10:00')).thenNothingHappens('the old reminder');
      given(history).when(escalate(wed('10:00')), SYSTEM, thu3('10:00')).thenNothingHappens('the old escalation');
    });

    it('ignores the old approver\'s timers after the requester chose another approver', () => {
      const history = [requested(), approverChanged(wed('15:00'))];
      given(history).when(remindApprover(wed('10:00')), SYSTEM, fri('10:00')).thenNothingHappens('the old reminder');
      given(history).when(escalate(wed('10:00')), SYSTEM, thu3('10:00')).thenNothingHappens('the old escalation');
    });

    it('ignores a timer with no basis or a basis that was never a wait', () => {
      given([requested()]).when(remindApprover(''), SYSTEM, fri('10:00')).thenNothingHappens('no basis');
      given([requested()]).when(escalate(wed('10:01')), SYSTEM, thu3('10:00')).thenNothingHappens('an unknown basis');
      const sentBack = [requested(), infoRequested(wed('11:00')), resubmitted(wed('15:00'))];
      given(sentBack).when(remindApprover(wed('11:00')), SYSTEM, fri('15:00')).thenNothingHappens('the request for information is no wait for the approver');
    });

    it('gives the new approver a reminder and an escalation of their own, though the first wait had both', () => {
      const history = [requested(), reminded(fri('10:00')), escalated(thu3('10:00')), approverChanged(thu3('11:00'))];
      const basis = thu3('11:00');
      const afterReminder = given(history).when(remindApprover(basis), SYSTEM, '2026-12-07T11:00:00.000Z').then([reminded('2026-12-07T11:00:00.000Z')]);
      assert.deepEqual(afterReminder.approver, person(morag));
      given([...history, reminded('2026-12-07T11:00:00.000Z')])
        .when(escalate(basis), SYSTEM, '2026-12-10T11:00:00.000Z').then([escalated('2026-12-10T11:00:00.000Z')]);
      given([...history, reminded('2026-12-07T11:00:00.000Z'), escalated('2026-12-10T11:00:00.000Z')])
        .when(remindApprover(basis), SYSTEM, '2026-12-10T11:05:00.000Z').thenNothingHappens('the second wait is reminded once too');
    });

    it('gives a resubmitted request a new reminder, also with the same approver', () => {
      const history = [requested(), reminded(fri('10:00')), infoRequested(fri('11:00')), resubmitted(fri('15:00'))];
      given(history).when(remindApprover(fri('15:00')), SYSTEM, '2026-12-02T15:00:00.000Z').then([reminded('2026-12-02T15:00:00.000Z')]);
    });

    it('keeps the old timers stale when the requester changes back to the first approver', () => {
      const history = [requested(), approverChanged(wed('15:00'), morag), approverChanged(wed('16:00'), malcolm)];
      given(history).when(remindApprover(wed('10:00')), SYSTEM, fri('10:00')).thenNothingHappens('the first wait\'s reminder');
      given(history).when(remindApprover(wed('15:00')), SYSTEM, fri('15:00')).thenNothingHappens('Morag\'s reminder');
      given(history).when(remindApprover(wed('16:00')), SYSTEM, fri('16:00')).then([reminded(fri('16:00'))]);
    });
  });

  describe('expiry reminder', () => {
    const active = [requested(), approved()];

    it('reminds the requester once while access is active', () => {
      const after = given(active).when(remindExpiry, SYSTEM, '2027-05-12T08:00:00.000Z').then([expiryReminded()]);
      assert.equal(after.state, 'active');
      given([...active, expiryReminded()]).when(remindExpiry, SYSTEM, '2027-05-12T08:05:00.000Z').thenNothingHappens('a second firing');
    });

    it('reminds posting access once the Communications Team signed it off', () => {
      const signedOff: AccessRequestEvent = { type: 'SignedOffByComms', at: wed('13:00'), by: person(ciara) };
      given([requested(postDetails), approved(), signedOff]).when(remindExpiry, SYSTEM, '2027-05-12T08:00:00.000Z').then([expiryReminded()]);
    });

    for (const [state, history] of NOT_WAITING.filter(([name]) => name !== 'active')) {
      it(`does nothing when the request is ${state}`, () => {
        given(history).when(remindExpiry, SYSTEM, '2027-05-12T08:00:00.000Z').thenNothingHappens();
      });
    }

    it('does nothing while the request still waits for its approver', () => {
      given([requested()]).when(remindExpiry, SYSTEM, '2027-05-12T08:00:00.000Z').thenNothingHappens();
    });

    for (const actor of [rhona, malcolm, ciara, sam]) {
      it(`treats the command as a no-op when ${actor.name} (not the system) sends it`, () => {
        given(active).when(remindExpiry, actor, '2027-05-12T08:00:00.000Z').thenNothingHappens();
      });
    }
  });

  describe('who is told', () => {
    /** The effects of `event` on the request `history` led to, as the service computes them. */
    function effectsOfEvent(history: readonly AccessRequestEvent[], event: AccessRequestEvent): Effect[] {
      const before = history.reduce<AccessRequest | undefined>(evolve, undefined);
      return effectsOf([event], before, evolve(before, event));
    }
    const notify = (to: Actor, headline: string): Effect => ({ kind: 'notify', to: { person: person(to) }, headline });

    it('sends the reminder to the approver alone, naming the requester and the access, and sets no new timer', () => {
      assert.deepEqual(effectsOfEvent([requested()], reminded(fri('10:00'))), [
        notify(malcolm, 'Reminder: Rhona Requester\'s request for view access to Facebook, LinkedIn is waiting for your decision.'),
      ]);
    });

    it('tells the requester they may choose another approver, and the approver that the requester was told, when escalated', () => {
      assert.deepEqual(effectsOfEvent([requested(), reminded(fri('10:00'))], escalated(thu3('10:00'))), [
        notify(rhona, 'Malcolm Manager has not decided within 5 working days. You can choose another approver, or withdraw the request.'),
        notify(malcolm, `${REF} has waited 5 working days for your decision; Rhona Requester has been told and may choose another approver.`),
      ]);
    });

    it('reminds and escalates to the current approver after a change of approver', () => {
      const history = [requested(), approverChanged(wed('15:00'))];
      assert.deepEqual(effectsOfEvent(history, reminded(fri('15:00'))), [
        notify(morag, 'Reminder: Rhona Requester\'s request for view access to Facebook, LinkedIn is waiting for your decision.'),
      ]);
      assert.deepEqual(effectsOfEvent(history, escalated(thu3('15:00'))).map((effect) => effect.kind === 'notify' && 'person' in effect.to ? effect.to.person.id : '?'),
        [rhona.id, morag.id]);
    });

    it('tells the requester alone when their access ends, 10 working days ahead, and points to Renew', () => {
      assert.deepEqual(effectsOfEvent([requested(), approved()], expiryReminded()), [
        notify(rhona, 'Your access ends on 25 May 2027, in 10 working days. Use Renew to ask for it again.'),
      ]);
    });

    it('counts the working days that are really left for access shorter than the reminder\'s 10 (issue 13: "ends on 9 Dec, in 10 working days")', () => {
      const short = { ...viewDetails, startDate: '2026-12-07', endDate: '2026-12-09' };
      const remindedOn = (at: string) => effectsOfEvent([requested(short), approved()], expiryReminded(at));
      assert.deepEqual(remindedOn('2026-12-07T11:00:00.000Z'), [notify(rhona, 'Your access ends on 9 Dec 2026, in 3 working days. Use Renew to ask for it again.')]);
      assert.deepEqual(remindedOn('2026-12-09T09:00:00.000Z'), [notify(rhona, 'Your access ends at the end of today, 9 Dec 2026. Use Renew to ask for it again.')]);
      // Friday to Monday: the weekend is not counted.
      const overWeekend = { ...viewDetails, startDate: '2026-12-04', endDate: '2026-12-08' };
      assert.deepEqual(effectsOfEvent([requested(overWeekend), approved()], expiryReminded('2026-12-04T12:00:00.000Z')),
        [notify(rhona, 'Your access ends on 8 Dec 2026, in 3 working days. Use Renew to ask for it again.')]);
    });

    it('never puts the business case in a timer\'s notification', () => {
      const all = [
        ...effectsOfEvent([requested()], reminded(fri('10:00'))),
        ...effectsOfEvent([requested()], escalated(thu3('10:00'))),
        ...effectsOfEvent([requested(), approved()], expiryReminded()),
      ];
      for (const effect of all) if (effect.kind === 'notify') assert.doesNotMatch(effect.headline, /tenant questions/);
    });
  });

  describe('what each person may do', () => {
    const NOTHING = { decide: false, signOff: false, revoke: false, edit: false, withdraw: false, reassign: false, passOn: false, renew: false };
    const can = (history: readonly AccessRequestEvent[], viewer: Actor) =>
      permittedActions(history.reduce<AccessRequest | undefined>(evolve, undefined)!, viewer, new Date(thu3('12:00')));

    it('offers the requester another approver only once this wait was escalated', () => {
      assert.deepEqual(can([requested(), reminded(fri('10:00')), escalated(thu3('10:00'))], rhona), { ...NOTHING, withdraw: true, reassign: true });
      for (const history of [[requested()], [requested(), reminded(fri('10:00'))], [requested(), approverChanged(wed('15:00'))]]) {
        assert.deepEqual(can(history, rhona), { ...NOTHING, withdraw: true }, history.map((e) => e.type).join(', '));
      }
    });

    it('offers nobody but the requester another approver; the approver may pass it on, before and after the escalation', () => {
      const history = [requested(), reminded(fri('10:00')), escalated(thu3('10:00'))];
      for (const viewer of [malcolm, morag, ciara, sam]) assert.equal(can(history, viewer).reassign, false, viewer.name);
      assert.equal(can(history, malcolm).decide, true, 'the approver can still decide after the escalation');
      assert.equal(can(history, malcolm).passOn, true);
      assert.equal(can([requested()], malcolm).passOn, true);
      for (const viewer of [rhona, morag, ciara, sam]) assert.equal(can(history, viewer).passOn, false, viewer.name);
    });

    it('offers no other approver once the request no longer waits for one', () => {
      for (const [state, history] of NOT_WAITING) assert.equal(can(history, rhona).reassign, false, state);
    });

    it('offers the requester a renewal only once the end-date reminder went out, or after expiry', () => {
      assert.equal(can([requested(), approved()], rhona).renew, false, 'not while the end is far');
      assert.equal(can([requested()], rhona).renew, false, 'not while waiting');
      assert.equal(can([requested(), approved(), expiryReminded()], rhona).renew, true);
      assert.equal(can([...NOT_WAITING.find(([state]) => state === 'expired')![1]], rhona).renew, true);
      for (const viewer of [malcolm, ciara, sam]) {
        assert.equal(can([requested(), approved(), expiryReminded()], viewer).renew, false, viewer.name);
      }
    });

    it('says on the card that the requester can choose another approver once escalated, and gives a new deadline after a change', () => {
      const escalatedRequest = [requested(), reminded(fri('10:00')), escalated(thu3('10:00'))];
      const state = (history: readonly AccessRequestEvent[]) => history.reduce<AccessRequest | undefined>(evolve, undefined)!;
      assert.equal(nextStep(state(escalatedRequest), workingTime),
        'Malcolm Manager has not decided within 5 working days. Rhona Requester can choose another approver.');
      // Changed on Thu 3 Dec 11:00: two working days on is Mon 7 Dec 11:00.
      assert.equal(nextStep(state([...escalatedRequest, approverChanged(thu3('11:00'))]), workingTime), 'Morag Manager to decide, by Mon 7 Dec, 11:00.');
    });
  });
});
