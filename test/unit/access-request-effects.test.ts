import assert from 'node:assert/strict';
import type { Effect } from '../../src/domain/effects';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { ACCESS_TIMERS, accessRequestEffects } from '../../src/workflows/access-request/effects';
import {
  decide, evolve,
  type AccessRequest, type AccessRequestCommand, type AccessRequestDetails, type AccessRequestEvent,
} from '../../src/workflows/access-request/model';
import { nextStep, permittedActions } from '../../src/workflows/access-request/view';

/**
 * What follows each access-request event (who is told, which timers are set) and what each person may
 * do next, on the policy's working-time clock: Europe/London, Scottish bank holidays. Wednesday
 * 25 November 2026 is in GMT; Monday 30 November 2026 is St Andrew's Day, a Scottish bank holiday.
 */
const workingTime = createWorkingTime();
const effectsOf = accessRequestEffects(workingTime);
const now = new Date('2026-11-25T10:00:00Z');

const rhona: Actor = { id: 'u-rhona', name: 'Rhona Requester', roles: [] };
const malcolm: Actor = { id: 'u-malcolm', name: 'Malcolm Manager', roles: [] };
const morag: Actor = { id: 'u-morag', name: 'Morag Manager', roles: [] };
const ciara: Actor = { id: 'u-ciara', name: 'Ciara Comms', roles: ['comms'] };
const sam: Actor = { id: 'u-sam', name: 'Sam Stranger', roles: ['incident', 'admin'] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const REF = 'AR-2026-00001';
const viewDetails: AccessRequestDetails = {
  sites: ['facebook', 'linkedin'], kind: 'view',
  businessCase: 'I answer tenant questions on our Facebook page.', startDate: '2026-11-25', endDate: '2027-05-25',
};
const postDetails: AccessRequestDetails = { ...viewDetails, sites: ['x', 'other'], otherSite: 'Mastodon', kind: 'post' };

type Step = readonly [AccessRequestCommand, Actor, string?];

/** Plays commands through the model, as the service would: each must be accepted. */
/** The scheduler's escalation of the first wait (5 working days after the submit): the requester may then choose another approver. */
const escalation = (): Step => [{ type: 'escalate', basis: now.toISOString() }, SYSTEM, '2026-12-02T09:00:00Z'];

function play(steps: readonly Step[], details = viewDetails): { request: AccessRequest; events: AccessRequestEvent[] } {
  let request: AccessRequest | undefined;
  let events: AccessRequestEvent[] = [];
  const submit: Step = [{ type: 'submit', reference: REF, approver: person(malcolm), details }, rhona];
  for (const [command, actor, when] of [submit, ...steps]) {
    const decision = decide(request, command, { actor, now: when ? new Date(when) : now });
    assert.ok(decision.ok, `${command.type} by ${actor.name} was refused: ${JSON.stringify(decision)}`);
    events = [...decision.events];
    request = events.reduce<AccessRequest | undefined>(evolve, request);
  }
  assert.ok(request);
  return { request, events };
}

/** The effects of the last step played. */
function effectsAfter(steps: readonly Step[], details = viewDetails): Effect[] {
  const { request, events } = play(steps, details);
  return effectsOf(events, undefined, request);
}

const notify = (to: Person | 'comms', headline: string, except?: string[]): Effect =>
  ({ kind: 'notify', to: to === 'comms' ? { role: 'comms', ...(except ? { except } : {}) } : { person: { id: to.id, name: to.name } }, headline });
const timer = (name: string, dueAt: string, basis?: string): Effect =>
  ({ kind: 'timer', timer: name, dueAt: new Date(dueAt).toISOString(), ...(basis ? { basis: new Date(basis).toISOString() } : {}) });

const approve: Step = [{ type: 'approve' }, malcolm, '2026-11-25T11:00:00Z'];
const signOff: Step = [{ type: 'commsSignOff' }, ciara, '2026-11-25T12:00:00Z'];

/** Access to 25 May 2027 ends as 26 May begins in London (BST): 23:00Z; reminded 10 working days before, at 09:00 BST. */
const ACTIVE_TIMERS = [
  timer(ACCESS_TIMERS.remindExpiry, '2027-05-12T09:00:00+01:00'),
  timer(ACCESS_TIMERS.expire, '2027-05-26T00:00:00+01:00'),
];

describe('access request effects', () => {
  describe('submission', () => {
    it('asks the approver to decide within 2 working days, reminds them then, and escalates after 5 (skipping St Andrew\'s Day)', () => {
      assert.deepEqual(effectsAfter([]), [
        notify(malcolm, 'Rhona Requester asks for view access to Facebook, LinkedIn. Please decide by Fri 27 Nov, 10:00.'),
        timer(ACCESS_TIMERS.remindApprover, '2026-11-27T10:00:00Z', '2026-11-25T10:00:00Z'),
        // Thu 26, Fri 27, (Mon 30 Nov is a Scottish bank holiday), Tue 1, Wed 2, Thu 3 Dec.
        timer(ACCESS_TIMERS.escalate, '2026-12-03T10:00:00Z', '2026-11-25T10:00:00Z'),
      ]);
    });

    it('counts working days from a late-Friday submission across the weekend and the holiday', () => {
      const { request, events } = play([]);
      const friday = events.map((event) => ({ ...event, at: '2026-11-27T16:00:00.000Z' }));
      assert.deepEqual(effectsOf(friday, undefined, request).filter((effect) => effect.kind === 'timer'), [
        timer(ACCESS_TIMERS.remindApprover, '2026-12-02T16:00:00Z', '2026-11-27T16:00:00Z'),
        timer(ACCESS_TIMERS.escalate, '2026-12-07T16:00:00Z', '2026-11-27T16:00:00Z'),
      ]);
    });

    it('names posting access and the "other" site by name', () => {
      const [first] = effectsAfter([], postDetails);
      assert.deepEqual(first, notify(malcolm, 'Rhona Requester asks for posting access to X (Twitter), Mastodon. Please decide by Fri 27 Nov, 10:00.'));
    });

    it('never puts the business case in a notification', () => {
      const all = [
        ...effectsAfter([]), ...effectsAfter([approve]), ...effectsAfter([approve], postDetails), ...effectsAfter([approve, signOff], postDetails),
      ];
      for (const effect of all) if (effect.kind === 'notify') assert.doesNotMatch(effect.headline, /tenant questions/);
    });
  });

  describe('manager decision', () => {
    it('tells the requester their view access is active, and sets the expiry reminder and expiry', () => {
      assert.deepEqual(effectsAfter([approve]), [
        notify(rhona, 'Malcolm Manager approved your request: access is active from 25 Nov 2026 until 25 May 2027.'),
        ...ACTIVE_TIMERS,
      ]);
    });

    it('tells the requester posting access needs Comms sign-off and asks the Communications Team for it, with no timers yet', () => {
      assert.deepEqual(effectsAfter([approve], postDetails), [
        notify(rhona, 'Malcolm Manager approved your request. It now needs Communications Team sign-off, because it is to post on the Group\'s behalf.'),
        notify('comms', 'Rhona Requester\'s request to post on the Group\'s behalf was approved by Malcolm Manager and needs your sign-off.',
          [rhona.id, malcolm.id]),
      ]);
    });

    it('tells the requester only when the approver rejects', () => {
      assert.deepEqual(effectsAfter([[{ type: 'reject', comment: 'Not needed for this role.' }, malcolm]]), [
        notify(rhona, 'Malcolm Manager rejected your request.'),
      ]);
    });

    it('asks the requester to edit and resend when more information is needed', () => {
      assert.deepEqual(effectsAfter([[{ type: 'requestInfo', comment: 'Which pages will you use?' }, malcolm]]), [
        notify(rhona, 'Malcolm Manager needs more information before deciding. Edit your request and send it again.'),
      ]);
    });

    it('causes nothing when the approver repeats a decision', () => {
      const { request } = play([approve]);
      const repeat = decide(request, { type: 'approve' }, { actor: malcolm, now });
      assert.ok(repeat.ok);
      assert.deepEqual(effectsOf(repeat.events, request, request), []);
    });
  });

  describe('resubmission and change of approver', () => {
    const sentBack: Step = [{ type: 'requestInfo', comment: 'Which pages will you use?' }, malcolm];

    it('asks the approver again, with fresh reminder and escalation timers from the resubmission', () => {
      assert.deepEqual(effectsAfter([sentBack, [{ type: 'resubmit', approver: person(malcolm), details: viewDetails }, rhona, '2026-11-26T14:00:00Z']]), [
        notify(malcolm, 'Rhona Requester updated their request for view access to Facebook, LinkedIn. Please decide by Tue 1 Dec, 14:00.'),
        timer(ACCESS_TIMERS.remindApprover, '2026-12-01T14:00:00Z', '2026-11-26T14:00:00Z'),
        timer(ACCESS_TIMERS.escalate, '2026-12-04T14:00:00Z', '2026-11-26T14:00:00Z'),
      ]);
    });

    it('sends a resubmission to the new approver when the requester chose another', () => {
      const [first] = effectsAfter([sentBack, [{ type: 'resubmit', approver: person(morag), details: viewDetails }, rhona]]);
      assert.deepEqual(first && first.kind === 'notify' ? first.to : undefined, { person: person(morag) });
    });

    it('tells the replaced approver that nothing is needed from them any more', () => {
      const { request: before } = play([escalation()]);
      const { request: after, events } = play([escalation(), [{ type: 'changeApprover', approver: person(morag) }, rhona, '2026-12-02T10:00:00Z']]);
      assert.deepEqual(effectsOf(events, before, after).at(-1),
        notify(malcolm, 'Rhona Requester chose another approver for AR-2026-00001: nothing is needed from you.'));
    });

    it('asks the new approver to decide, with timers from the change', () => {
      assert.deepEqual(effectsAfter([escalation(), [{ type: 'changeApprover', approver: person(morag) }, rhona, '2026-12-02T10:00:00Z']]), [
        notify(morag, 'Rhona Requester asks for view access to Facebook, LinkedIn. Please decide by Fri 4 Dec, 10:00.'),
        timer(ACCESS_TIMERS.remindApprover, '2026-12-04T10:00:00Z', '2026-12-02T10:00:00Z'),
        timer(ACCESS_TIMERS.escalate, '2026-12-09T10:00:00Z', '2026-12-02T10:00:00Z'),
      ]);
    });

    it('tells the requester when the approver passes the request on, and asks the new approver', () => {
      const effects = effectsAfter([[{ type: 'changeApprover', approver: person(morag) }, malcolm, '2026-11-26T10:00:00Z']]);
      assert.deepEqual(effects.filter((effect) => effect.kind === 'notify'), [
        notify(morag, 'Malcolm Manager passed Rhona Requester\'s request for view access to Facebook, LinkedIn to you. Please decide by Tue 1 Dec, 10:00.'),
        notify(rhona, 'Malcolm Manager passed your request to Morag Manager, who decides now.'),
      ]);
    });
  });

  describe('Communications Team sign-off', () => {
    it('tells the requester and the approver that posting access is active, and sets the expiry timers', () => {
      assert.deepEqual(effectsAfter([approve, signOff], postDetails), [
        notify(rhona, 'Ciara Comms (Communications Team) signed off your request: access is active from 25 Nov 2026 until 25 May 2027.'),
        notify(malcolm, `Ciara Comms (Communications Team) signed off ${REF}: access is active.`),
        ...ACTIVE_TIMERS,
      ]);
    });

    it('tells the requester and the approver when the Communications Team rejects', () => {
      assert.deepEqual(effectsAfter([approve, [{ type: 'commsReject', comment: 'Posting is done centrally.' }, ciara]], postDetails), [
        notify(rhona, 'Ciara Comms (Communications Team) rejected your request.'),
        notify(malcolm, `The Communications Team rejected ${REF}.`),
      ]);
    });
  });

  describe('withdrawal, revocation and expiry', () => {
    it('tells the approver nothing more is needed when the requester withdraws', () => {
      assert.deepEqual(effectsAfter([[{ type: 'withdraw' }, rhona]]), [
        notify(malcolm, `Rhona Requester withdrew ${REF}: nothing is needed from you.`),
      ]);
    });

    it('tells the requester when their approver revokes access', () => {
      assert.deepEqual(effectsAfter([approve, [{ type: 'revoke', comment: 'Breach of the policy.' }, malcolm]]), [
        notify(rhona, 'Malcolm Manager revoked your access.'),
      ]);
    });

    it('tells the requester and the approver when the Communications Team revokes access', () => {
      assert.deepEqual(effectsAfter([approve, [{ type: 'revoke', comment: 'Breach of the policy.' }, ciara]]), [
        notify(rhona, 'Ciara Comms (Communications Team) revoked your access.'),
        notify(malcolm, `Ciara Comms (Communications Team) revoked ${REF}.`),
      ]);
    });

    it('tells the requester their access has ended', () => {
      assert.deepEqual(effectsAfter([approve, [{ type: 'expire' }, SYSTEM, '2027-05-25T23:00:00Z']]), [
        notify(rhona, 'Your access ended on 25 May 2027. Use Renew if you still need it.'),
      ]);
    });
  });

  describe('expiry timers', () => {
    it('expires at London midnight after the end date, in GMT, and reminds 10 working days before, skipping Christmas and New Year holidays', () => {
      const details = { ...viewDetails, endDate: '2027-01-08' };
      assert.deepEqual(effectsAfter([approve], details).filter((effect) => effect.kind === 'timer'), [
        // Fri 8, 7, 6, 5 Jan; (4 Jan, 1 Jan holidays) 31, 30, 29 Dec; (28, 25 Dec holidays) 24, 23, 22 Dec.
        timer(ACCESS_TIMERS.remindExpiry, '2026-12-22T09:00:00Z'),
        timer(ACCESS_TIMERS.expire, '2027-01-09T00:00:00Z'),
      ]);
    });
  });
});

describe('access request view', () => {
  const NOTHING = { decide: false, signOff: false, revoke: false, edit: false, withdraw: false, reassign: false, passOn: false, renew: false };
  const can = (request: AccessRequest, viewer: Actor) => permittedActions(request, viewer, now);
  const sentBack: Step = [{ type: 'requestInfo', comment: 'Which pages will you use?' }, malcolm];

  describe('permitted actions', () => {
    it('offers the decision, and passing it on, to the approver only while the request waits for them', () => {
      const { request } = play([]);
      assert.deepEqual(can(request, malcolm), { ...NOTHING, decide: true, passOn: true });
      assert.deepEqual(can(request, rhona), { ...NOTHING, withdraw: true }, 'no other approver before the escalation');
      for (const viewer of [ciara, sam, morag]) assert.deepEqual(can(request, viewer), NOTHING, viewer.name);
      const { request: escalated } = play([escalation()]);
      assert.deepEqual(can(escalated, rhona), { ...NOTHING, withdraw: true, reassign: true }, 'another approver once escalated');
    });

    it('offers edit and withdraw to the requester when more information is asked for, and nothing to the approver', () => {
      const { request } = play([sentBack]);
      assert.deepEqual(can(request, rhona), { ...NOTHING, edit: true, withdraw: true });
      assert.deepEqual(can(request, malcolm), NOTHING);
    });

    it('offers sign-off to a Comms member who is neither the requester nor the approving manager', () => {
      const { request } = play([approve], postDetails);
      assert.deepEqual(can(request, ciara), { ...NOTHING, signOff: true });
      assert.deepEqual(can(request, { ...malcolm, roles: ['comms'] }), NOTHING);
      assert.deepEqual(can(request, { ...rhona, roles: ['comms'] }), NOTHING);
      for (const viewer of [malcolm, rhona, sam]) assert.deepEqual(can(request, viewer), NOTHING, viewer.name);
    });

    it('offers revocation of active access to the approver and the Communications Team only', () => {
      const { request } = play([approve]);
      assert.deepEqual(can(request, malcolm), { ...NOTHING, revoke: true });
      assert.deepEqual(can(request, ciara), { ...NOTHING, revoke: true });
      for (const viewer of [rhona, sam]) assert.deepEqual(can(request, viewer), NOTHING, viewer.name);
    });

    it('offers nothing to anyone once the request is closed', () => {
      const closed = [
        play([[{ type: 'reject', comment: 'Not needed for this role.' }, malcolm]]).request,
        play([[{ type: 'withdraw' }, rhona]]).request,
        play([approve, [{ type: 'revoke', comment: 'Breach of the policy.' }, ciara]]).request,
        play([approve, [{ type: 'expire' }, SYSTEM]]).request,
      ];
      for (const request of closed) {
        for (const viewer of [rhona, malcolm, ciara, sam]) {
          const renewable = request.state === 'expired' && viewer === rhona;
          assert.deepEqual(can(request, viewer), { ...NOTHING, renew: renewable }, `${request.state} for ${viewer.name}`);
        }
      }
    });

    it('offers the requester a renewal once the end-date reminder has gone out', () => {
      const { request } = play([approve, [{ type: 'remindExpiry' }, SYSTEM, '2027-05-11T08:00:00Z']]);
      assert.equal(can(request, rhona).renew, true);
      assert.equal(can(request, malcolm).renew, false);
      const revoked = play([approve, [{ type: 'remindExpiry' }, SYSTEM, '2027-05-11T08:00:00Z'], [{ type: 'revoke', comment: 'Breach of the policy.' }, malcolm, '2027-05-12T08:00:00Z']]).request;
      assert.equal(can(revoked, rhona).renew, false, 'access revoked for a breach is not offered for renewal');
    });
  });

  describe('next step', () => {
    it('names the approver and the day they should decide by', () => {
      assert.equal(nextStep(play([]).request, workingTime), 'Malcolm Manager to decide, by Fri 27 Nov, 10:00.');
    });

    it('counts the decision time again from a resubmission', () => {
      const { request } = play([sentBack, [{ type: 'resubmit', approver: person(malcolm), details: viewDetails }, rhona, '2026-11-26T14:00:00Z']]);
      assert.equal(nextStep(request, workingTime), 'Malcolm Manager to decide, by Tue 1 Dec, 14:00.');
    });

    it('gives a new approver the same deadline their notification gives', () => {
      const { request, events } = play([escalation(), [{ type: 'changeApprover', approver: person(morag) }, rhona, '2026-12-02T10:00:00Z']]);
      const [notification] = effectsOf(events, undefined, request);
      assert.ok(notification?.kind === 'notify');
      assert.match(notification.headline, /Please decide by Fri 4 Dec, 10:00\.$/);
      assert.equal(nextStep(request, workingTime), 'Morag Manager to decide, by Fri 4 Dec, 10:00.');
    });

    it('names the requester when more information is asked for', () => {
      assert.equal(nextStep(play([sentBack]).request, workingTime), 'Rhona Requester to add the information asked for and resubmit.');
    });

    it('names the Communications Team while posting access waits for sign-off', () => {
      assert.equal(nextStep(play([approve], postDetails).request, workingTime),
        'The Communications Team to give the second sign-off for posting on the Group\'s behalf.');
    });

    it('says until when active access runs and who can revoke it', () => {
      assert.equal(nextStep(play([approve]).request, workingTime),
        'Access runs until the end of 25 May 2027. Malcolm Manager or the Communications Team can revoke it.');
    });

    it('says how each closed request ended', () => {
      const cases: [readonly Step[], string][] = [
        [[[{ type: 'reject', comment: 'Not needed for this role.' }, malcolm]], 'Closed: no access was given. A new request can be made at any time.'],
        [[[{ type: 'withdraw' }, rhona]], 'Closed: withdrawn by the requester.'],
        [[approve, [{ type: 'revoke', comment: 'Breach of the policy.' }, ciara]], 'Closed: access was revoked.'],
        [[approve, [{ type: 'expire' }, SYSTEM]], 'Closed: the access period has ended. A new request can be made at any time.'],
      ];
      for (const [steps, expected] of cases) assert.equal(nextStep(play(steps).request, workingTime), expected);
    });
  });
});
