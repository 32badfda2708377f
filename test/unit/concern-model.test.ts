import assert from 'node:assert/strict';
import { encodedLength, SNAPSHOT_MAX_CHARS } from '../../src/domain/bounds';
import { ANSWER_MAX } from '../../src/domain/information';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { validateConcernForm } from '../../src/workflows/concern/form';
import {
  canSeeConcern, decide, evolve, NO_ACTION_REASONS, OUTCOMES,
  type Concern, type ConcernCommand, type ConcernDetails, type ConcernEvent, type ConcernState,
} from '../../src/workflows/concern/model';
import { concernCardView, permittedActions } from '../../src/workflows/concern/view';
import { deciderSpec } from '../support/decider-spec';
import { adele, alex, isaiah, megan, patti, person, ria, stranger } from '../support/model-cast';

/**
 * Staff concerns as specifications (issue 12, "Staff concerns"): given what happened, when someone acts, then
 * these events follow, or the command is refused with a code and a message a person can read.
 */
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string): string => `2026-11-25T${hhmm}:00.000Z`;


const REF = 'SC-2026-00001';
const NOT_FOUND = 'I can\'t find that concern, or you don\'t have a part in it.';
const ONLY_COMMS = 'Only the Communications Team decides what happens to a concern.';
const WORRY = 'A colleague posted a photo of a tenant\'s front door with the street name.';
const details: ConcernDetails = { link: 'https://www.facebook.com/megan/posts/1', platform: 'facebook', worry: WORRY, about: 'colleague' };
const MODERATED = 'Hid the comment under the house rules.';
const PERSON_ID = 'aad-megan';
const WHY_NOT = 'The post is the tenant\'s own and breaks no rule.';

const raised = (colleague: Person | null = person(megan), by: Actor = alex): ConcernEvent =>
  ({ type: 'ConcernRaised', at: at('10:00'), by: person(by), reference: REF, details, ...(colleague ? { colleague } : {}) });
const referredToTakedown = (by = adele): ConcernEvent => ({ type: 'ReferredToTakedown', at: at('11:00'), by: person(by) });
const referredToCustomerPost = (): ConcernEvent => ({ type: 'ReferredToCustomerPost', at: at('11:00'), by: person(adele) });
const moderated = (): ConcernEvent => ({ type: 'ModerationRecorded', at: at('11:00'), by: person(adele), note: MODERATED });
const abuseSuggested = (): ConcernEvent => ({ type: 'AbuseReportSuggested', at: at('11:00'), by: person(adele) });
const closedWithoutAction = (): ConcernEvent => ({ type: 'ClosedWithoutAction', at: at('11:00'), by: person(adele), reason: 'within_policy', note: WHY_NOT });
const answered = (request = 'IR-2026-00001', answer = 'The photo was taken at the open day.'): ConcernEvent =>
  ({ type: 'InformationReceived', at: at('10:30'), by: person(SYSTEM), request, from: person(isaiah), answer });

const HISTORIES: Readonly<Record<ConcernState, readonly ConcernEvent[]>> = {
  raised: [raised()],
  takedown: [raised(), referredToTakedown()],
  customer_post: [raised(), referredToCustomerPost()],
  moderated: [raised(), moderated()],
  abuse_suggested: [raised(), abuseSuggested()],
  no_action: [raised(), closedWithoutAction()],
};
/** In the order of TRIAGES: the outcome each decision gives. */
const CLOSED = OUTCOMES;

const PHRASES: Readonly<Record<string, string>> = {
  takedown: 'a takedown notice', customer_post: 'a customer post', moderated: 'moderated', abuse_suggested: 'reporting abuse suggested', no_action: 'no action needed',
};

const given = deciderSpec({ decide, evolve }, now);
const raise = (overrides: Partial<Extract<ConcernCommand, { type: 'raise' }>> = {}): ConcernCommand =>
  ({ type: 'raise', reference: REF, details, colleague: person(megan), ...overrides });
const information = (overrides: Record<string, unknown> = {}): ConcernCommand =>
  ({ type: 'informationReceived', request: 'IR-2026-00001', from: person(isaiah), answer: 'The photo was taken at the open day.', ...overrides } as ConcernCommand);
const TRIAGES: readonly ConcernCommand[] = [
  { type: 'referToTakedown' }, { type: 'referToCustomerPost' }, { type: 'recordModeration', note: MODERATED },
  { type: 'suggestAbuseReport' }, { type: 'closeWithoutAction', reason: 'within_policy', note: WHY_NOT },
];

describe('staff concern model', () => {
  describe('raise', () => {
    it('records the concern, its raiser and the colleague it is about, and waits for the Communications Team', () => {
      const after = given([]).when(raise(), alex).then([raised()]);
      assert.equal(after?.state, 'raised');
      assert.deepEqual(after?.raiser, person(alex));
      assert.deepEqual(after?.colleague, person(megan));
      assert.deepEqual(after?.details, details);
      assert.deepEqual(after?.history, [{ action: 'ConcernRaised', by: person(alex), at: at('10:00') }]);
      assert.deepEqual(after?.answers, []);
    });

    it('is open to anyone: staff, managers, the Incident team and the Communications Team themselves', () => {
      for (const actor of [megan, isaiah, ria, stranger, adele]) given([]).when(raise({ colleague: person(alex) }), actor).then([raised(person(alex), actor)]);
    });

    it('keeps no colleague when none is named, and no link when they only saw the post', () => {
      const { link: _link, ...seen } = details;
      const after = given([]).when(raise({ details: { ...seen, about: 'customer' }, colleague: undefined }), alex)
        .then([{ type: 'ConcernRaised', at: at('10:00'), by: person(alex), reference: REF, details: { ...seen, about: 'customer' } }]);
      assert.ok(!Object.hasOwn(after ?? {}, 'colleague'));
      assert.equal(after?.details.link, undefined);
    });

    it('refuses a colleague named on a concern that is not about a colleague', () => {
      given([]).when(raise({ details: { ...details, about: 'customer' } }), alex)
        .thenRejects('invalid', 'Name a colleague only when the post is about a colleague.', { colleague: 'Leave this empty, or choose "A colleague" above.' });
    });

    it('refuses the raiser as the colleague it is about', () => {
      given([]).when(raise({ colleague: person(alex) }), alex)
        .thenRejects('invalid', 'Please check the highlighted fields.', { colleague: 'Choose the colleague the post is by or about, not yourself.' });
    });

    it('needs 20 to 2,000 characters of what worries them', () => {
      const message = 'Say what worries you about the post in 20 to 2,000 characters.';
      for (const worry of ['too short', `  ${'x'.repeat(19)}  `, 'x'.repeat(2001)]) {
        given([]).when(raise({ details: { ...details, worry } }), alex).thenRejects('invalid', message, { worry: message });
      }
      given([]).when(raise({ details: { ...details, worry: 'x'.repeat(2000) } }), alex).then([{ ...raised(), details: { ...details, worry: 'x'.repeat(2000) } } as ConcernEvent]);
    });

    it('refuses raising the same reference twice', () => {
      given([raised()]).when(raise(), alex).thenRejects('wrong_state', `${REF} has already been raised.`);
    });

    it('refuses to start a concern with anything but its raising', () => {
      assert.throws(() => evolve(undefined, moderated()), /ModerationRecorded cannot start a concern/);
    });
  });

  describe('who may see it', () => {
    it('is the raiser and the Communications Team: never the colleague it is about, a manager, an administrator or the Incident team', () => {
      const concern = given([raised()]).state!;
      assert.deepEqual([alex, adele, patti].map((viewer) => canSeeConcern(concern, viewer)), [true, true, true]);
      assert.deepEqual([megan, isaiah, ria, stranger].map((viewer) => canSeeConcern(concern, viewer)), [false, false, false, false]);
    });

    it('answers anyone else as if there were no such concern, whatever they try', () => {
      for (const actor of [megan, isaiah, ria, stranger]) {
        for (const command of TRIAGES) given([raised()]).when(command, actor).thenRejects('not_found', NOT_FOUND);
      }
      given([]).when({ type: 'referToTakedown' }, adele).thenRejects('not_found', NOT_FOUND);
    });
  });

  describe('triage by the Communications Team', () => {
    const cases: readonly [ConcernCommand, ConcernEvent, ConcernState][] = [
      [{ type: 'referToTakedown' }, referredToTakedown(), 'takedown'],
      [{ type: 'referToCustomerPost' }, referredToCustomerPost(), 'customer_post'],
      [{ type: 'recordModeration', note: `  ${MODERATED}  ` }, moderated(), 'moderated'],
      [{ type: 'suggestAbuseReport', note: '   ' }, abuseSuggested(), 'abuse_suggested'],
      [{ type: 'closeWithoutAction', reason: 'within_policy', note: WHY_NOT }, closedWithoutAction(), 'no_action'],
    ];
    for (const [command, event, state] of cases) {
      it(`${command.type} closes it as ${state}, recording who decided and when`, () => {
        const after = given([raised()]).when(command, adele, new Date(at('11:00'))).then([event]);
        assert.equal(after?.state, state);
        assert.deepEqual(after?.triager, person(adele));
        assert.equal(after?.triagedAt, at('11:00'));
        assert.equal(after?.history.at(-1)?.action, event.type);
      });
    }

    it('keeps an optional note with a takedown, a customer post or a suggestion', () => {
      const after = given([raised()]).when({ type: 'referToTakedown', note: ' Megan to be asked. ' }, adele)
        .then([{ type: 'ReferredToTakedown', at: now.toISOString(), by: person(adele), note: 'Megan to be asked.' }]);
      assert.equal(after?.note, 'Megan to be asked.');
    });

    it('keeps the general reason for no action apart from the team\'s own words', () => {
      const after = given(HISTORIES.no_action).state;
      assert.equal(after?.reason, 'within_policy');
      assert.equal(after?.note, WHY_NOT);
    });

    it('is refused to the raiser and to everyone else outside the team', () => {
      for (const command of TRIAGES) given([raised()]).when(command, alex).thenRejects('forbidden', ONLY_COMMS);
    });

    it('needs a line of what was done for a moderation action, at most 300 characters', () => {
      for (const note of ['', '   ', 'Hid it.']) {
        given([raised()]).when({ type: 'recordModeration', note }, adele)
          .thenRejects('invalid', 'Say what was done, in a line.', { note: 'Say what was done (hidden, removed, reported to the site).' });
      }
      const long = 'x'.repeat(301);
      given([raised()]).when({ type: 'recordModeration', note: long }, adele)
        .thenRejects('invalid', 'Keep the line to 300 characters (it has 301).', { note: 'Keep the line to 300 characters (it has 301).' });
    });

    it('needs a general reason and the team\'s own words for no action', () => {
      given([raised()]).when({ type: 'closeWithoutAction', reason: '', note: '' }, adele).thenRejects('invalid', 'Say why no action is needed.', {
        reason: 'Choose why no action is needed: the member of staff is told this.', note: 'Say why no action is needed, for the team\'s record.',
      });
      given([raised()]).when({ type: 'closeWithoutAction', reason: 'because I said so', note: WHY_NOT }, adele)
        .thenRejects('invalid', 'Say why no action is needed.', { reason: 'Choose why no action is needed: the member of staff is told this.' });
      given([raised()]).when({ type: 'closeWithoutAction', reason: 'monitoring', note: 'short' }, adele)
        .thenRejects('invalid', 'Say why no action is needed.', { note: 'Say why no action is needed, for the team\'s record.' });
      for (const reason of NO_ACTION_REASONS) given([raised()]).when({ type: 'closeWithoutAction', reason, note: WHY_NOT }, patti).then([{ ...closedWithoutAction(), at: now.toISOString(), by: person(patti), reason } as ConcernEvent]);
    });

    it('refuses a note longer than the card allows', () => {
      given([raised()]).when({ type: 'referToTakedown', note: 'x'.repeat(1001) }, adele)
        .thenRejects('invalid', 'Keep the note to 1,000 characters (it has 1,001).', { note: 'Keep the note to 1,000 characters (it has 1,001).' });
    });

    it('changes nothing when the same person presses the same outcome again (a double click)', () => {
      CLOSED.forEach((state, i) => given(HISTORIES[state]).when(TRIAGES[i]!, adele).thenNothingHappens());
    });

    it('tells anyone deciding after the first decision who decided, and when', () => {
      for (const state of CLOSED) {
        for (const command of TRIAGES) {
          const repeat = state === CLOSED[TRIAGES.indexOf(command)];
          const message = `${REF} was already dealt with by Adele Vance on 25 Nov 2026, 11:00: ${PHRASES[state]}.`;
          if (!repeat) given(HISTORIES[state]).when(command, adele).thenRejects('already_decided', message);
          given(HISTORIES[state]).when(command, patti).thenRejects('already_decided', message);
        }
      }
    });
  });

  describe('information from colleagues', () => {
    it('adds the answer, from the system only, with a step naming who gave it', () => {
      const after = given([raised()]).when(information(), SYSTEM, new Date(at('10:30'))).then([answered()]);
      assert.deepEqual(after?.answers, [{ request: 'IR-2026-00001', from: person(isaiah), answer: 'The photo was taken at the open day.', at: at('10:30') }]);
      assert.deepEqual(after?.history.at(-1), { action: 'InformationReceived', by: person(SYSTEM), at: at('10:30'), from: person(isaiah) });
      assert.equal(after?.state, 'raised', 'the concern still waits for its decision');
    });

    it('adds the same request\'s answer once', () => {
      given([raised(), answered()]).when(information({ answer: 'Said again.' }), SYSTEM).thenNothingHappens();
    });

    it('still records an answer that arrives after the decision', () => {
      for (const state of CLOSED) {
        const after = given(HISTORIES[state]).when(information(), SYSTEM, new Date(at('10:30'))).then([answered()]);
        assert.equal(after?.state, state);
      }
    });

    it('keeps the answer to 1,000 characters and the latest three answers', () => {
      const long = given([raised()]).when(information({ answer: 'y'.repeat(5000) }), SYSTEM).then([{ ...answered(), at: now.toISOString(), answer: 'y'.repeat(ANSWER_MAX) } as ConcernEvent]);
      assert.equal(long?.answers[0]?.answer.length, ANSWER_MAX);
      const many = [1, 2, 3, 4].map((n) => answered(`IR-2026-0000${n}`, `Answer ${n}.`));
      const after = given([raised(), ...many]).state;
      assert.deepEqual(after?.answers.map((answer) => answer.answer), ['Answer 2.', 'Answer 3.', 'Answer 4.']);
      given([raised(), ...many]).when(information({ request: 'IR-2026-00001' }), SYSTEM).thenNothingHappens();
    });

    it('is refused from anyone but the system, the Communications Team included', () => {
      for (const actor of [adele, alex]) {
        given([raised()]).when(information(), actor).thenRejects('forbidden', 'Information from colleagues arrives through their answer to the request.');
      }
      given([raised()]).when(information(), megan).thenRejects('not_found', NOT_FOUND);
    });

    it('refuses an answer it cannot take', () => {
      for (const overrides of [{ answer: '   ' }, { request: '' }, { request: 'x'.repeat(31) }, { from: { id: '', name: 'Nobody' } }, { from: undefined }]) {
        given([raised()]).when(information(overrides), SYSTEM).thenRejects('invalid', 'That answer is not one this concern can take.');
      }
    });
  });

  describe('size', () => {
    it('stays below the snapshot limit with every field at its worst', () => {
      const worst = (length: number) => '"\\'.repeat(length / 2);
      const hundred = { id: 'i'.repeat(100), name: '"'.repeat(100) };
      const events: ConcernEvent[] = [{
        type: 'ConcernRaised', at: at('10:00'), by: hundred, reference: REF, colleague: { ...hundred, id: 'c'.repeat(100) },
        details: { link: `https://example.com/${'a'.repeat(480)}`, platform: 'other', platformOther: worst(60), worry: worst(2000), about: 'colleague' },
      }];
      for (let n = 0; n < 40; n++) events.push({ ...answered(`IR-2026-${String(n).padStart(5, '0')}`, worst(1000)), from: hundred } as ConcernEvent);
      events.push({ type: 'ClosedWithoutAction', at: at('11:00'), by: { ...hundred, id: 't'.repeat(100) }, reason: 'within_policy', note: worst(1000) });
      const concern = events.reduce<Concern | undefined>(evolve, undefined);
      assert.ok(encodedLength(concern) < SNAPSHOT_MAX_CHARS, `${encodedLength(concern)} characters`);
    });
  });

  describe('the card', () => {
    const concern = given([raised(), answered(), closedWithoutAction()]).state!;

    it('shows the raiser what they wrote and the colleague they named, the outcome in general terms, and nobody the team brought in', () => {
      const view = concernCardView(concern, alex, now);
      const text = JSON.stringify(view);
      assert.match(view.nextStep, /no action was needed: the post does not breach the Social Media Policy\./);
      assert.match(text, /Megan Bowen/, 'the raiser named her');
      for (const hidden of ['Isaiah Langer', 'Adele Vance', WHY_NOT, 'open day']) assert.ok(!text.includes(hidden), hidden);
      assert.deepEqual(view.answers, []);
      assert.equal(view.teamNote, '');
    });

    it('shows the Communications Team everything, with the buttons only while it is open', () => {
      const view = concernCardView(concern, adele, now);
      const text = JSON.stringify(view);
      for (const shown of ['Isaiah Langer', 'Adele Vance', WHY_NOT, 'open day', 'Megan Bowen']) assert.ok(text.includes(shown), shown);
      assert.equal(view.can.triage, false);
      const open = concernCardView(given([raised()]).state!, adele, now);
      assert.deepEqual(open.can, {
        referToTakedown: true, referToCustomerPost: true, recordModeration: true, suggestAbuseReport: true, closeWithoutAction: true,
        triage: true, askColleague: true, reportAbuse: false,
      });
    });

    it('gives the raiser no triage button, and the report abuse button only when it was suggested', () => {
      assert.ok(Object.values(permittedActions(given([raised()]).state!, alex, now)).every((can) => !can));
      assert.equal(concernCardView(given(HISTORIES.abuse_suggested).state!, alex, now).can.reportAbuse, true);
      assert.equal(concernCardView(given(HISTORIES.abuse_suggested).state!, adele, now).can.reportAbuse, false);
    });
  });

  describe('the form', () => {
    it('takes one link or none, a site, what worries them and who it is about', () => {
      const checked = validateConcernForm({ link: '', platform: 'x', worry: WORRY, about: 'group_page', colleague: PERSON_ID });
      assert.deepEqual(checked, { ok: true, details: { platform: 'x', worry: WORRY, about: 'group_page' }, namesColleague: false });
      const named = validateConcernForm({ link: 'https://x.com/a/status/1', platform: 'x', worry: WORRY, about: 'colleague', colleague: PERSON_ID });
      assert.ok(named.ok && named.namesColleague && named.details.link === 'https://x.com/a/status/1');
    });

    it('puts every problem next to its field', () => {
      const checked = validateConcernForm({ link: 'javascript:alert(1) https://a.example', platform: 'myspace', worry: 'short', about: 'everyone' });
      assert.equal(checked.ok, false);
      assert.deepEqual(Object.keys(checked.ok ? {} : checked.fieldErrors ?? {}).sort(), ['about', 'link', 'platform', 'worry']);
      const other = validateConcernForm({ platform: 'other', platformOther: ' ', worry: WORRY, about: 'customer' });
      assert.deepEqual(other.ok ? {} : other.fieldErrors, { platformOther: 'Name the site or app.' });
    });
  });
});
