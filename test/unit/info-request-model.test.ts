import assert from 'node:assert/strict';
import { SYSTEM, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { infoRequestEffects } from '../../src/workflows/info-request/effects';
import {
  canSeeRequest, decide, evolve,
  type InformationRequestCommand, type InformationRequestEvent, type InformationRequestState,
} from '../../src/workflows/info-request/model';
import * as takedown from '../../src/workflows/takedown/model';
import { deciderSpec } from '../support/decider-spec';
import { adele, alex, isaiah, megan, patti, person, ria, stranger } from '../support/model-cast';

/**
 * Information requests as specifications (issue 12, "Information from colleagues"): given what happened, when
 * someone acts, then these events follow, or the command is refused with a code and a message a person can read.
 * Wednesday 25 November 2026 is in GMT, so London wall clock = UTC; 1 working day from 10:00 is Thursday 10:00.
 */
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string, day = '25'): string => `2026-11-${day}T${hhmm}:00.000Z`;
const DUE = at('10:00', '26');
const FRESH_DUE = at('12:00', '27');


const REF = 'IR-2026-00001';
const ABOUT = 'TD-2026-00001';
const NOT_FOUND = 'I can\'t find that question, or you don\'t have a part in it.';
const QUESTION = 'Was the photo on this post taken at the open day in Govan?';
const LINK = 'https://www.facebook.com/alex.wilber/posts/pfbid02xyz';
const ANSWER = 'Yes, at the open day on 14 November; the tenant agreed to it.';
const REASON = 'Megan ran the open day.';

const asked = (manager: Person | null = person(megan)): InformationRequestEvent => ({
  type: 'InformationRequested', at: at('10:00'), by: person(adele), reference: REF, about: ABOUT, colleague: person(alex),
  ...(manager ? { manager } : {}), details: { question: QUESTION, link: LINK }, dueAt: DUE,
});
const passedOn = (dueAt = DUE, when = '11:00'): InformationRequestEvent => ({
  type: 'PassedOn', at: at(when), by: person(alex), colleague: person(megan), manager: person(isaiah), reason: REASON, dueAt,
});
const answered = (by: Person = alex, when = '11:30'): InformationRequestEvent => ({ type: 'Answered', at: at(when), by: person(by), answer: ANSWER });
const withdrawn = (by: Person = adele, when = '11:30'): InformationRequestEvent => ({ type: 'Withdrawn', at: at(when), by: person(by) });
const reminded = (when = '14:00'): InformationRequestEvent => ({ type: 'Reminded', at: at(when), by: person(SYSTEM) });
const wentOverdue = (): InformationRequestEvent => ({ type: 'WentOverdue', at: DUE, by: person(SYSTEM) });

const HISTORIES: Readonly<Record<InformationRequestState, readonly InformationRequestEvent[]>> = {
  asked: [asked()],
  overdue: [asked(), wentOverdue()],
  answered: [asked(), answered()],
  withdrawn: [asked(), withdrawn()],
};

const given = deciderSpec({ decide, evolve }, now);
const ask = (overrides: Partial<Extract<InformationRequestCommand, { type: 'ask' }>> = {}): InformationRequestCommand => ({
  type: 'ask', reference: REF, about: ABOUT, colleague: person(alex), manager: person(megan), details: { question: QUESTION, link: LINK }, dueAt: DUE, ...overrides,
});
const passOn = (overrides: Partial<Extract<InformationRequestCommand, { type: 'passOn' }>> = {}): InformationRequestCommand => ({
  type: 'passOn', colleague: person(megan), manager: person(isaiah), reason: REASON, dueIfPast: FRESH_DUE, ...overrides,
});

describe('information request model', () => {
  describe('ask', () => {
    it('records the question, the case it is about, the colleague, their manager and the due time', () => {
      const after = given([]).when(ask({ details: { question: `  ${QUESTION}  `, link: LINK } }), adele).then([asked()]);
      assert.equal(after?.state, 'asked');
      assert.equal(after?.about, ABOUT);
      assert.deepEqual(after?.asker, person(adele));
      assert.deepEqual(after?.colleague, person(alex));
      assert.deepEqual(after?.manager, person(megan));
      assert.deepEqual(after?.details, { question: QUESTION, link: LINK });
      assert.equal(after?.dueAt, DUE);
      assert.deepEqual(after?.history, [{ action: 'InformationRequested', by: person(adele), at: now.toISOString(), to: person(alex) }]);
    });

    it('asks without a link or a line manager when there is none', () => {
      const { manager: _manager, ...withoutManager } = ask({ details: { question: QUESTION } }) as Extract<InformationRequestCommand, { type: 'ask' }>;
      const after = given([]).when(withoutManager, adele).then([{ ...asked(null), details: { question: QUESTION } } as InformationRequestEvent]);
      assert.ok(!Object.hasOwn(after ?? {}, 'manager'));
      assert.ok(!Object.hasOwn(after?.details ?? {}, 'link'));
    });

    it('is for the Communications Team only', () => {
      for (const actor of [alex, megan, isaiah, ria, stranger]) {
        given([]).when(ask({ colleague: person(patti) }), actor).thenRejects('forbidden', 'Only the Communications Team asks colleagues for information.');
      }
    });

    it('is asked from a customer post, a takedown notice or a concern, and nothing else', () => {
      for (const about of ['CP-2026-00001', 'TD-2026-00007', 'SC-2026-00003']) given([]).when(ask({ about }), adele).then([{ ...asked(), about } as InformationRequestEvent]);
      for (const about of ['AR-2026-00001', 'AINM-2026-00001', 'IR-2026-00002', 'TD-2026', '']) {
        given([]).when(ask({ about }), adele).thenRejects('invalid', 'Questions are asked from a customer post, a takedown notice or a concern.');
      }
    });

    it('refuses asking oneself, a question too short or too long, and a due time not in the future', () => {
      given([]).when(ask({ colleague: person(adele) }), adele).thenRejects('invalid', 'You can\'t ask yourself.', { colleague: 'Choose the colleague who can answer.' });
      given([]).when(ask({ details: { question: '  Why?     ' } }), adele)
        .thenRejects('invalid', 'Please check the highlighted fields.', { question: 'Ask the question in a sentence (at least 10 characters).' });
      const long = 'Keep the question to 1,000 characters (it has 1,001).';
      given([]).when(ask({ details: { question: 'x'.repeat(1001) } }), adele).thenRejects('invalid', long, { question: long });
      for (const dueAt of [now.toISOString(), at('09:00')]) {
        given([]).when(ask({ dueAt }), adele).thenRejects('invalid', 'The due time must be in the future.', { due: 'Choose a due time in the future.' });
      }
    });

    it('refuses asking the same reference twice, and cannot start with anything else', () => {
      given([asked()]).when(ask(), patti).thenRejects('wrong_state', `${REF} has already been asked.`);
      assert.throws(() => evolve(undefined, answered()), /Answered cannot start an information request/);
    });
  });

  describe('answer', () => {
    for (const state of ['asked', 'overdue'] as const) {
      it(`closes the question with the colleague's answer (${state}: an answer after the due time is still taken)`, () => {
        const after = given(HISTORIES[state]).when({ type: 'answer', answer: `  ${ANSWER}  ` }, alex).then([{ type: 'Answered', at: now.toISOString(), by: person(alex), answer: ANSWER }]);
        assert.equal(after?.state, 'answered');
        assert.deepEqual(after?.answer, { text: ANSWER, by: person(alex), at: now.toISOString() });
        assert.equal(after?.history.at(-1)?.note, undefined, 'the answer is kept once, not in the history too');
      });
    }

    it('needs an answer, of at most 1,000 characters', () => {
      given([asked()]).when({ type: 'answer', answer: '   ' }, alex).thenRejects('invalid', 'Write your answer before sending it.', { answer: 'Write your answer.' });
      const long = 'Keep the answer to 1,000 characters (it has 1,001).';
      given([asked()]).when({ type: 'answer', answer: 'x'.repeat(1001) }, alex).thenRejects('invalid', long, { answer: long });
      given([asked()]).when({ type: 'answer', answer: 'x'.repeat(1000) }, alex).then([{ type: 'Answered', at: now.toISOString(), by: person(alex), answer: 'x'.repeat(1000) }]);
    });

    it('is for the colleague asked: the asker, the Communications Team and an escalated manager cannot answer for them', () => {
      for (const actor of [adele, patti]) given([asked()]).when({ type: 'answer', answer: ANSWER }, actor).thenRejects('forbidden', 'Only Alex Wilber, who was asked, can answer it.');
      given(HISTORIES.overdue).when({ type: 'answer', answer: ANSWER }, megan).thenRejects('forbidden', 'Only Alex Wilber, who was asked, can answer it.');
    });

    it('changes nothing when the same answer arrives again (a double click)', () => {
      given(HISTORIES.answered).when({ type: 'answer', answer: ANSWER }, alex).thenNothingHappens();
    });

    it('refuses a second, different answer, and an answer to a withdrawn question', () => {
      given(HISTORIES.answered).when({ type: 'answer', answer: 'Actually, no.' }, alex)
        .thenRejects('already_decided', `${REF} was already answered by Alex Wilber on 25 Nov 2026, 11:30.`);
      given(HISTORIES.withdrawn).when({ type: 'answer', answer: ANSWER }, alex)
        .thenRejects('already_decided', `${REF} was withdrawn by Adele Vance on 25 Nov 2026, 11:30: nothing more is needed.`);
    });
  });

  describe('pass on (who to ask instead)', () => {
    it('gives the question to the new colleague with their manager, keeping the asker\'s due time', () => {
      const after = given([asked()]).when(passOn({ reason: `  ${REASON} ` }), alex)
        .then([{ type: 'PassedOn', at: now.toISOString(), by: person(alex), colleague: person(megan), manager: person(isaiah), reason: REASON, dueAt: DUE }]);
      assert.equal(after?.state, 'asked');
      assert.deepEqual(after?.colleague, person(megan));
      assert.deepEqual(after?.manager, person(isaiah));
      assert.equal(after?.dueAt, DUE);
      assert.deepEqual(after?.history.at(-1), { action: 'PassedOn', by: person(alex), at: now.toISOString(), to: person(megan), note: REASON });
    });

    it('takes the old colleague off the question: they can no longer see it, the new one can', () => {
      const after = given([asked(), passedOn()]).state!;
      assert.equal(canSeeRequest(after, alex), false);
      assert.equal(canSeeRequest(after, megan), true);
      given([asked(), passedOn()]).when({ type: 'answer', answer: ANSWER }, alex).thenRejects('not_found', NOT_FOUND);
      given([asked(), passedOn()]).when({ type: 'answer', answer: ANSWER }, megan).then([{ type: 'Answered', at: now.toISOString(), by: person(megan), answer: ANSWER }]);
    });

    it('gives an overdue question a fresh due time, without the old escalation or manager', () => {
      const late = new Date(at('11:00', '26'));
      const { manager: _manager, ...withoutManager } = passOn() as Extract<InformationRequestCommand, { type: 'passOn' }>;
      const after = given(HISTORIES.overdue).when(withoutManager, alex, late)
        .then([{ type: 'PassedOn', at: late.toISOString(), by: person(alex), colleague: person(megan), reason: REASON, dueAt: FRESH_DUE }]);
      assert.equal(after?.state, 'asked');
      assert.equal(after?.dueAt, FRESH_DUE);
      assert.equal(after?.escalatedAt, undefined);
      assert.ok(!Object.hasOwn(after ?? {}, 'manager'), 'the old manager is not the new colleague\'s');
      assert.equal(canSeeRequest(after!, megan), true);
    });

    it('needs someone from the directory, not the colleague themselves nor the asker, and a reason', () => {
      const check = 'Please check who to ask instead, and why.';
      const { colleague: _colleague, ...nobody } = passOn() as Extract<InformationRequestCommand, { type: 'passOn' }>;
      given([asked()]).when(nobody, alex).thenRejects('invalid', check, { newColleague: 'Choose who to ask instead from the staff directory.' });
      given([asked()]).when(passOn({ colleague: person(alex) }), alex).thenRejects('invalid', check, { newColleague: 'Choose someone other than yourself.' });
      given([asked()]).when(passOn({ colleague: person(adele) }), alex).thenRejects('invalid', check, { newColleague: 'Adele Vance asked the question: choose someone else.' });
      given([asked()]).when(passOn({ reason: ' no ' }), alex).thenRejects('invalid', check, { reason: 'Say why they can answer it.' });
      const long = 'Keep the reason to 300 characters (it has 301).';
      given([asked()]).when(passOn({ reason: 'x'.repeat(301) }), alex).thenRejects('invalid', long, { reason: long });
    });

    it('is for the colleague asked, while the question is open', () => {
      given([asked()]).when(passOn(), adele).thenRejects('forbidden', 'Only Alex Wilber, who was asked, can pass it on.');
      given(HISTORIES.answered).when(passOn(), alex).thenRejects('already_decided', `${REF} was already answered by Alex Wilber on 25 Nov 2026, 11:30.`);
      given(HISTORIES.withdrawn).when(passOn(), alex).thenRejects('already_decided', /was withdrawn by Adele Vance/);
    });
  });

  describe('withdraw', () => {
    for (const state of ['asked', 'overdue'] as const) {
      it(`closes an open question (${state}), by any member of the Communications Team`, () => {
        const after = given(HISTORIES[state]).when({ type: 'withdraw' }, patti).then([{ type: 'Withdrawn', at: now.toISOString(), by: person(patti) }]);
        assert.equal(after?.state, 'withdrawn');
      });
    }

    it('is for the Communications Team only', () => {
      given([asked()]).when({ type: 'withdraw' }, alex).thenRejects('forbidden', 'Only the Communications Team can withdraw a question.');
      given([asked()]).when({ type: 'withdraw' }, ria).thenRejects('forbidden', 'Only the Communications Team can withdraw a question.');
    });

    it('changes nothing when the same person withdraws again; tells anyone else who did', () => {
      given(HISTORIES.withdrawn).when({ type: 'withdraw' }, adele).thenNothingHappens();
      given(HISTORIES.withdrawn).when({ type: 'withdraw' }, patti).thenRejects('already_decided', `${REF} was withdrawn by Adele Vance on 25 Nov 2026, 11:30: nothing more is needed.`);
      given(HISTORIES.answered).when({ type: 'withdraw' }, adele).thenRejects('already_decided', `${REF} was already answered by Alex Wilber on 25 Nov 2026, 11:30.`);
    });
  });

  describe('timers', () => {
    const halfway = new Date(at('14:00'));

    it('reminds the colleague once half-way', () => {
      const after = given([asked()]).when({ type: 'remind', basis: DUE }, SYSTEM, halfway).then([{ type: 'Reminded', at: halfway.toISOString(), by: person(SYSTEM) }]);
      assert.equal(after?.remindedFor, DUE);
      given([asked(), reminded()]).when({ type: 'remind', basis: DUE }, SYSTEM, new Date(at('14:01'))).thenNothingHappens();
    });

    it('marks the question overdue at the due time, not a second before, and lets the manager see it', () => {
      given([asked()]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(Date.parse(DUE) - 1_000)).thenNothingHappens();
      assert.equal(canSeeRequest(given([asked()]).state!, megan), false, 'the manager sees nothing while there is time');
      const after = given([asked()]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(DUE)).then([wentOverdue()]);
      assert.equal(after?.state, 'overdue');
      assert.equal(after?.escalatedAt, DUE);
      assert.equal(canSeeRequest(after!, megan), true);
    });

    it('takes timers from the system only, for the due time they were set for, while the answer is awaited', () => {
      given([asked()]).when({ type: 'remind', basis: DUE }, adele, halfway).thenNothingHappens();
      given([asked()]).when({ type: 'markOverdue', basis: DUE }, adele, new Date(DUE)).thenNothingHappens();
      given([asked()]).when({ type: 'markOverdue', basis: FRESH_DUE }, SYSTEM, new Date(FRESH_DUE)).thenNothingHappens();
      for (const state of ['overdue', 'answered', 'withdrawn'] as const) {
        given(HISTORIES[state]).when({ type: 'remind', basis: DUE }, SYSTEM, halfway).thenNothingHappens();
        given(HISTORIES[state]).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(at('12:00', '26'))).thenNothingHappens();
      }
    });

    it('sends no half-way reminder once the due time has passed (a scheduler catching up)', () => {
      given([asked()]).when({ type: 'remind', basis: DUE }, SYSTEM, new Date(at('10:30', '26'))).thenNothingHappens();
    });

    it('reminds and escalates for the fresh due time after an overdue question is passed on, and ignores the old one', () => {
      const history = [asked(), wentOverdue(), { ...passedOn(FRESH_DUE), at: at('11:00', '26') }];
      const later = new Date(at('11:00', '27'));
      given(history).when({ type: 'remind', basis: FRESH_DUE }, SYSTEM, later).then([{ type: 'Reminded', at: later.toISOString(), by: person(SYSTEM) }]);
      given(history).when({ type: 'markOverdue', basis: DUE }, SYSTEM, new Date(FRESH_DUE)).thenNothingHappens();
      given(history).when({ type: 'markOverdue', basis: FRESH_DUE }, SYSTEM, new Date(FRESH_DUE)).then([{ type: 'WentOverdue', at: FRESH_DUE, by: person(SYSTEM) }]);
    });
  });

  describe('effects', () => {
    const workingTime = createWorkingTime();
    const effects = infoRequestEffects(workingTime);
    const run = (history: readonly InformationRequestEvent[], event: InformationRequestEvent) => {
      const before = history.reduce<ReturnType<typeof evolve> | undefined>(evolve, undefined);
      return effects([event], before, evolve(before, event));
    };

    it('tells the colleague and sets the half-way reminder and the due time', () => {
      assert.deepEqual(run([], asked()), [
        { kind: 'notify', to: { person: person(alex) }, headline: 'Adele Vance of the Communications Team asks you a question. Please answer by Thu 26 Nov, 10:00.' },
        { kind: 'timer', timer: 'infoRequest.remind', dueAt: at('14:00'), basis: DUE },
        { kind: 'timer', timer: 'infoRequest.overdue', dueAt: DUE, basis: DUE },
      ]);
    });

    it('puts the answer on the case it was asked from (a system step there) and tells the asker', () => {
      assert.deepEqual(run([asked()], answered()), [
        { kind: 'act', reference: ABOUT, command: { type: 'informationReceived', request: REF, from: person(alex), answer: ANSWER } },
        { kind: 'notify', to: { person: person(adele) }, headline: 'Alex Wilber answered your question.' },
      ]);
    });

    it('tells the new colleague and the asker when it is passed on; new timers only for a new due time', () => {
      assert.deepEqual(run([asked()], passedOn()), [
        { kind: 'notify', to: { person: person(megan) }, headline: 'Alex Wilber thinks you can answer a question from Adele Vance of the Communications Team. Please answer by Thu 26 Nov, 10:00.' },
        { kind: 'notify', to: { person: person(adele) }, headline: 'Alex Wilber passed your question on to Megan Bowen.' },
      ]);
      assert.deepEqual(run([asked(), wentOverdue()], passedOn(FRESH_DUE)).filter((effect) => effect.kind === 'timer').map((effect) => effect.kind === 'timer' && effect.basis), [FRESH_DUE, FRESH_DUE]);
    });

    it('tells the asker and the colleague\'s line manager when the answer is overdue', () => {
      assert.deepEqual(run([asked()], wentOverdue()), [
        { kind: 'notify', to: { person: person(adele) }, headline: 'IR-2026-00001 is overdue: Alex Wilber has not answered. Megan Bowen has been told.' },
        { kind: 'notify', to: { person: person(megan) }, headline: 'Alex Wilber has not answered a question from the Communications Team by the time it was due. Please follow it up with them.' },
      ]);
      assert.deepEqual(run([asked(null)], wentOverdue()), [
        { kind: 'notify', to: { person: person(adele) }, headline: 'IR-2026-00001 is overdue: Alex Wilber has not answered.' },
      ]);
    });

    it('tells the colleague of a reminder and of a withdrawal', () => {
      assert.deepEqual(run([asked()], reminded()), [
        { kind: 'notify', to: { person: person(alex) }, headline: 'Reminder: Adele Vance of the Communications Team is waiting for your answer, due by Thu 26 Nov, 10:00.' },
      ]);
      assert.deepEqual(run([asked()], withdrawn()), [
        { kind: 'notify', to: { person: person(alex) }, headline: 'The Communications Team withdrew its question: nothing more is needed from you.' },
      ]);
    });
  });

  describe('bounds', () => {
    it('keeps the question within one table property at its worst: the longest texts, names and many passes on', () => {
      const worst = (length: number) => '"\\'.repeat(length).slice(0, length);
      const named = (i: number): Person => ({ id: `${i}`.padEnd(100, 'x'), name: worst(100) });
      const start: InformationRequestEvent = {
        type: 'InformationRequested', at: at('10:00'), by: named(0), reference: REF, about: ABOUT, colleague: named(1), manager: named(2),
        details: { question: worst(1000), link: `https://example.com/${'a'.repeat(470)}` }, dueAt: DUE,
      };
      const passes = Array.from({ length: 30 }, (_, i): InformationRequestEvent => ({
        type: 'PassedOn', at: at('11:00'), by: named(i + 1), colleague: named(i + 2), manager: named(i + 3), reason: worst(300), dueAt: DUE,
      }));
      const state = given([start, ...passes]).state!;
      const decision = decide(state, { type: 'answer', answer: worst(1000) }, { actor: { ...named(31), roles: [] }, now });
      assert.ok(decision.ok, JSON.stringify(decision));
      const answered = decision.events.reduce(evolve, state);
      assert.ok(JSON.stringify(answered).length <= 30 * 1024, `${JSON.stringify(answered).length} characters`);
    });
  });

  describe('confidentiality', () => {
    const commands: InformationRequestCommand[] = [{ type: 'answer', answer: ANSWER }, passOn(), { type: 'withdraw' }];

    it('answers a stranger exactly as it answers a question that does not exist', () => {
      for (const command of commands) {
        given([]).when(command, alex).thenRejects('not_found', NOT_FOUND);
        given([asked()]).when(command, stranger).thenRejects('not_found', NOT_FOUND);
        given([asked()]).when(command, isaiah).thenRejects('not_found', NOT_FOUND);
        given([asked()]).when(command, megan).thenRejects('not_found', NOT_FOUND);
      }
    });

    it('lets the colleague, the asker, the Communications Team and admins see it, and no one else', () => {
      const request = given([asked()]).state!;
      const seeing = [alex, megan, adele, patti, isaiah, ria, stranger].filter((viewer) => canSeeRequest(request, viewer)).map((viewer) => viewer.name);
      assert.deepEqual(seeing, ['Alex Wilber', 'Adele Vance', 'Patti Fernandez', 'Ria Admin']);
    });
  });
});

describe('a takedown notice receiving a colleague\'s answer', () => {
  const details: takedown.TakedownDetails = { link: LINK, platform: 'facebook', clauses: ['about_stakeholders'], explanation: 'The post names a tenant and their address.' };
  const issued: takedown.TakedownEvent = {
    type: 'TakedownIssued', at: at('09:00'), by: person(adele), reference: ABOUT, recipient: person(alex), manager: person(megan), details, deadline: DUE,
  };
  const givenNotice = deciderSpec({ decide: takedown.decide, evolve: takedown.evolve }, now);
  const received = (request = REF, from: Person = megan, answer = ANSWER): takedown.TakedownCommand => ({ type: 'informationReceived', request, from, answer });
  const event = (request = REF, from: Person = megan, answer = ANSWER): takedown.TakedownEvent =>
    ({ type: 'InformationReceived', at: now.toISOString(), by: person(SYSTEM), request, from: person(from), answer });

  it('records the answer and a history step naming who gave it, but not what they said', () => {
    const after = givenNotice([issued]).when(received(REF, megan, `  ${ANSWER} `), SYSTEM).then([event()]);
    assert.equal(after?.state, 'issued', 'an answer does not move the notice on');
    assert.deepEqual(after?.information, [{ request: REF, from: person(megan), answer: ANSWER, at: now.toISOString() }]);
    assert.deepEqual(after?.history.at(-1), { action: 'InformationReceived', by: person(SYSTEM), at: now.toISOString(), from: person(megan) });
  });

  it('adds one step per question however often the same answer is delivered', () => {
    givenNotice([issued, event()]).when(received(), SYSTEM).thenNothingHappens();
    givenNotice([issued, event()]).when(received(REF, megan, 'A different text, delivered again.'), SYSTEM).thenNothingHappens();
    givenNotice([issued, event()]).when(received('IR-2026-00002'), SYSTEM).then([event('IR-2026-00002')]);
  });

  it('takes it from the system only', () => {
    givenNotice([issued]).when(received(), adele).thenRejects('forbidden', 'Only the desk records a colleague\'s answer on a notice.');
    givenNotice([issued]).when(received(), alex).thenRejects('forbidden', 'Only the desk records a colleague\'s answer on a notice.');
    givenNotice([issued]).when(received(), stranger).thenRejects('not_found', 'I can\'t find that takedown notice, or you don\'t have a part in it.');
  });

  it('keeps it bounded: an answer of at most 1,000 characters, from a question reference, and only the latest answers', () => {
    givenNotice([issued]).when(received(REF, megan, 'x'.repeat(1001)), SYSTEM).thenRejects('invalid', 'Keep the answer to 1,000 characters (it has 1,001).');
    givenNotice([issued]).when(received(REF, megan, '   '), SYSTEM).thenRejects('invalid', 'The answer is empty.');
    givenNotice([issued]).when(received('not a reference'), SYSTEM).thenRejects('invalid', 'That is not a reference to a question.');
    const many = Array.from({ length: 30 }, (_, i) => event(`IR-2026-${String(i + 1).padStart(5, '0')}`, megan, `${'x'.repeat(990)}${i}`));
    const notice = givenNotice([issued, ...many]).state!;
    assert.deepEqual(notice.information?.map((answer) => answer.request), ['IR-2026-00029', 'IR-2026-00030'], 'the latest answers that fit');
    assert.equal(notice.informationFrom?.length, 20);
    assert.ok(JSON.stringify(notice).length < 30 * 1024);
  });

  it('takes no answer on a closed notice, except a repeat of one already taken', () => {
    const closed = [issued, event(), { type: 'Withdrawn', at: at('12:00'), by: person(adele) } as takedown.TakedownEvent];
    givenNotice(closed).when(received('IR-2026-00002'), SYSTEM).thenRejects('wrong_state', `${ABOUT} is withdrawn, so you can't add a colleague's answer to it now.`);
    givenNotice(closed).when(received(), SYSTEM).thenNothingHappens();
  });

  it('lets the Communications Team ask a colleague while the notice is open, and no one else', () => {
    const open = givenNotice([issued]).state!;
    assert.deepEqual([alex, megan, adele, patti, ria].filter((viewer) => takedown.mayAskColleague(open, viewer)).map((viewer) => viewer.name), ['Adele Vance', 'Patti Fernandez']);
    const closed = givenNotice([issued, { type: 'Withdrawn', at: at('12:00'), by: person(adele) }]).state!;
    assert.equal(takedown.mayAskColleague(closed, adele), false);
  });
});
