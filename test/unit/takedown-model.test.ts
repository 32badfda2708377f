import assert from 'node:assert/strict';
import { SYSTEM, type Person } from '../../src/domain/people';
import {
  canSeeNotice, decide, evolve,
  type TakedownCommand, type TakedownDetails, type TakedownEvent, type TakedownState,
} from '../../src/workflows/takedown/model';
import { deciderSpec } from '../support/decider-spec';
import { adele, alex, isaiah, megan, patti, person, ria, stranger } from '../support/model-cast';

/**
 * Takedown notices as specifications (DESIGN.md section 3): given what happened, when someone acts,
 * then these events follow, or the command is refused with a code and a message a person can read.
 * Wednesday 25 November 2026 is in GMT, so London wall clock = UTC.
 */
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string, day = '25'): string => `2026-11-${day}T${hhmm}:00.000Z`;
const DEADLINE = at('10:00', '26');
const NEW_DEADLINE = at('15:00', '27');


const REF = 'TD-2026-00001';
const NOT_FOUND = 'I can\'t find that takedown notice, or you don\'t have a part in it.';
const details: TakedownDetails = {
  link: 'https://www.facebook.com/alex/posts/1', platform: 'facebook', clauses: ['confidential_information', 'about_stakeholders'],
  explanation: 'The post names a tenant and their address in Govan.',
};
const REASON = 'The photo was taken at a public event with consent.';
const VISIBLE = 'The post is still on the page at 14:00.';
const STANDS = 'The tenant is identifiable from the photo.';

const issued = (deadline = DEADLINE, manager: Person | null = person(megan)): TakedownEvent =>
  ({ type: 'TakedownIssued', at: at('10:00'), by: person(adele), reference: REF, recipient: person(alex), ...(manager ? { manager } : {}), details, deadline });
const acknowledged = (when = '10:05'): TakedownEvent => ({ type: 'Acknowledged', at: at(when), by: person(alex) });
const confirmed = (when = '11:00'): TakedownEvent => ({ type: 'RemovalConfirmed', at: at(when), by: person(alex) });
const disputed = (when = '11:00'): TakedownEvent => ({ type: 'Disputed', at: at(when), by: person(alex), note: REASON });
const verified = (by = adele, when = '11:30'): TakedownEvent => ({ type: 'RemovalVerified', at: at(when), by: person(by) });
const reopened = (deadline = NEW_DEADLINE, when = '11:30'): TakedownEvent => ({ type: 'Reopened', at: at(when), by: person(adele), note: VISIBLE, deadline });
const upheld = (deadline = NEW_DEADLINE, when = '11:30'): TakedownEvent => ({ type: 'Upheld', at: at(when), by: person(adele), note: STANDS, deadline });
const withdrawn = (by = adele, when = '11:30'): TakedownEvent => ({ type: 'Withdrawn', at: at(when), by: person(by) });
const reminded = (when = '14:00'): TakedownEvent => ({ type: 'Reminded', at: at(when), by: person(SYSTEM) });
const wentOverdue = (when = '10:00', day = '26'): TakedownEvent => ({ type: 'WentOverdue', at: at(when, day), by: person(SYSTEM) });

/** Histories that end in each state. */
const HISTORIES: Readonly<Record<TakedownState, readonly TakedownEvent[]>> = {
  issued: [issued()],
  acknowledged: [issued(), acknowledged()],
  removal_confirmed: [issued(), acknowledged(), confirmed()],
  verified: [issued(), acknowledged(), confirmed(), verified()],
  reopened: [issued(), acknowledged(), confirmed(), reopened()],
  disputed: [issued(), acknowledged(), disputed()],
  upheld: [issued(), acknowledged(), disputed(), upheld()],
  withdrawn: [issued(), withdrawn()],
  overdue: [issued(), acknowledged(), wentOverdue()],
};

const given = deciderSpec({ decide, evolve }, now);

const issue = (overrides: Partial<Extract<TakedownCommand, { type: 'issue' }>> = {}): TakedownCommand =>
  ({ type: 'issue', reference: REF, recipient: person(alex), manager: person(megan), details, deadline: DEADLINE, ...overrides });
const states = (...names: TakedownState[]) => names;

describe('takedown notice model', () => {
  describe('issue', () => {
    it('records the notice with its issuer, recipient, manager, details and deadline', () => {
      const after = given([]).when(issue(), adele).then([issued()]);
      assert.equal(after?.state, 'issued');
      assert.deepEqual(after?.issuer, person(adele));
      assert.deepEqual(after?.recipient, person(alex));
      assert.deepEqual(after?.manager, person(megan));
      assert.deepEqual(after?.details, details);
      assert.equal(after?.issuedAt, now.toISOString());
      assert.equal(after?.deadline, DEADLINE);
      assert.deepEqual(after?.history, [{ action: 'TakedownIssued', by: person(adele), at: now.toISOString() }]);
    });

    it('records a recipient without a line manager without one', () => {
      const { manager: _manager, ...withoutManager } = issue() as Extract<TakedownCommand, { type: 'issue' }>;
      const after = given([]).when(withoutManager, adele).then([issued(DEADLINE, null)]);
      assert.equal(after?.manager, undefined);
      assert.ok(!Object.hasOwn(after ?? {}, 'manager'));
    });

    it('refuses a notice from someone outside the Communications Team', () => {
      for (const actor of [alex, megan, isaiah, ria]) {
        given([]).when(issue({ recipient: person(stranger) }), actor).thenRejects('forbidden', 'Only the Communications Team can issue takedown notices.');
      }
    });

    it('refuses a notice to the issuer themselves', () => {
      given([]).when(issue({ recipient: person(adele) }), adele)
        .thenRejects('invalid', 'You can\'t send a takedown notice to yourself.', { recipient: 'Choose the member of staff who made the post.' });
    });

    it('refuses a deadline that is now or already past', () => {
      for (const deadline of [now.toISOString(), at('09:59')]) {
        given([]).when(issue({ deadline }), adele)
          .thenRejects('invalid', 'The deadline must be in the future.', { deadline: 'Choose a deadline in the future.' });
      }
    });

    it('refuses issuing the same reference twice', () => {
      given([issued()]).when(issue(), patti).thenRejects('wrong_state', `${REF} has already been issued.`);
    });

    it('refuses to start a notice with anything but its issue', () => {
      assert.throws(() => evolve(undefined, acknowledged()), /Acknowledged cannot start a takedown notice/);
    });
  });

  describe('the recipient opening the card', () => {
    it('marks an issued notice seen', () => {
      const after = given([issued()]).when({ type: 'acknowledge' }, alex).then([{ type: 'Acknowledged', at: now.toISOString(), by: person(alex) }]);
      assert.equal(after?.state, 'acknowledged');
    });

    it('changes nothing once seen, or when the Communications Team or an escalated manager opens it', () => {
      given([issued(), acknowledged()]).when({ type: 'acknowledge' }, alex).thenNothingHappens();
      given([issued()]).when({ type: 'acknowledge' }, adele).thenNothingHappens();
      given([issued(), wentOverdue()]).when({ type: 'acknowledge' }, megan).thenNothingHappens();
    });
  });

  describe('confirm removal', () => {
    it('also records the notice as seen when it is the recipient\'s first action', () => {
      const after = given([issued()]).when({ type: 'confirmRemoval', note: '  Deleted it this morning.  ' }, alex).then([
        { type: 'Acknowledged', at: now.toISOString(), by: person(alex) },
        { type: 'RemovalConfirmed', at: now.toISOString(), by: person(alex), note: 'Deleted it this morning.' },
      ]);
      assert.equal(after?.state, 'removal_confirmed');
      assert.deepEqual(after?.history.map((step) => step.action), ['TakedownIssued', 'Acknowledged', 'RemovalConfirmed']);
    });

    for (const state of states('acknowledged', 'reopened', 'upheld', 'overdue')) {
      it(`is accepted from ${state}, without a second "seen"`, () => {
        const after = given(HISTORIES[state]).when({ type: 'confirmRemoval', note: '   ' }, alex)
          .then([{ type: 'RemovalConfirmed', at: now.toISOString(), by: person(alex) }]);
        assert.equal(after?.state, 'removal_confirmed');
      });
    }

    it('changes nothing when repeated (a double click)', () => {
      given(HISTORIES.removal_confirmed).when({ type: 'confirmRemoval' }, alex).thenNothingHappens();
    });

    it('is refused while disputed, and once closed', () => {
      given(HISTORIES.disputed).when({ type: 'confirmRemoval' }, alex)
        .thenRejects('wrong_state', `${REF} is disputed, waiting for the Communications Team, so you can't confirm removal now.`);
      given(HISTORIES.verified).when({ type: 'confirmRemoval' }, alex)
        .thenRejects('wrong_state', `${REF} is closed: the removal was verified, so you can't confirm removal now.`);
      given(HISTORIES.withdrawn).when({ type: 'confirmRemoval' }, alex)
        .thenRejects('wrong_state', `${REF} is withdrawn, so you can't confirm removal now.`);
    });

    it('is refused from anyone but the recipient, the Communications Team included', () => {
      for (const actor of [adele, patti]) {
        given([issued()]).when({ type: 'confirmRemoval' }, actor).thenRejects('forbidden', 'Only Alex Wilber, who received this notice, can answer it.');
      }
      given(HISTORIES.overdue).when({ type: 'confirmRemoval' }, megan).thenRejects('forbidden', 'Only Alex Wilber, who received this notice, can answer it.');
    });
  });

  describe('dispute', () => {
    it('also records the notice as seen when it is the recipient\'s first action', () => {
      const after = given([issued()]).when({ type: 'dispute', note: `  ${REASON}  ` }, alex).then([
        { type: 'Acknowledged', at: now.toISOString(), by: person(alex) },
        { type: 'Disputed', at: now.toISOString(), by: person(alex), note: REASON },
      ]);
      assert.equal(after?.state, 'disputed');
    });

    it('is accepted once seen, with the reason kept', () => {
      const after = given(HISTORIES.acknowledged).when({ type: 'dispute', note: REASON }, alex)
        .then([{ type: 'Disputed', at: now.toISOString(), by: person(alex), note: REASON }]);
      assert.equal(after?.history.at(-1)?.note, REASON);
    });

    it('needs a reason of at least 10 characters, spaces around it not counted', () => {
      for (const note of ['', '   ', 'No reason', `   ${'x'.repeat(9)}   `]) {
        given([issued()]).when({ type: 'dispute', note }, alex)
          .thenRejects('invalid', 'Say why you think the post does not breach the policy.', { note: 'Say why you dispute the notice.' });
      }
      given([issued()]).when({ type: 'dispute', note: 'x'.repeat(10) }, alex).then([
        { type: 'Acknowledged', at: now.toISOString(), by: person(alex) },
        { type: 'Disputed', at: now.toISOString(), by: person(alex), note: 'x'.repeat(10) },
      ]);
    });

    for (const state of states('removal_confirmed', 'reopened', 'upheld', 'overdue', 'verified', 'withdrawn')) {
      it(`is refused from ${state}`, () => {
        given(HISTORIES[state]).when({ type: 'dispute', note: REASON }, alex).thenRejects('wrong_state', /so you can't dispute it now\.$/);
      });
    }

    it('changes nothing when repeated while disputed', () => {
      given(HISTORIES.disputed).when({ type: 'dispute', note: REASON }, alex).thenNothingHappens();
    });

    it('is refused from anyone but the recipient', () => {
      given([issued()]).when({ type: 'dispute', note: REASON }, adele).thenRejects('forbidden', 'Only Alex Wilber, who received this notice, can answer it.');
    });
  });

  describe('ask for help', () => {
    it('also records the notice as seen when it is the recipient\'s first action', () => {
      const after = given([issued()]).when({ type: 'requestHelp', note: 'I can\'t find the post any more.' }, alex).then([
        { type: 'Acknowledged', at: now.toISOString(), by: person(alex) },
        { type: 'HelpRequested', at: now.toISOString(), by: person(alex), note: 'I can\'t find the post any more.' },
      ]);
      assert.equal(after?.state, 'acknowledged', 'asking for help does not change what is waited for');
    });

    for (const state of states('acknowledged', 'removal_confirmed', 'reopened', 'disputed', 'upheld', 'overdue')) {
      it(`is accepted while open (${state}) and leaves the state as it was`, () => {
        const after = given(HISTORIES[state]).when({ type: 'requestHelp' }, alex).then([{ type: 'HelpRequested', at: now.toISOString(), by: person(alex) }]);
        assert.equal(after?.state, state);
      });
    }

    it('changes nothing when the same request arrives twice in a row (a double click or a retried delivery)', () => {
      const asked: TakedownEvent = { type: 'HelpRequested', at: now.toISOString(), by: person(alex), note: 'Who do I ask?' };
      given([...HISTORIES.acknowledged, asked]).when({ type: 'requestHelp', note: 'Who do I ask?' }, alex, new Date(now.getTime() + 2_000)).thenNothingHappens();
    });

    it('takes a new request for help after something else happened', () => {
      const asked: TakedownEvent = { type: 'HelpRequested', at: at('10:10'), by: person(alex), note: 'Who do I ask?' };
      given([...HISTORIES.acknowledged, asked, disputed('10:20')]).when({ type: 'requestHelp', note: 'Who do I ask?' }, alex)
        .then([{ type: 'HelpRequested', at: now.toISOString(), by: person(alex), note: 'Who do I ask?' }]);
      given([...HISTORIES.acknowledged, asked]).when({ type: 'requestHelp', note: 'The post is in a closed group I left.' }, alex)
        .then([{ type: 'HelpRequested', at: now.toISOString(), by: person(alex), note: 'The post is in a closed group I left.' }]);
    });

    it('is refused once closed', () => {
      given(HISTORIES.verified).when({ type: 'requestHelp' }, alex).thenRejects('wrong_state', `${REF} is closed: the removal was verified, so you can't ask for help on it now.`);
      given(HISTORIES.withdrawn).when({ type: 'requestHelp' }, alex).thenRejects('wrong_state', `${REF} is withdrawn, so you can't ask for help on it now.`);
    });
  });

  describe('verify', () => {
    it('closes a confirmed removal', () => {
      const after = given(HISTORIES.removal_confirmed).when({ type: 'verify', note: ' Checked the page. ' }, adele)
        .then([{ type: 'RemovalVerified', at: now.toISOString(), by: person(adele), note: 'Checked the page.' }]);
      assert.equal(after?.state, 'verified');
    });

    it('may be done by any member of the Communications Team, not only the issuer', () => {
      given(HISTORIES.removal_confirmed).when({ type: 'verify' }, patti).then([{ type: 'RemovalVerified', at: now.toISOString(), by: person(patti) }]);
    });

    for (const state of states('issued', 'acknowledged', 'reopened', 'disputed', 'upheld', 'overdue')) {
      it(`is refused before the recipient confirms the removal (${state})`, () => {
        given(HISTORIES[state]).when({ type: 'verify' }, adele).thenRejects('wrong_state', /so you can't verify the removal now\.$/);
      });
    }

    it('is refused from the recipient and from admins outside the Communications Team', () => {
      given(HISTORIES.removal_confirmed).when({ type: 'verify' }, alex).thenRejects('forbidden', 'Only the Communications Team can do that.');
      given(HISTORIES.removal_confirmed).when({ type: 'verify' }, ria).thenRejects('forbidden', 'Only the Communications Team can do that.');
    });

    it('tells a second member of the Communications Team who verified it, and when', () => {
      given(HISTORIES.verified).when({ type: 'verify' }, patti)
        .thenRejects('already_decided', `${REF} was already closed as removed by Adele Vance on 25 Nov 2026, 11:30.`);
    });

    it('changes nothing when the same person verifies again', () => {
      given(HISTORIES.verified).when({ type: 'verify' }, adele).thenNothingHappens();
    });
  });

  describe('reopen', () => {
    it('sends a falsely confirmed removal back to the recipient with a new deadline', () => {
      const after = given(HISTORIES.removal_confirmed).when({ type: 'reopen', note: ` ${VISIBLE} `, deadline: NEW_DEADLINE }, adele)
        .then([{ type: 'Reopened', at: now.toISOString(), by: person(adele), note: VISIBLE, deadline: NEW_DEADLINE }]);
      assert.equal(after?.state, 'reopened');
      assert.equal(after?.deadline, NEW_DEADLINE);
    });

    it('needs a note of at least 10 characters saying what is still visible', () => {
      given(HISTORIES.removal_confirmed).when({ type: 'reopen', note: 'visible', deadline: NEW_DEADLINE }, adele)
        .thenRejects('invalid', 'Say what is still visible.', { note: 'Say what is still visible.' });
    });

    it('needs a new deadline in the future', () => {
      for (const deadline of [now.toISOString(), at('09:00')]) {
        given(HISTORIES.removal_confirmed).when({ type: 'reopen', note: VISIBLE, deadline }, adele)
          .thenRejects('invalid', 'The new deadline must be in the future.', { deadline: 'Choose a deadline in the future.' });
      }
    });

    for (const state of states('issued', 'acknowledged', 'reopened', 'disputed', 'upheld', 'overdue')) {
      it(`is refused unless the removal was confirmed (${state})`, () => {
        given(HISTORIES[state]).when({ type: 'reopen', note: VISIBLE, deadline: NEW_DEADLINE }, adele).thenRejects('wrong_state', /so you can't reopen it now\.$/);
      });
    }

    it('is refused once verified, saying who closed it', () => {
      given(HISTORIES.verified).when({ type: 'reopen', note: VISIBLE, deadline: NEW_DEADLINE }, patti)
        .thenRejects('already_decided', `${REF} was already closed as removed by Adele Vance on 25 Nov 2026, 11:30.`);
    });

    it('is refused from the recipient', () => {
      given(HISTORIES.removal_confirmed).when({ type: 'reopen', note: VISIBLE, deadline: NEW_DEADLINE }, alex).thenRejects('forbidden', 'Only the Communications Team can do that.');
    });
  });

  describe('uphold', () => {
    it('lets a disputed notice stand, with a new deadline', () => {
      const after = given(HISTORIES.disputed).when({ type: 'uphold', note: STANDS, deadline: NEW_DEADLINE }, patti)
        .then([{ type: 'Upheld', at: now.toISOString(), by: person(patti), note: STANDS, deadline: NEW_DEADLINE }]);
      assert.equal(after?.state, 'upheld');
      assert.equal(after?.deadline, NEW_DEADLINE);
    });

    it('needs a note of at least 10 characters explaining why', () => {
      given(HISTORIES.disputed).when({ type: 'uphold', note: '  It stands ', deadline: NEW_DEADLINE }, adele)
        .thenRejects('invalid', 'Explain why the notice stands.', { note: 'Explain why the notice stands.' });
    });

    it('needs a new deadline in the future', () => {
      given(HISTORIES.disputed).when({ type: 'uphold', note: STANDS, deadline: at('09:00') }, adele)
        .thenRejects('invalid', 'The new deadline must be in the future.', { deadline: 'Choose a deadline in the future.' });
    });

    for (const state of states('issued', 'acknowledged', 'removal_confirmed', 'reopened', 'upheld', 'overdue')) {
      it(`is refused unless disputed (${state})`, () => {
        given(HISTORIES[state]).when({ type: 'uphold', note: STANDS, deadline: NEW_DEADLINE }, adele).thenRejects('wrong_state', /so you can't uphold it now\.$/);
      });
    }

    it('is refused from the recipient', () => {
      given(HISTORIES.disputed).when({ type: 'uphold', note: STANDS, deadline: NEW_DEADLINE }, alex).thenRejects('forbidden', 'Only the Communications Team can do that.');
    });
  });

  describe('withdraw', () => {
    for (const state of states('issued', 'acknowledged', 'removal_confirmed', 'reopened', 'disputed', 'upheld', 'overdue')) {
      it(`closes the notice from ${state}`, () => {
        const after = given(HISTORIES[state]).when({ type: 'withdraw', note: 'Sent in error.' }, adele)
          .then([{ type: 'Withdrawn', at: now.toISOString(), by: person(adele), note: 'Sent in error.' }]);
        assert.equal(after?.state, 'withdrawn');
      });
    }

    it('changes nothing when the same person withdraws again', () => {
      given(HISTORIES.withdrawn).when({ type: 'withdraw' }, adele).thenNothingHappens();
    });

    it('tells a second member of the Communications Team who withdrew it, and when', () => {
      given(HISTORIES.withdrawn).when({ type: 'withdraw' }, patti)
        .thenRejects('already_decided', `${REF} was already withdrawn by Adele Vance on 25 Nov 2026, 11:30.`);
    });

    it('is refused after verification, saying who closed it', () => {
      given(HISTORIES.verified).when({ type: 'withdraw' }, adele)
        .thenRejects('already_decided', `${REF} was already closed as removed by Adele Vance on 25 Nov 2026, 11:30.`);
    });

    it('is refused from the recipient', () => {
      given([issued()]).when({ type: 'withdraw' }, alex).thenRejects('forbidden', 'Only the Communications Team can do that.');
    });
  });

  describe('timers', () => {
    const halfway = new Date(at('14:00'));
    const atDeadline = new Date(DEADLINE);

    it('reminds the recipient once for a deadline', () => {
      given([issued()]).when({ type: 'remind', basis: DEADLINE }, SYSTEM, halfway).then([{ type: 'Reminded', at: halfway.toISOString(), by: person(SYSTEM) }]);
      given([issued(), reminded()]).when({ type: 'remind', basis: DEADLINE }, SYSTEM, new Date(at('14:01'))).thenNothingHappens();
    });

    it('takes reminders only from the system', () => {
      given([issued()]).when({ type: 'remind', basis: DEADLINE }, adele, halfway).thenNothingHappens();
      given([issued()]).when({ type: 'markOverdue', basis: DEADLINE }, adele, atDeadline).thenNothingHappens();
    });

    it('ignores the timers of a deadline that has been replaced', () => {
      const history = [...HISTORIES.removal_confirmed, reopened()];
      given(history).when({ type: 'remind', basis: DEADLINE }, SYSTEM, halfway).thenNothingHappens();
      given(history).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, atDeadline).thenNothingHappens();
      given([...HISTORIES.disputed, upheld()]).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, atDeadline).thenNothingHappens();
    });

    it('reminds again for a new deadline after a reminder for the old one', () => {
      const history = [issued(), reminded('14:00'), confirmed('15:00'), reopened(NEW_DEADLINE, '15:30')];
      const later = new Date(at('11:00', '26'));
      given(history).when({ type: 'remind', basis: NEW_DEADLINE }, SYSTEM, later).then([{ type: 'Reminded', at: later.toISOString(), by: person(SYSTEM) }]);
      given([...history, { type: 'Reminded', at: later.toISOString(), by: person(SYSTEM) }])
        .when({ type: 'remind', basis: NEW_DEADLINE }, SYSTEM, new Date(at('11:05', '26'))).thenNothingHappens();
    });

    for (const state of states('removal_confirmed', 'disputed', 'verified', 'withdrawn', 'overdue')) {
      it(`does not remind or mark overdue while nothing is outstanding (${state})`, () => {
        given(HISTORIES[state]).when({ type: 'remind', basis: DEADLINE }, SYSTEM, halfway).thenNothingHappens();
        given(HISTORIES[state]).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, new Date(at('12:00', '26'))).thenNothingHappens();
      });
    }

    it('marks the notice overdue at the deadline, not a second before', () => {
      given([issued()]).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, new Date(atDeadline.getTime() - 1_000)).thenNothingHappens();
      const after = given([issued()]).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, atDeadline)
        .then([{ type: 'WentOverdue', at: DEADLINE, by: person(SYSTEM) }]);
      assert.equal(after?.state, 'overdue');
    });

    it('marks the notice overdue when the timer fires late', () => {
      const late = new Date(at('16:00', '26'));
      given(HISTORIES.acknowledged).when({ type: 'markOverdue', basis: DEADLINE }, SYSTEM, late).then([{ type: 'WentOverdue', at: late.toISOString(), by: person(SYSTEM) }]);
    });

    for (const state of states('reopened', 'upheld')) {
      it(`marks the notice overdue at its new deadline once ${state}`, () => {
        given(HISTORIES[state]).when({ type: 'markOverdue', basis: NEW_DEADLINE }, SYSTEM, new Date(NEW_DEADLINE))
          .then([{ type: 'WentOverdue', at: NEW_DEADLINE, by: person(SYSTEM) }]);
      });
    }
  });

  describe('late and trimmed history', () => {
    it('sends no half-way reminder once the deadline has passed (a scheduler catching up)', () => {
      given([issued()]).when({ type: 'remind', basis: DEADLINE }, SYSTEM, new Date(at('10:30', '26'))).thenNothingHappens();
    });

    it('keeps the escalated notice visible to the line manager however many steps follow', () => {
      const helpNotes = Array.from({ length: 25 }, (_, i): TakedownEvent =>
        ({ type: 'HelpRequested', at: at('11:00', '26'), by: person(alex), note: `question ${i}` }));
      const { state } = given([issued(), wentOverdue(), ...helpNotes]);
      assert.ok(state && !state.history.some((step) => step.action === 'WentOverdue'), 'the overdue step has left the bounded history');
      assert.ok(canSeeNotice(state, megan));
    });
  });

  describe('confidentiality', () => {
    const commands: TakedownCommand[] = [
      { type: 'acknowledge' }, { type: 'confirmRemoval' }, { type: 'dispute', note: REASON }, { type: 'requestHelp' }, { type: 'verify' },
      { type: 'reopen', note: VISIBLE, deadline: NEW_DEADLINE }, { type: 'uphold', note: STANDS, deadline: NEW_DEADLINE }, { type: 'withdraw' },
    ];

    it('answers a stranger exactly as it answers a notice that does not exist', () => {
      for (const command of commands) {
        given([]).when(command, alex).thenRejects('not_found', NOT_FOUND);
        given(HISTORIES.removal_confirmed).when(command, stranger).thenRejects('not_found', NOT_FOUND);
        given(HISTORIES.disputed).when(command, isaiah).thenRejects('not_found', NOT_FOUND);
      }
    });

    it('keeps the notice from the recipient\'s manager until it goes overdue', () => {
      given(HISTORIES.acknowledged).when({ type: 'confirmRemoval' }, megan).thenRejects('not_found', NOT_FOUND);
      assert.equal(canSeeNotice(given(HISTORIES.acknowledged).state!, megan), false);
      assert.equal(canSeeNotice(given(HISTORIES.overdue).state!, megan), true);
    });

    it('lets the manager keep seeing an escalated notice after the post is removed', () => {
      const after = given([...HISTORIES.overdue, confirmed('11:00')]).state!;
      assert.equal(after.state, 'removal_confirmed');
      assert.equal(canSeeNotice(after, megan), true);
    });

    it('lets the recipient, the Communications Team and admins see it, and no one else', () => {
      const notice = given(HISTORIES.issued).state!;
      const seeing = [alex, megan, adele, patti, isaiah, ria, stranger].filter((viewer) => canSeeNotice(notice, viewer)).map((viewer) => viewer.name);
      assert.deepEqual(seeing, ['Alex Wilber', 'Adele Vance', 'Patti Fernandez', 'Ria Admin']);
    });

    it('does not show another manager an escalated notice', () => {
      const notice = given(HISTORIES.overdue).state!;
      assert.equal(canSeeNotice(notice, { id: 'aad-other-manager', name: 'Megan Bowen', roles: [] }), false, 'the same name is not the same person');
      assert.equal(canSeeNotice(given([issued(DEADLINE, null), wentOverdue()]).state!, megan), false);
    });
  });
});
