import { dueFrom } from '../../src/domain/due-choices';
import assert from 'node:assert/strict';
import type { Effect } from '../../src/domain/effects';
import type { Rejection } from '../../src/domain/outcome';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { TAKEDOWN_TIMERS, takedownEffects } from '../../src/workflows/takedown/effects';
import { EXPLANATION_MAX, EXPLANATION_MIN, validateTakedownForm, type TakedownFormInput, type ValidTakedownForm } from '../../src/workflows/takedown/form';
import { decide, evolve, type TakedownCommand, type TakedownDetails, type TakedownEvent, type TakedownNotice, type TakedownState } from '../../src/workflows/takedown/model';
import { nextStep, permittedActions } from '../../src/workflows/takedown/view';

/**
 * The takedown form, the deadlines it sets and what follows each event, on the policy's working-time
 * clock (Europe/London, Scottish bank holidays). Wednesday 25 November 2026 is in GMT; Monday
 * 30 November 2026 is St Andrew's Day, a Scottish bank holiday.
 */
const workingTime = createWorkingTime();
const effectsOf = takedownEffects(workingTime);
const now = new Date('2026-11-25T10:00:00Z');
const DEADLINE = '2026-11-26T10:00:00.000Z';

const alex: Actor = { id: 'aad-alex', name: 'Alex Wilber', roles: [] };
const megan: Actor = { id: 'aad-megan', name: 'Megan Bowen', roles: [] };
const adele: Actor = { id: 'aad-adele', name: 'Adele Vance', roles: ['comms'] };
const patti: Actor = { id: 'aad-patti', name: 'Patti Fernandez', roles: ['comms', 'admin'] };
const ria: Actor = { id: 'aad-ria', name: 'Ria Admin', roles: ['admin'] };
const stranger: Actor = { id: 'aad-stranger', name: 'Sam Stranger', roles: [] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const REF = 'TD-2026-00001';
const EXPLANATION = 'The post names a tenant and their address in Govan.';
const details: TakedownDetails = { link: 'https://www.facebook.com/alex/posts/1', platform: 'facebook', clauses: ['about_stakeholders'], explanation: EXPLANATION };

/* ---- the form ---- */

const complete: TakedownFormInput = {
  recipient: 'aad-alex', recipientSearch: '', link: 'https://www.facebook.com/alex/posts/1', platform: 'facebook', platformOther: '',
  clauses: 'about_stakeholders,identifying_people', explanation: EXPLANATION, deadline: 'days1',
};

function accepted(input: TakedownFormInput, when = now): ValidTakedownForm {
  const result = validateTakedownForm(input, when, workingTime);
  assert.ok(result.ok, `expected the form to pass, got ${JSON.stringify(result)}`);
  return result;
}

function refused(input: TakedownFormInput): Rejection {
  const result = validateTakedownForm(input, now, workingTime);
  assert.equal(result.ok, false, `expected the form to be refused, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, 'invalid');
  assert.equal(result.message, 'Please check the highlighted fields.');
  return result;
}

/** Given a complete form with `change` applied, exactly one field is in error, with this message. */
function onlyError(change: Partial<Record<keyof TakedownFormInput, unknown>>, field: string, message: string): void {
  const { fieldErrors } = refused({ ...complete, ...change });
  assert.deepEqual(fieldErrors, { [field]: message });
}

const LINK_ERROR = 'Give the one link to the post (http or https).';

describe('takedown form', () => {
  it('accepts a complete form, with the deadline counted in working time', () => {
    assert.deepEqual(accepted(complete), {
      ok: true, recipientId: 'aad-alex', deadline: DEADLINE,
      details: { link: 'https://www.facebook.com/alex/posts/1', platform: 'facebook', clauses: ['about_stakeholders', 'identifying_people'], explanation: EXPLANATION },
    });
  });

  it('lists every problem at once, next to its field', () => {
    const { fieldErrors } = refused({});
    assert.deepEqual(Object.keys(fieldErrors ?? {}).sort(), ['clauses', 'explanation', 'link', 'platform', 'recipient']);
  });

  it('asks for the member of staff, and prefers the one found by search', () => {
    onlyError({ recipient: '  ', recipientSearch: '' }, 'recipient', 'Choose the member of staff who made the post.');
    assert.equal(accepted({ ...complete, recipient: 'aad-alex', recipientSearch: ' aad-megan ' }).recipientId, 'aad-megan');
    assert.equal(accepted({ ...complete, recipient: 'aad-alex', recipientSearch: 42 }).recipientId, 'aad-alex');
  });

  it('takes exactly one http or https link to the post', () => {
    for (const link of ['', 'facebook.com/alex/posts/1', 'javascript:alert(1)', 'ftp://files.example/post', 'https://user:secret@facebook.com/p',
      'https://facebook.com/a https://facebook.com/b', 'https://facebook.com/a,https://facebook.com/b', 42]) {
      onlyError({ link }, 'link', LINK_ERROR);
    }
    assert.equal(accepted({ ...complete, link: '  http://x.com/alex/status/1  ' }).details.link, 'http://x.com/alex/status/1');
  });

  it('asks for the site, and names an other site of at least 2 characters', () => {
    onlyError({ platform: 'myspace' }, 'platform', 'Choose the site or app.');
    onlyError({ platform: 'other', platformOther: ' M ' }, 'platformOther', 'Name the site or app.');
    assert.deepEqual(accepted({ ...complete, platform: 'other', platformOther: ' Mastodon\n server ' }).details,
      { ...accepted(complete).details, platform: 'other', platformOther: 'Mastodon server' });
    assert.ok(!('platformOther' in accepted({ ...complete, platformOther: 'Mastodon' }).details), 'an other site is kept only for "Other"');
  });

  it('needs at least one clause from Appendix 1, and keeps only known ones in the policy\'s order', () => {
    for (const clauses of ['', ' , ', 'not_a_clause', 42]) onlyError({ clauses }, 'clauses', 'Choose what the post breaches.');
    assert.deepEqual(accepted({ ...complete, clauses: 'copyright, disparaging_or_defamatory,bogus' }).details.clauses, ['disparaging_or_defamatory', 'copyright']);
  });

  it(`needs an explanation of ${EXPLANATION_MIN} to ${EXPLANATION_MAX} characters`, () => {
    onlyError({ explanation: `  ${'x'.repeat(EXPLANATION_MIN - 1)}  ` }, 'explanation', `Explain the breach so the person understands it (at least ${EXPLANATION_MIN} characters).`);
    onlyError({ explanation: 'x'.repeat(EXPLANATION_MAX + 1) }, 'explanation', `Keep it to ${EXPLANATION_MAX} characters at most.`);
    assert.equal(accepted({ ...complete, explanation: 'x'.repeat(EXPLANATION_MIN) }).details.explanation.length, EXPLANATION_MIN);
    assert.equal(accepted({ ...complete, explanation: 'x'.repeat(EXPLANATION_MAX) }).details.explanation.length, EXPLANATION_MAX);
  });

  it('takes only the offered deadline choices, 1 working day when none is chosen', () => {
    for (const deadline of ['days4', 'hours1', 'tomorrow', 8]) onlyError({ deadline }, 'deadline', 'Choose a deadline.');
    assert.equal(accepted({ ...complete, deadline: undefined }).deadline, DEADLINE);
    assert.equal(accepted({ ...complete, deadline: '' }).deadline, DEADLINE);
    assert.equal(accepted({ ...complete, deadline: 'hours4' }).deadline, '2026-11-25T14:00:00.000Z');
    assert.equal(accepted({ ...complete, deadline: 'days5' }).deadline, '2026-12-03T10:00:00.000Z', 'Wed + 5 working days skips the weekend and St Andrew\'s Day');
  });
});

describe('takedown deadlines in working time', () => {
  const fridayAfternoon = new Date('2026-11-27T16:00:00Z');
  const deadline = (choice: unknown, from: Date) => dueFrom(choice, from, workingTime)?.toISOString();

  it('counts 1 working day from Friday 16:00 to Tuesday 16:00 over a weekend and St Andrew\'s Day', () => {
    assert.equal(deadline('days1', fridayAfternoon), '2026-12-01T16:00:00.000Z');
    assert.equal(deadline(undefined, fridayAfternoon), '2026-12-01T16:00:00.000Z', 'the default is 1 working day');
  });

  it('counts 4 working hours from Friday 16:00 to Tuesday 12:00', () => {
    assert.equal(deadline('hours4', fridayAfternoon), '2026-12-01T12:00:00.000Z');
  });

  it('starts counting at 09:00 on the next working day when issued at the weekend', () => {
    assert.equal(deadline('days1', new Date('2026-11-28T11:00:00Z')), '2026-12-01T17:00:00.000Z');
  });

  it('keeps the wall-clock time across the spring clock change', () => {
    // Friday 27 March 2026 16:00 GMT; clocks go forward on Sunday 29 March: Monday 16:00 BST is 15:00 UTC.
    assert.equal(deadline('days1', new Date('2026-03-27T16:00:00Z')), '2026-03-30T15:00:00.000Z');
  });

  it('has no deadline for a choice it does not offer', () => {
    assert.equal(deadline('days4', fridayAfternoon), undefined);
  });
});

/* ---- effects ---- */

type Step = readonly [TakedownCommand, Actor, string?];
const issue: Step = [{ type: 'issue', reference: REF, recipient: person(alex), manager: person(megan), details, deadline: DEADLINE }, adele];

/** Plays commands through the model, as the service would: each must be accepted. */
function play(steps: readonly Step[], first: Step = issue): { notice: TakedownNotice; events: TakedownEvent[] } {
  let notice: TakedownNotice | undefined;
  let events: TakedownEvent[] = [];
  for (const [command, actor, when] of [first, ...steps]) {
    const decision = decide(notice, command, { actor, now: when ? new Date(when) : now });
    assert.ok(decision.ok, `${command.type} by ${actor.name} was refused: ${JSON.stringify(decision)}`);
    events = [...decision.events];
    notice = events.reduce<TakedownNotice | undefined>(evolve, notice);
  }
  assert.ok(notice);
  return { notice, events };
}

/** The effects of the last step played. */
function effectsAfter(steps: readonly Step[], first: Step = issue): Effect[] {
  const { notice, events } = play(steps, first);
  return effectsOf(events, undefined, notice);
}

const notify = (to: Person, headline: string): Effect => ({ kind: 'notify', to: { person: { id: to.id, name: to.name } }, headline });
const timer = (name: string, dueAt: string, basis: string): Effect => ({ kind: 'timer', timer: name, dueAt, basis });
const timersOf = (effects: readonly Effect[]) => effects.filter((effect) => effect.kind === 'timer');
const REASON = 'The photo was taken at a public event with consent.';

describe('takedown effects', () => {
  it('asks the recipient to remove the post by the deadline, with a half-way reminder and the deadline as timers', () => {
    assert.deepEqual(effectsAfter([]), [
      notify(alex, 'The Communications Team asks you to remove a post that breaches the Social Media Policy, by Thu 26 Nov, 10:00.'),
      timer(TAKEDOWN_TIMERS.remind, '2026-11-25T14:00:00.000Z', DEADLINE),
      timer(TAKEDOWN_TIMERS.overdue, DEADLINE, DEADLINE),
    ]);
  });

  it('puts the half-way reminder half-way in working time, not in clock time, over a weekend and a bank holiday', () => {
    const friday = '2026-11-27T16:00:00.000Z';
    const tuesday = '2026-12-01T16:00:00.000Z';
    const effects = effectsAfter([], [{ ...issue[0], deadline: tuesday } as TakedownCommand, adele, friday]);
    assert.deepEqual(timersOf(effects), [
      timer(TAKEDOWN_TIMERS.remind, '2026-12-01T12:00:00.000Z', tuesday),
      timer(TAKEDOWN_TIMERS.overdue, tuesday, tuesday),
    ]);
  });

  it('puts the half-way reminder in working hours when the notice is issued at the weekend', () => {
    const saturday = '2026-11-28T11:00:00.000Z';
    const tuesday = '2026-12-01T17:00:00.000Z';
    const effects = effectsAfter([], [{ ...issue[0], deadline: tuesday } as TakedownCommand, adele, saturday]);
    assert.deepEqual(timersOf(effects)[0], timer(TAKEDOWN_TIMERS.remind, '2026-12-01T13:00:00.000Z', tuesday));
  });

  it('tells no one when the recipient only opens the card', () => {
    assert.deepEqual(effectsAfter([[{ type: 'acknowledge' }, alex]]), []);
  });

  it('tells the issuer when the recipient confirms the removal, disputes or asks for help', () => {
    assert.deepEqual(effectsAfter([[{ type: 'confirmRemoval' }, alex]]), [notify(adele, 'Alex Wilber says the post is removed. Please check and verify.')]);
    assert.deepEqual(effectsAfter([[{ type: 'dispute', note: REASON }, alex]]), [notify(adele, 'Alex Wilber disputes the takedown notice. Uphold or withdraw it.')]);
    assert.deepEqual(effectsAfter([[{ type: 'requestHelp' }, alex]]), [notify(adele, 'Alex Wilber needs help with the takedown notice.')]);
  });

  it('tells the recipient when the removal is verified or the notice withdrawn', () => {
    const confirmed: Step = [{ type: 'confirmRemoval' }, alex];
    assert.deepEqual(effectsAfter([confirmed, [{ type: 'verify' }, patti]]),
      [notify(alex, 'The Communications Team checked that the post is gone: the notice is closed. Thank you.')]);
    assert.deepEqual(effectsAfter([[{ type: 'withdraw' }, adele]]),
      [notify(alex, 'The Communications Team withdrew the takedown notice: nothing more is needed from you.')]);
  });

  it('gives the recipient a new deadline with new timers when the notice is reopened or upheld', () => {
    const newDeadline = '2026-11-26T14:00:00.000Z';
    const reopened = effectsAfter([[{ type: 'confirmRemoval' }, alex], [{ type: 'reopen', note: 'Still visible at 11:00.', deadline: newDeadline }, adele, '2026-11-25T11:00:00.000Z']]);
    assert.deepEqual(reopened, [
      notify(alex, 'The post is still visible. Please remove it by Thu 26 Nov, 14:00.'),
      timer(TAKEDOWN_TIMERS.remind, '2026-11-25T16:30:00.000Z', newDeadline),
      timer(TAKEDOWN_TIMERS.overdue, newDeadline, newDeadline),
    ]);
    const upheld = effectsAfter([[{ type: 'dispute', note: REASON }, alex], [{ type: 'uphold', note: 'The tenant can be identified.', deadline: newDeadline }, adele, '2026-11-25T11:00:00.000Z']]);
    assert.deepEqual(upheld, [
      notify(alex, 'The Communications Team has upheld the notice: please remove the post by Thu 26 Nov, 14:00.'),
      timer(TAKEDOWN_TIMERS.remind, '2026-11-25T16:30:00.000Z', newDeadline),
      timer(TAKEDOWN_TIMERS.overdue, newDeadline, newDeadline),
    ]);
  });

  it('reminds the recipient of the deadline', () => {
    assert.deepEqual(effectsAfter([[{ type: 'remind', basis: DEADLINE }, SYSTEM, '2026-11-25T14:00:00.000Z']]),
      [notify(alex, 'Reminder: please remove the post by Thu 26 Nov, 10:00, or tell the Communications Team why not.')]);
  });

  it('escalates an overdue notice to the recipient\'s manager, and tells the recipient and the issuer', () => {
    assert.deepEqual(effectsAfter([[{ type: 'markOverdue', basis: DEADLINE }, SYSTEM, DEADLINE]]), [
      notify(alex, 'The deadline to remove the post has passed, and your line manager has been told. Failing to comply may itself be a disciplinary matter.'),
      notify(adele, `${REF} is overdue: Alex Wilber has not confirmed the removal. Megan Bowen has been told.`),
      notify(megan, 'Alex Wilber has not removed a post by the deadline the Communications Team set. Please follow it up with them.'),
    ]);
  });

  it('tells only the recipient and the issuer when the recipient has no manager on record', () => {
    const { manager: _manager, ...noManager } = issue[0] as Extract<TakedownCommand, { type: 'issue' }>;
    assert.deepEqual(effectsAfter([[{ type: 'markOverdue', basis: DEADLINE }, SYSTEM, DEADLINE]], [noManager, adele]), [
      notify(alex, 'The deadline to remove the post has passed, and your line manager has been told. Failing to comply may itself be a disciplinary matter.'),
      notify(adele, `${REF} is overdue: Alex Wilber has not confirmed the removal.`),
    ]);
  });
});

/* ---- what each person may do, and what comes next ---- */

const at = (hhmm: string, day = '25') => `2026-11-${day}T${hhmm}:00.000Z`;
const NEW_DEADLINE = at('15:00', '27');
const confirm: Step = [{ type: 'confirmRemoval' }, alex, at('10:30')];
const dispute: Step = [{ type: 'dispute', note: REASON }, alex, at('10:30')];
const STEPS_TO: Readonly<Record<TakedownState, readonly Step[]>> = {
  issued: [],
  acknowledged: [[{ type: 'acknowledge' }, alex, at('10:05')]],
  removal_confirmed: [confirm],
  verified: [confirm, [{ type: 'verify' }, adele, at('11:00')]],
  reopened: [confirm, [{ type: 'reopen', note: 'Still visible at 11:00.', deadline: NEW_DEADLINE }, adele, at('11:00')]],
  disputed: [dispute],
  upheld: [dispute, [{ type: 'uphold', note: 'The tenant can be identified.', deadline: NEW_DEADLINE }, adele, at('11:00')]],
  withdrawn: [[{ type: 'withdraw' }, adele, at('11:00')]],
  overdue: [[{ type: 'markOverdue', basis: DEADLINE }, SYSTEM, DEADLINE]],
};
const noticeIn = (state: TakedownState): TakedownNotice => {
  const { notice } = play(STEPS_TO[state]);
  assert.equal(notice.state, state);
  return notice;
};
const allowed = (state: TakedownState, viewer: Actor, when = new Date(at('12:00', '26'))) =>
  Object.entries(permittedActions(noticeIn(state), viewer, when)).filter(([, yes]) => yes).map(([action]) => action);

describe('takedown buttons per person and state', () => {
  const recipientButtons: Readonly<Record<TakedownState, string[]>> = {
    issued: ['confirmRemoval', 'dispute', 'requestHelp'],
    acknowledged: ['confirmRemoval', 'dispute', 'requestHelp'],
    removal_confirmed: ['requestHelp'],
    reopened: ['confirmRemoval', 'requestHelp'],
    disputed: ['requestHelp'],
    upheld: ['confirmRemoval', 'requestHelp'],
    overdue: ['confirmRemoval', 'requestHelp'],
    verified: [],
    withdrawn: [],
  };
  const commsButtons: Readonly<Record<TakedownState, string[]>> = {
    issued: ['withdraw'],
    acknowledged: ['withdraw'],
    removal_confirmed: ['verify', 'reopen', 'withdraw'],
    reopened: ['withdraw'],
    disputed: ['uphold', 'withdraw'],
    upheld: ['withdraw'],
    overdue: ['withdraw'],
    verified: [],
    withdrawn: [],
  };

  for (const state of Object.keys(recipientButtons) as TakedownState[]) {
    it(`offers the recipient ${recipientButtons[state].join(', ') || 'nothing'} and the Communications Team ${commsButtons[state].join(', ') || 'nothing'} when ${state}`, () => {
      assert.deepEqual(allowed(state, alex), recipientButtons[state]);
      assert.deepEqual(allowed(state, adele), commsButtons[state]);
      assert.deepEqual(allowed(state, patti), commsButtons[state], 'any member of the Communications Team');
    });
  }

  it('offers the manager, admins and strangers nothing, even once escalated', () => {
    for (const state of ['issued', 'overdue', 'removal_confirmed'] as const) {
      for (const viewer of [megan, ria, stranger]) assert.deepEqual(allowed(state, viewer), [], `${viewer.name} when ${state}`);
    }
  });
});

describe('takedown next step', () => {
  it('says who removes the post, by when, with the working hours left', () => {
    const notice = noticeIn('issued');
    assert.equal(nextStep(notice, now, workingTime), 'Alex Wilber to remove the post by Thu 26 Nov, 10:00, 8.0 working hours left.');
    assert.equal(nextStep(notice, new Date(at('16:30')), workingTime), 'Alex Wilber to remove the post by Thu 26 Nov, 10:00, 1.5 working hours left.');
    assert.equal(nextStep(notice, new Date(at('20:00')), workingTime), 'Alex Wilber to remove the post by Thu 26 Nov, 10:00, 1.0 working hours left.');
  });

  it('counts no working hours over a weekend or a bank holiday', () => {
    const { notice } = play([], [{ ...issue[0], deadline: '2026-12-01T16:00:00.000Z' } as TakedownCommand, adele, '2026-11-27T16:00:00.000Z']);
    assert.equal(nextStep(notice, new Date('2026-11-27T16:00:00Z'), workingTime), 'Alex Wilber to remove the post by Tue 1 Dec, 16:00, 8.0 working hours left.');
    assert.equal(nextStep(notice, new Date('2026-11-30T12:00:00Z'), workingTime), 'Alex Wilber to remove the post by Tue 1 Dec, 16:00, 7.0 working hours left.');
  });

  it('shows the new deadline once reopened or upheld, and 0 hours once it has passed', () => {
    assert.equal(nextStep(noticeIn('reopened'), new Date(at('12:00', '27')), workingTime), 'Alex Wilber to remove the post by Fri 27 Nov, 15:00, 3.0 working hours left.');
    assert.equal(nextStep(noticeIn('upheld'), new Date(at('16:00', '27')), workingTime), 'Alex Wilber to remove the post by Fri 27 Nov, 15:00, 0.0 working hours left.');
  });

  it('names who acts next in every other state', () => {
    const when = new Date(at('12:00', '26'));
    assert.equal(nextStep(noticeIn('overdue'), when, workingTime), 'Alex Wilber to remove the post now: the deadline has passed and their line manager was told.');
    assert.equal(nextStep(noticeIn('removal_confirmed'), when, workingTime), 'The Communications Team to check the post is gone and verify.');
    assert.equal(nextStep(noticeIn('disputed'), when, workingTime), 'The Communications Team to uphold or withdraw the notice.');
    assert.equal(nextStep(noticeIn('verified'), when, workingTime), 'Closed: the post was removed.');
    assert.equal(nextStep(noticeIn('withdrawn'), when, workingTime), 'Closed: the notice was withdrawn.');
  });
});
