import assert from 'node:assert/strict';
import { encodedLength, SNAPSHOT_MAX_CHARS } from '../../src/domain/bounds';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { customerPostEffects } from '../../src/workflows/customer-post/effects';
import { deadlinesFrom, londonTimeOn, validateLogPostForm } from '../../src/workflows/customer-post/form';
import {
  clockOwed, decide, evolve,
  type CustomerPost, type CustomerPostCommand, type CustomerPostEvent, type PostDetails, type PostKind,
} from '../../src/workflows/customer-post/model';
import { deskReport, deskReportRow } from '../../src/workflows/customer-post/report';
import { availableSteps } from '../../src/workflows/customer-post/steps';
import { deciderSpec } from '../support/decider-spec';
import { adele, alex, isaiah, patti, person } from '../support/model-cast';

/**
 * Customer posts on the desk as specifications (DESIGN.md section 4, issue 12): given what happened, when a
 * member of the Communications Team (or the system) acts, then these events follow, or the command is refused
 * with a code and a message a person can read. Wednesday 25 November 2026 is in GMT: London wall clock = UTC.
 * The clocks come from the real working-time calendar (Scottish bank holidays: St Andrew's Day, Monday 30
 * November 2026, is one).
 */
const workingTime = createWorkingTime();
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string, day = '25'): string => `2026-11-${day}T${hhmm}:00.000Z`;
const POSTED = at('09:20');

const megan: Person = { id: 'aad-megan', name: 'Megan Bowen' };
const system = person(SYSTEM);

const REF = 'CP-2026-00001';
const NOT_FOUND = 'I can\'t find that customer post, or you don\'t have a part in it.';
const LINK = 'https://www.facebook.com/wheatleyhomes/posts/pfbid0abc';

const details = (overrides: Partial<PostDetails> = {}): PostDetails => ({
  platform: 'facebook', link: LINK, postedAt: POSTED, kind: 'complaint', summary: 'Says the repair to her boiler has waited three weeks.', ...overrides,
});
const deadlines = (start: string) => deadlinesFrom(new Date(start), workingTime);

const logged = (kind: PostKind = 'complaint', postedAt = POSTED): Extract<CustomerPostEvent, { type: 'PostLogged' }> => {
  const clock = clockOwed(kind, false, postedAt, deadlines(postedAt));
  return { type: 'PostLogged', at: now.toISOString(), by: person(adele), reference: REF, details: details({ kind, postedAt }), ...(clock ? { clock } : {}) };
};
const assigned = (owner: Actor = patti, by: Actor = adele): CustomerPostEvent => ({ type: 'OwnerAssigned', at: at('10:05'), by: person(by), owner: person(owner) });
const responded = (when = '10:10'): CustomerPostEvent => ({ type: 'FirstResponseRecorded', at: at(when), by: person(adele), response: 'Apologised and asked for her address by direct message.' });
const resolved = (when = '11:00'): CustomerPostEvent => ({ type: 'Resolved', at: at(when), by: person(adele), outcome: 'Repair booked for Friday.' });
const monitoring = (lookAgainAt = at('09:00', '27')): CustomerPostEvent => ({ type: 'MonitoringStarted', at: at('10:30'), by: person(adele), reason: 'Answering would draw attention to a tenant.', lookAgainAt });
const hidden = (): CustomerPostEvent => ({ type: 'Moderated', at: at('10:30'), by: person(adele), action: 'hidden', platform: 'facebook' });
const handed = (): CustomerPostEvent => ({ type: 'HandedToComplaints', at: at('10:30'), by: person(adele), complaintsReference: 'COMP-88812' });
const toldLonger = (dueAt: string, when = '10:30'): CustomerPostEvent => ({ type: 'CustomerToldLonger', at: at(when), by: person(adele), dueAt, reason: 'Waiting for the contractor.' });
const reminded = (when: string): CustomerPostEvent => ({ type: 'Reminded', at: when, by: system });
const overdue = (when: string): CustomerPostEvent => ({ type: 'WentOverdue', at: when, by: system });

const given = deciderSpec({ decide, evolve }, now);
const log = (overrides: Partial<PostDetails> = {}, start = overrides.postedAt ?? POSTED): CustomerPostCommand =>
  ({ type: 'log', reference: REF, details: details(overrides), deadlines: deadlines(start) });
const stateAfter = (history: readonly CustomerPostEvent[]): CustomerPost => history.reduce<CustomerPost | undefined>(evolve, undefined)!;

describe('customer post model', () => {
  describe('log', () => {
    it('records a complaint with its first response due 24 hours after it was posted', () => {
      const after = given([]).when(log(), adele).then([logged()]);
      assert.equal(after?.state, 'open');
      assert.deepEqual(after?.clock, { kind: 'firstResponse', dueAt: at('09:20', '26'), startedAt: POSTED });
      assert.deepEqual(after?.loggedBy, person(adele));
      assert.equal(after?.owner, undefined, 'nobody owns it until someone is assigned');
    });

    it('gives a problem or enquiry five working days to be resolved', () => {
      const after = given([]).when(log({ kind: 'problem_or_enquiry' }), adele).then([logged('problem_or_enquiry')]);
      assert.deepEqual(after?.clock, { kind: 'resolution', dueAt: '2026-12-03T09:20:00.000Z', startedAt: POSTED });
    });

    for (const kind of ['compliment', 'misinformation', 'offensive'] as const) {
      it(`puts ${kind} on no clock`, () => {
        const after = given([]).when(log({ kind }), adele).then([logged(kind)]);
        assert.equal(after?.clock, undefined);
      });
    }

    it('refuses anyone outside the Communications Team', () => {
      for (const actor of [alex, isaiah]) given([]).when(log(), actor).thenRejects('forbidden', 'Only the Communications Team logs customer posts.');
    });

    it('accepts a post a few minutes "ahead" (clocks disagree) but refuses one in the future', () => {
      given([]).when(log({ postedAt: at('10:04') }), adele).then([logged('complaint', at('10:04'))]);
      given([]).when(log({ postedAt: at('10:06') }), adele)
        .thenRejects('invalid', 'Please check the highlighted fields.', { postedOn: 'The post can\'t be in the future: check the date and time.' });
    });

    it('refuses a summary over 500 characters and a handle over 100', () => {
      given([]).when(log({ summary: 'x'.repeat(501), handle: 'h'.repeat(101) }), adele).thenRejects('invalid', 'Please check the highlighted fields.', {
        summary: 'Keep the summary to 500 characters (it has 501).', handle: 'Keep the handle to 100 characters (it has 101).',
      });
    });

    it('refuses to log the same reference twice', () => {
      given([logged()]).when(log(), adele).thenRejects('wrong_state', `${REF} has already been logged.`);
    });
  });

  describe('the clocks at the edges the policy names', () => {
    const dueFor = (kind: PostKind, postedAt: string) => stateAfter([logged(kind, postedAt)]).clock?.dueAt;

    it('a complaint on a Friday at 16:00 is answered by Monday at 16:00', () => {
      assert.equal(dueFor('complaint', '2026-11-20T16:00:00.000Z'), '2026-11-23T16:00:00.000Z');
    });

    it('a complaint on the Friday before St Andrew\'s Day (a Scottish bank holiday) is answered by Tuesday at 16:00', () => {
      assert.equal(dueFor('complaint', '2026-11-27T16:00:00.000Z'), '2026-12-01T16:00:00.000Z');
    });

    it('a complaint posted on a Saturday is answered by 17:00 on the Monday', () => {
      assert.equal(dueFor('complaint', '2026-11-21T11:00:00.000Z'), '2026-11-23T17:00:00.000Z');
    });

    it('a post on St Andrew\'s Day counts from the next working day: the complaint by Tuesday 17:00, the enquiry by the Monday after', () => {
      assert.equal(dueFor('complaint', '2026-11-30T10:00:00.000Z'), '2026-12-01T17:00:00.000Z');
      assert.equal(dueFor('problem_or_enquiry', '2026-11-30T10:00:00.000Z'), '2026-12-07T17:00:00.000Z');
    });

    it('a complaint on the Friday before a bank holiday Monday (4 May 2026) is answered on the Tuesday; one on the holiday by Tuesday 17:00', () => {
      assert.equal(dueFor('complaint', '2026-05-01T09:00:00.000Z'), '2026-05-05T09:00:00.000Z', 'Friday 10:00 BST -> Tuesday 10:00 BST');
      assert.equal(dueFor('complaint', '2026-05-04T09:00:00.000Z'), '2026-05-05T16:00:00.000Z', 'the holiday -> Tuesday 17:00 BST');
    });

    it('keeps the London wall clock across the clock changes (last Sunday of March and of October)', () => {
      assert.equal(dueFor('complaint', '2026-03-27T16:00:00.000Z'), '2026-03-30T15:00:00.000Z', 'Friday 16:00 GMT -> Monday 16:00 BST');
      assert.equal(dueFor('complaint', '2026-10-23T15:00:00.000Z'), '2026-10-26T16:00:00.000Z', 'Friday 16:00 BST -> Monday 16:00 GMT');
      assert.equal(dueFor('complaint', '2026-03-29T10:00:00.000Z'), '2026-03-30T16:00:00.000Z', 'a post on the Sunday of the change -> Monday 17:00 BST');
      assert.equal(dueFor('problem_or_enquiry', '2026-10-23T15:00:00.000Z'), '2026-10-30T16:00:00.000Z', 'five working days over the change: Friday 16:00 GMT');
    });

    it('reads the form\'s date and time as London time on both sides of a clock change', () => {
      assert.equal(londonTimeOn('2026-03-27', 16 * 60).toISOString(), '2026-03-27T16:00:00.000Z');
      assert.equal(londonTimeOn('2026-03-29', 10 * 60).toISOString(), '2026-03-29T09:00:00.000Z');
      assert.equal(londonTimeOn('2026-03-29', 90).toISOString(), '2026-03-29T01:30:00.000Z', '01:30 does not exist that night: it is read as 02:30 BST');
      assert.equal(londonTimeOn('2026-10-25', 10 * 60).toISOString(), '2026-10-25T10:00:00.000Z');
      assert.equal(londonTimeOn('2026-07-01', 14 * 60 + 30).toISOString(), '2026-07-01T13:30:00.000Z');
    });

    it('sets the reminder at three quarters of the working time and the deadline, both tied to the deadline', () => {
      const effects = customerPostEffects(workingTime);
      const timersOf = (event: CustomerPostEvent) => effects([event], undefined, stateAfter([event])).filter((effect) => effect.kind === 'timer');
      assert.deepEqual(timersOf(logged()), [
        { kind: 'timer', timer: 'customerPost.remind', dueAt: at('15:20'), basis: at('09:20', '26') },
        { kind: 'timer', timer: 'customerPost.overdue', dueAt: at('09:20', '26'), basis: at('09:20', '26') },
      ]);
      // Friday 16:00 -> Tuesday 16:00 is 8 working hours (1 on Friday, 7 on Tuesday): three quarters is Tuesday 14:00.
      assert.deepEqual(timersOf(logged('complaint', '2026-11-27T16:00:00.000Z')).map((timer) => timer.kind === 'timer' && timer.dueAt), ['2026-12-01T14:00:00.000Z', '2026-12-01T16:00:00.000Z']);
      assert.deepEqual(timersOf(logged('compliment')), [], 'no clock, no timers');
    });
  });

  describe('assign', () => {
    it('makes a member of the Communications Team the owner, and a second press changes nothing', () => {
      const after = given([logged()]).when({ type: 'assign', owner: patti }, adele).then([{ ...assigned(), at: now.toISOString() }]);
      assert.deepEqual(after?.owner, person(patti));
      given([logged(), assigned()]).when({ type: 'assign', owner: patti }, adele).thenNothingHappens();
      given([logged(), assigned()]).when({ type: 'assign', owner: adele }, adele).then([{ ...assigned(adele), at: now.toISOString() }]);
    });

    it('refuses an owner outside the Communications Team, or one the directory does not know', () => {
      for (const owner of [alex, undefined]) {
        given([logged()]).when({ type: 'assign', ...(owner ? { owner } : {}) }, adele)
          .thenRejects('invalid', 'Choose a member of the Communications Team.', { owner: 'Choose a member of the Communications Team.' });
      }
    });

    it('refuses anyone outside the Communications Team as if the post did not exist', () => {
      for (const actor of [alex, isaiah]) given([logged()]).when({ type: 'assign', owner: adele }, actor).thenRejects('not_found', NOT_FOUND);
    });

    it('refuses a closed post', () => {
      given([logged('problem_or_enquiry'), resolved()]).when({ type: 'assign', owner: patti }, patti)
        .thenRejects('already_decided', `${REF} is closed (resolved): reopen it first.`);
    });
  });

  describe('respond', () => {
    const respond = (response = 'Apologised and asked for her address by direct message.'): CustomerPostCommand => ({ type: 'respond', response });

    it('records the first response and stops the complaint\'s clock', () => {
      const after = given([logged()]).when(respond(), adele).then([{ ...responded(), at: now.toISOString() }]);
      assert.equal(after?.state, 'responded');
      assert.equal(after?.clock, undefined);
      assert.deepEqual(after?.firstResponse, { at: now.toISOString(), text: 'Apologised and asked for her address by direct message.' });
    });

    it('keeps an enquiry\'s resolution clock running', () => {
      const after = given([logged('problem_or_enquiry')]).when(respond(), adele).then([{ ...responded(), at: now.toISOString() }]);
      assert.equal(after?.clock?.kind, 'resolution');
    });

    it('ends monitoring when the team intervenes', () => {
      const after = given([logged('misinformation'), monitoring()]).when(respond(), adele).then([{ ...responded(), at: now.toISOString() }]);
      assert.equal(after?.state, 'responded');
      assert.equal(after?.monitoring, undefined);
    });

    it('requires the line, of at most 500 characters', () => {
      given([logged()]).when(respond('  '), adele).thenRejects('invalid', 'Say what was said to the customer, in a line.', { response: 'Say what was said to the customer, in a line.' });
      given([logged()]).when(respond('x'.repeat(501)), adele).thenRejects('invalid', 'Keep the text to 500 characters (it has 501).', { response: 'Keep the text to 500 characters (it has 501).' });
    });

    it('owes no response to an offensive post', () => {
      given([logged('offensive')]).when(respond(), adele).thenRejects('wrong_state', 'No response is owed to an offensive post: hide or remove it.');
    });

    it('ignores a second press by the same person, and tells anyone else it was already recorded', () => {
      given([logged(), responded()]).when(respond(), adele).thenNothingHappens();
      given([logged(), responded()]).when(respond(), patti).thenRejects('already_decided', 'The first response was already recorded on 25 Nov 2026, 10:10.');
    });
  });

  describe('extend (tell the customer it will take longer)', () => {
    const LATER = '2026-12-04T17:00:00.000Z';
    const extend = (overrides: Partial<Extract<CustomerPostCommand, { type: 'extend' }>> = {}): CustomerPostCommand =>
      ({ type: 'extend', newDate: '2026-12-04', dueAt: LATER, reason: 'Waiting for the contractor.', ...overrides });

    it('moves the resolution date, with why, and starts a new clock', () => {
      const after = given([logged('problem_or_enquiry')]).when(extend(), adele).then([{ ...toldLonger(LATER), at: now.toISOString() }]);
      assert.deepEqual(after?.clock, { kind: 'resolution', dueAt: LATER, startedAt: now.toISOString() });
      assert.deepEqual(after?.history.at(-1), { action: 'CustomerToldLonger', by: person(adele), at: now.toISOString(), note: 'Waiting for the contractor.', dueAt: LATER });
    });

    it('needs both a date and why', () => {
      given([logged('problem_or_enquiry')]).when(extend({ newDate: '', reason: '' }), adele).thenRejects('invalid', 'Please check the highlighted fields.', {
        newDate: 'Choose the new date.', longerReason: 'Say why it will take longer.',
      });
    });

    it('refuses a weekend or holiday, a date in the past and one no later than the current date', () => {
      const { dueAt: _none, ...weekend } = extend({ newDate: '2026-12-05' }) as Extract<CustomerPostCommand, { type: 'extend' }>;
      given([logged('problem_or_enquiry')]).when(weekend, adele)
        .thenRejects('invalid', 'Choose a working day: 5 Dec 2026 is a weekend or a holiday.', { newDate: 'Choose a working day: 5 Dec 2026 is a weekend or a holiday.' });
      given([logged('problem_or_enquiry')]).when(extend({ newDate: '2026-11-24', dueAt: at('17:00', '24') }), adele)
        .thenRejects('invalid', 'The new date must be in the future.', { newDate: 'The new date must be in the future.' });
      given([logged('problem_or_enquiry')]).when(extend({ newDate: '2026-12-01', dueAt: '2026-12-01T17:00:00.000Z' }), adele)
        .thenRejects('invalid', 'The new date must be later than the current one (3 Dec 2026, 09:20).', { newDate: 'The new date must be later than the current one (3 Dec 2026, 09:20).' });
    });

    it('is only for a post with a resolution date running', () => {
      given([logged()]).when(extend(), adele).thenRejects('wrong_state', 'Only a problem or enquiry has a resolution date to move.');
      given([logged('problem_or_enquiry'), monitoring()]).when(extend(), adele).thenRejects('wrong_state', `${REF} has no resolution date running now.`);
    });

    it('ignores a second press of the same date', () => {
      given([logged('problem_or_enquiry'), toldLonger(LATER)]).when(extend(), adele).thenNothingHappens();
    });
  });

  describe('resolve', () => {
    const resolve = (outcome = 'Repair booked for Friday.'): CustomerPostCommand => ({ type: 'resolve', outcome });

    it('closes an enquiry with its outcome', () => {
      const after = given([logged('problem_or_enquiry')]).when(resolve(), adele).then([{ ...resolved(), at: now.toISOString() }]);
      assert.equal(after?.state, 'resolved');
      assert.equal(after?.clock, undefined);
      assert.deepEqual(after?.resolution, { at: now.toISOString(), outcome: 'Repair booked for Friday.' });
    });

    it('wants a complaint answered first, then resolves it', () => {
      given([logged()]).when(resolve(), adele).thenRejects('wrong_state', 'Record the first response first: complaints are answered within 24 hours.');
      given([logged(), responded()]).when(resolve(), adele).then([{ ...resolved(), at: now.toISOString() }]);
    });

    it('requires the outcome', () => {
      given([logged('compliment')]).when(resolve(''), adele).thenRejects('invalid', 'Say how it was resolved, in a line.', { outcome: 'Say how it was resolved, in a line.' });
    });

    it('does not resolve an offensive post', () => {
      given([logged('offensive')]).when(resolve(), adele).thenRejects('wrong_state', 'An offensive post is hidden or removed, not resolved.');
    });

    it('ignores a second press by the same person; anyone else is told it is closed', () => {
      given([logged('compliment'), resolved()]).when(resolve(), adele).thenNothingHappens();
      given([logged('compliment'), resolved()]).when(resolve(), patti).thenRejects('already_decided', `${REF} is closed (resolved): reopen it first.`);
    });
  });

  describe('monitor (decide not to comment)', () => {
    const LOOK_AGAIN = at('09:00', '27');
    const monitor = (overrides: Partial<Extract<CustomerPostCommand, { type: 'monitor' }>> = {}): CustomerPostCommand =>
      ({ type: 'monitor', reason: 'Answering would draw attention to a tenant.', lookAgainOn: '2026-11-27', lookAgainAt: LOOK_AGAIN, ...overrides });

    it('records why, and when to look again, and stops the clock', () => {
      const after = given([logged()]).when(monitor(), adele).then([{ ...monitoring(LOOK_AGAIN), at: now.toISOString() }]);
      assert.equal(after?.state, 'monitoring');
      assert.equal(after?.clock, undefined);
      assert.deepEqual(after?.monitoring, { reason: 'Answering would draw attention to a tenant.', lookAgainAt: LOOK_AGAIN });
    });

    it('needs a reason and a date in the future, within a year', () => {
      given([logged()]).when(monitor({ reason: '', lookAgainOn: '' }), adele).thenRejects('invalid', 'Please check the highlighted fields.', {
        lookAgainOn: 'Choose the date to look again.', monitorReason: 'Say why it is better not to comment.',
      });
      given([logged()]).when(monitor({ lookAgainOn: '2026-11-24', lookAgainAt: at('09:00', '24') }), adele)
        .thenRejects('invalid', 'The date to look again must be in the future.', { lookAgainOn: 'The date to look again must be in the future.' });
      given([logged()]).when(monitor({ lookAgainOn: '2028-01-04', lookAgainAt: '2028-01-04T09:00:00.000Z' }), adele)
        .thenRejects('invalid', 'Choose a date within a year.', { lookAgainOn: 'Choose a date within a year.' });
    });

    it('can set a new date while monitoring; the same again changes nothing', () => {
      given([logged(), monitoring(LOOK_AGAIN)]).when(monitor(), adele).thenNothingHappens();
      given([logged(), monitoring(LOOK_AGAIN)]).when(monitor({ lookAgainOn: '2026-12-01', lookAgainAt: '2026-12-01T09:00:00.000Z' }), adele)
        .then([{ ...monitoring('2026-12-01T09:00:00.000Z'), at: now.toISOString() }]);
    });

    it('does not monitor an offensive post', () => {
      given([logged('offensive')]).when(monitor(), adele).thenRejects('wrong_state', 'An offensive post is hidden or removed, not monitored.');
    });
  });

  describe('moderate (hide or remove an offensive post)', () => {
    it('records what was done, on the post\'s own site; no response is owed', () => {
      const after = given([logged('offensive')]).when({ type: 'moderate', action: 'hidden', note: '' }, adele).then([{ ...hidden(), at: now.toISOString() }]);
      assert.equal(after?.state, 'hidden_or_removed');
      assert.deepEqual(after?.moderation, { action: 'hidden', at: now.toISOString() });
    });

    it('needs to know whether it was hidden or removed', () => {
      given([logged('offensive')]).when({ type: 'moderate', note: '' }, adele)
        .thenRejects('invalid', 'Say whether the post was hidden or removed.', { moderation: 'Say whether the post was hidden or removed.' });
    });

    it('is only for an offensive post', () => {
      given([logged()]).when({ type: 'moderate', action: 'removed', note: '' }, adele).thenRejects('wrong_state', 'Only an offensive post is hidden or removed under the house rules.');
    });
  });

  describe('hand to the Group Complaints Policy', () => {
    const hand = (complaintsReference = 'COMP-88812'): CustomerPostCommand => ({ type: 'handToComplaints', complaintsReference });

    it('closes the complaint here with its reference in the complaints system', () => {
      const after = given([logged()]).when(hand(), adele).then([{ ...handed(), at: now.toISOString() }]);
      assert.equal(after?.state, 'handed_to_complaints');
      assert.equal(after?.complaintsReference, 'COMP-88812');
      assert.equal(after?.clock, undefined);
    });

    it('needs the reference, on one line, of at most 40 characters', () => {
      given([logged()]).when(hand(''), adele).thenRejects('invalid', 'Give the complaint\'s reference in the complaints system.', { complaintsReference: 'Give the complaint\'s reference in the complaints system.' });
      given([logged()]).when(hand('C'.repeat(41)), adele).thenRejects('invalid', 'Keep the text to 40 characters (it has 41).', { complaintsReference: 'Keep the text to 40 characters (it has 41).' });
      given([logged()]).when(hand('COMP\n1'), adele).thenRejects('invalid', 'Give the reference on one line.', { complaintsReference: 'Give the reference on one line.' });
    });

    it('is only for a complaint', () => {
      given([logged('problem_or_enquiry')]).when(hand(), adele).thenRejects('wrong_state', 'Only a complaint is handed to the Group Complaints Policy.');
    });
  });

  describe('reopen', () => {
    const reopen = (reason = 'The customer posted again: the repair did not happen.'): CustomerPostCommand => ({ type: 'reopen', reason, deadlines: deadlines(now.toISOString()) });

    it('reopens a resolved enquiry with a new five working days from now', () => {
      const after = given([logged('problem_or_enquiry'), resolved()]).when(reopen(), adele).then([{
        type: 'Reopened', at: now.toISOString(), by: person(adele), reason: 'The customer posted again: the repair did not happen.',
        clock: { kind: 'resolution', dueAt: '2026-12-03T10:00:00.000Z', startedAt: now.toISOString() },
      }]);
      assert.equal(after?.state, 'open');
      assert.equal(after?.resolution, undefined);
    });

    it('gives a reopened complaint never answered a new 24 hours, and one answered no clock', () => {
      const unanswered = given([logged(), handed()]).when(reopen(), adele).then([{
        type: 'Reopened', at: now.toISOString(), by: person(adele), reason: 'The customer posted again: the repair did not happen.',
        clock: { kind: 'firstResponse', dueAt: at('10:00', '26'), startedAt: now.toISOString() },
      }]);
      assert.equal(unanswered?.state, 'open');
      const answered = given([logged(), responded(), handed()]).when(reopen(), adele).then([{
        type: 'Reopened', at: now.toISOString(), by: person(adele), reason: 'The customer posted again: the repair did not happen.',
      }]);
      assert.equal(answered?.state, 'responded');
      assert.equal(answered?.clock, undefined);
    });

    it('reopens a hidden post', () => {
      const after = given([logged('offensive'), hidden()]).when(reopen(), adele).then([{ type: 'Reopened', at: now.toISOString(), by: person(adele), reason: 'The customer posted again: the repair did not happen.' }]);
      assert.equal(after?.state, 'open');
      assert.equal(after?.moderation, undefined);
    });

    it('needs why, and only reopens a closed post', () => {
      given([logged(), handed()]).when(reopen(''), adele).thenRejects('invalid', 'Say why the post is reopened.', { reopenReason: 'Say why the post is reopened.' });
      given([logged()]).when(reopen(), adele).thenRejects('wrong_state', `${REF} is still open.`);
    });
  });

  describe('information received from a colleague', () => {
    const answer = (overrides: Partial<Extract<CustomerPostCommand, { type: 'informationReceived' }>> = {}): CustomerPostCommand =>
      ({ type: 'informationReceived', request: 'IR-2026-00001', from: megan, answer: 'The repair was booked on 20 November for Friday.', ...overrides });
    const received = (request = 'IR-2026-00001'): CustomerPostEvent =>
      ({ type: 'InformationReceived', at: now.toISOString(), by: system, request, from: megan, answer: 'The repair was booked on 20 November for Friday.' });

    it('lands the answer on the post from the system, with a step in its history', () => {
      const after = given([logged()]).when(answer(), SYSTEM).then([received()]);
      assert.deepEqual(after?.information, [{ request: 'IR-2026-00001', from: megan, answer: 'The repair was booked on 20 November for Friday.', at: now.toISOString() }]);
      assert.deepEqual(after?.history.at(-1), { action: 'InformationReceived', by: system, at: now.toISOString(), from: megan, request: 'IR-2026-00001' });
    });

    it('adds the same request\'s answer once, even delivered again', () => {
      given([logged(), received()]).when(answer(), SYSTEM).thenNothingHappens();
      given([logged(), received()]).when(answer({ request: 'IR-2026-00002' }), SYSTEM).then([received('IR-2026-00002')]);
    });

    it('keeps the answer to 1,000 characters and lands it on a closed post too', () => {
      const after = given([logged('compliment'), resolved()]).when(answer({ answer: 'y'.repeat(5000) }), SYSTEM).decision;
      assert.ok(after.ok);
      assert.equal((after.events[0] as Extract<CustomerPostEvent, { type: 'InformationReceived' }>).answer.length, 1000);
    });

    it('keeps the latest three answers on the post', () => {
      const history = [logged(), ...['1', '2', '3', '4'].map((n) => received(`IR-2026-0000${n}`))];
      assert.deepEqual(stateAfter(history).information.map((item) => item.request), ['IR-2026-00002', 'IR-2026-00003', 'IR-2026-00004']);
    });

    it('is refused from anyone but the system, and from a reference that is none', () => {
      given([logged()]).when(answer(), adele).thenRejects('forbidden', 'Answers from colleagues arrive through their information request.');
      given([logged()]).when(answer(), alex).thenRejects('not_found', NOT_FOUND);
      given([logged()]).when(answer({ request: 'not a reference' }), SYSTEM).thenRejects('invalid', 'That is not an information request reference.');
    });
  });

  describe('timers', () => {
    const DUE = at('09:20', '26');

    it('reminds once at three quarters, only for the deadline it was set for', () => {
      given([logged()]).when({ type: 'remind', basis: DUE }, SYSTEM, new Date(at('15:20'))).then([reminded(at('15:20'))]);
      given([logged(), reminded(at('15:20'))]).when({ type: 'remind', basis: DUE }, SYSTEM, new Date(at('15:30'))).thenNothingHappens();
      given([logged()]).when({ type: 'remind', basis: at('09:00', '26') }, SYSTEM, new Date(at('15:20'))).thenNothingHappens();
    });

    it('marks the post overdue at the deadline, once, and a late reminder then says nothing', () => {
      given([logged()]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(at('09:00', '26'))).thenNothingHappens();
      const after = given([logged()]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(DUE)).then([overdue(DUE)]);
      assert.equal(after?.clock?.overdueAt, DUE);
      given([logged(), overdue(DUE)]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(at('10:00', '26'))).thenNothingHappens();
      given([logged(), overdue(DUE)]).when({ type: 'remind', basis: DUE }, SYSTEM, new Date(at('10:00', '26'))).thenNothingHappens();
    });

    it('leaves the old deadline\'s timers with nothing to do after a later date is set', () => {
      const old = '2026-12-03T09:20:00.000Z';
      const history = [logged('problem_or_enquiry'), toldLonger('2026-12-04T17:00:00.000Z')];
      given(history).when({ type: 'remind', basis: old }, SYSTEM, new Date('2026-12-01T15:00:00Z')).thenNothingHappens();
      given(history).when({ type: 'markOverdue', basis: old }, SYSTEM, new Date(old)).thenNothingHappens();
      given(history).when({ type: 'markOverdue', basis: '2026-12-04T17:00:00.000Z' }, SYSTEM, new Date('2026-12-04T17:00:00Z'))
        .then([overdue('2026-12-04T17:00:00.000Z')]);
    });

    it('does nothing once the clock has stopped (answered, monitored, closed)', () => {
      for (const stop of [responded(), monitoring(), handed()]) {
        given([logged(), stop]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(DUE)).thenNothingHappens();
      }
    });

    it('tells the team to look again on the date, once, while the post is still monitored', () => {
      const LOOK = at('09:00', '27');
      given([logged(), monitoring(LOOK)]).when({ type: 'lookAgain', basis: LOOK }, SYSTEM, new Date(at('08:00', '27'))).thenNothingHappens();
      const after = given([logged(), monitoring(LOOK)]).when({ type: 'lookAgain', basis: LOOK }, SYSTEM, new Date(LOOK)).then([{ type: 'LookAgainDue', at: LOOK, by: system }]);
      assert.equal(after?.monitoring?.toldAt, LOOK);
      given([logged(), monitoring(LOOK), { type: 'LookAgainDue', at: LOOK, by: system }]).when({ type: 'lookAgain', basis: LOOK }, SYSTEM, new Date(LOOK)).thenNothingHappens();
      given([logged(), monitoring(LOOK), responded('11:00')]).when({ type: 'lookAgain', basis: LOOK }, SYSTEM, new Date(LOOK)).thenNothingHappens();
    });

    it('ignores a timer command from a person', () => {
      given([logged()]).when({ type: 'markOverdue', basis: DUE }, adele, new Date(DUE)).thenNothingHappens();
    });
  });

  describe('the steps each post offers (the card asks the model)', () => {
    const stepsOf = (history: readonly CustomerPostEvent[], viewer: Actor = adele) => [...availableSteps(stateAfter(history), viewer)].sort();

    it('offers each kind and state only the steps the model accepts, and nothing outside the Communications Team', () => {
      assert.deepEqual(stepsOf([logged()]), ['assign', 'handToComplaints', 'monitor', 'respond']);
      assert.deepEqual(stepsOf([logged(), responded()]), ['assign', 'handToComplaints', 'monitor', 'resolve']);
      assert.deepEqual(stepsOf([logged('problem_or_enquiry')]), ['assign', 'extend', 'monitor', 'resolve', 'respond']);
      assert.deepEqual(stepsOf([logged('offensive')]), ['assign', 'moderate']);
      assert.deepEqual(stepsOf([logged('compliment')]), ['assign', 'monitor', 'resolve', 'respond']);
      assert.deepEqual(stepsOf([logged('misinformation'), monitoring()]), ['assign', 'monitor', 'resolve', 'respond']);
      assert.deepEqual(stepsOf([logged(), handed()]), ['reopen']);
      assert.deepEqual(stepsOf([logged()], alex), []);
    });
  });

  describe('what a post holds', () => {
    it('stays below what a table property holds with every text at its longest and worst', () => {
      const worst = (length: number) => '"\\'.repeat(length).slice(0, length);
      const longPerson = (n: number): Person => ({ id: `${n}`.padEnd(100, 'i'), name: worst(100) });
      const comms = { ...longPerson(1), roles: ['comms'] } as Actor;
      let post = stateAfter([{
        ...logged(), by: longPerson(1),
        details: { ...details(), platform: 'other', platformOther: worst(60), link: `https://example.com/${'a'.repeat(480)}`, summary: worst(500), handle: worst(100) },
      }]);
      const apply = (command: CustomerPostCommand, actor: Actor) => {
        const decision = decide(post, command, { actor, now });
        assert.ok(decision.ok, JSON.stringify(decision).slice(0, 300));
        post = decision.events.reduce<CustomerPost | undefined>(evolve, post)!;
      };
      apply({ type: 'assign', owner: { ...longPerson(2), roles: ['comms'] } }, comms);
      apply({ type: 'respond', response: worst(500) }, comms);
      for (let n = 1; n <= 60; n++) apply({ type: 'informationReceived', request: `IR-2026-${String(n).padStart(7, '0')}`, from: longPerson(n), answer: worst(1000) }, SYSTEM);
      for (let n = 0; n < 10; n++) {
        apply({ type: 'monitor', reason: worst(500), lookAgainOn: '2026-12-01', lookAgainAt: `2026-12-0${1 + (n % 2)}T09:00:00.000Z` }, comms);
      }
      apply({ type: 'handToComplaints', complaintsReference: worst(40) }, comms);
      apply({ type: 'reopen', reason: worst(500), deadlines: deadlines(now.toISOString()) }, comms);
      apply({ type: 'resolve', outcome: worst(500) }, comms);
      assert.ok(encodedLength(post) < SNAPSHOT_MAX_CHARS, `${encodedLength(post)} characters`);
    });
  });

  describe('the log post form', () => {
    const form = (overrides: Record<string, unknown> = {}) => ({
      platform: 'facebook', platformOther: '', link: LINK, postedOn: '2026-11-25', postedTime: '09:20', kind: 'complaint', summary: 'Boiler repair waited three weeks.', handle: '', ...overrides,
    });

    it('reads the date and time in London time, stores no handle when none is given, and computes both clocks', () => {
      const checked = validateLogPostForm(form(), now, workingTime);
      assert.ok(checked.ok);
      assert.equal(checked.details.postedAt, POSTED);
      assert.equal(checked.details.handle, undefined);
      assert.deepEqual(checked.deadlines, { firstResponse: at('09:20', '26'), resolution: '2026-12-03T09:20:00.000Z' });
      const summer = validateLogPostForm(form({ postedOn: '2026-07-03', postedTime: '16:00' }), new Date('2026-07-03T16:00:00Z'), workingTime);
      assert.ok(summer.ok);
      assert.equal(summer.details.postedAt, '2026-07-03T15:00:00.000Z', '16:00 BST');
    });

    it('accepts a weekend or holiday, refuses the future and more than a year back, and names each problem', () => {
      assert.ok(validateLogPostForm(form({ postedOn: '2026-11-21' }), now, workingTime).ok, 'a Saturday');
      assert.ok(validateLogPostForm(form({ postedOn: '2025-12-01', postedTime: '12:00' }), now, workingTime).ok, 'St Andrew\'s Day (observed) last year');
      const future = validateLogPostForm(form({ postedTime: '10:10' }), now, workingTime);
      assert.deepEqual(!future.ok && future.fieldErrors, { postedOn: 'The post can\'t be in the future: check the date and time.' });
      const old = validateLogPostForm(form({ postedOn: '2025-11-24' }), now, workingTime);
      assert.deepEqual(!old.ok && old.fieldErrors, { postedOn: 'Check the date: it is more than 12 months ago.' });
      const empty = validateLogPostForm({}, now, workingTime);
      assert.deepEqual(!empty.ok && Object.keys(empty.fieldErrors ?? {}).sort(), ['kind', 'link', 'platform', 'postedOn', 'postedTime', 'summary']);
      const two = validateLogPostForm(form({ link: `${LINK} https://x.example/2`, kind: 'rant', postedTime: '25:00' }), now, workingTime);
      assert.deepEqual(!two.ok && Object.keys(two.fieldErrors ?? {}).sort(), ['kind', 'link', 'postedTime']);
    });
  });

  describe('the desk report', () => {
    const row = (history: readonly CustomerPostEvent[], when = now) => deskReportRow(stateAfter(history), when, workingTime);

    it('says whether a complaint was answered within 24 hours: yes, no, or blank while there is still time', () => {
      assert.equal(row([logged(), responded()]).within24Hours, 'yes');
      assert.equal(row([logged(), { ...responded(), at: at('09:21', '26') }]).within24Hours, 'no');
      assert.equal(row([logged()]).within24Hours, '');
      assert.equal(row([logged()], new Date(at('09:21', '26'))).within24Hours, 'no');
      assert.equal(row([logged('compliment')]).within24Hours, '', 'not a complaint');
    });

    it('says whether an enquiry was resolved within 5 working days, measured from the post whatever the customer was told', () => {
      assert.equal(row([logged('problem_or_enquiry'), resolved()]).within5WorkingDays, 'yes');
      const late = row([logged('problem_or_enquiry'), toldLonger('2026-12-04T17:00:00.000Z'), { ...resolved(), at: '2026-12-03T10:00:00.000Z' }]);
      assert.deepEqual([late.within5WorkingDays, late.resolvedAt, late.outcome], ['no', '2026-12-03T10:00:00.000Z', 'Repair booked for Friday.']);
      assert.equal(row([logged()]).within5WorkingDays, '', 'not an enquiry');
    });

    it('writes formula-safe CSV in UTF-8 with a byte order mark, and the same rows as JSON', () => {
      const post = stateAfter([{ ...logged(), details: { ...details(), platform: 'other', platformOther: '=HYPERLINK("https://evil.example")' } }, responded(), handed()]);
      const csv = deskReport([post], { from: '2026-01-01', to: '2026-12-31', format: 'csv', exportedAt: now }, workingTime);
      assert.ok(csv.ok);
      assert.ok(csv.body.startsWith('\uFEFFreference,platform,kind,received,firstResponseAt,within24Hours,resolvedAt,within5WorkingDays,outcome\r\n'));
      assert.equal(csv.body.split('\r\n')[1],
        `${REF},"'=HYPERLINK(""https://evil.example"")",Complaint,${POSTED},${at('10:10')},yes,,,Handed to the Group Complaints Policy (COMP-88812)`);
      assert.equal(csv.fileName, 'customer-posts-2026-01-01-to-2026-12-31.csv');
      const json = deskReport([post], { from: '2026-11-25', to: '2026-11-25', format: 'json', exportedAt: now }, workingTime);
      assert.ok(json.ok);
      assert.equal((JSON.parse(json.body) as { rows: { platform: string }[] }).rows[0]?.platform, '=HYPERLINK("https://evil.example")');
      const none = deskReport([post], { from: '2026-11-26', to: '2026-11-30', format: 'csv', exportedAt: now }, workingTime);
      assert.equal(none.ok && none.rowCount, 0, 'received outside the range');
    });
  });
});
