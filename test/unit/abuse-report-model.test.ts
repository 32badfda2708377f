import assert from 'node:assert/strict';
import type { Decision } from '../../src/domain/outcome';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import {
  canSeeAbuseReport, decide, evolve, MAX_EVIDENCE, OUTCOMES,
  type AbuseReportDetails, type AbuseReportCommand, type AbuseReportEvent, type EvidenceFile, type Outcome,
} from '../../src/workflows/abuse-report/model';
import { deciderSpec } from '../support/decider-spec';

/**
 * Abuse and harassment reports as specifications (DESIGN.md section 2): given what happened, when
 * someone acts, then these events follow, or the command is refused with a code and a message a
 * person can read. Wednesday 25 November 2026 is in GMT, so London times read as UTC.
 */
const now = new Date('2026-11-25T10:00:00Z');
const at = (hhmm: string): string => `2026-11-25T${hhmm}:00.000Z`;

const rhona: Actor = { id: 'u-rhona', name: 'Rhona Reporter', roles: [] };
const malcolm: Actor = { id: 'u-malcolm', name: 'Malcolm Manager', roles: [] };
const morag: Actor = { id: 'u-morag', name: 'Morag Manager', roles: [] };
const ian: Actor = { id: 'u-ian', name: 'Ian Incident', roles: ['incident'] };
const isla: Actor = { id: 'u-isla', name: 'Isla Incident', roles: ['incident'] };
const ada: Actor = { id: 'u-ada', name: 'Ada Admin', roles: ['admin'] };
const sam: Actor = { id: 'u-sam', name: 'Sam Stranger', roles: [] };
const ciara: Actor = { id: 'u-ciara', name: 'Ciara Comms', roles: ['comms'] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const REF = 'AINM-2026-00001';
const NOT_FOUND = 'I can\'t find that report, or you don\'t have a part in it.';
const details: AbuseReportDetails = {
  category: 'harassment', source: 'member_of_public', platform: 'facebook', links: ['https://facebook.example/posts/1'],
  happenedOn: '2026-11-24', description: 'Repeated abusive replies to our housing repairs post.', immediateDanger: false, wantsSupport: true,
};
const file = (n: number): EvidenceFile => ({ name: `screenshot-${n}.png`, contentType: 'image/png', link: `https://sharepoint.example/files/${n}` });

const reported = (reportDetails = details): AbuseReportEvent =>
  ({ type: 'ReportMade', at: at('10:00'), by: person(rhona), reference: REF, manager: person(malcolm), details: reportDetails });
const acknowledged = (by = malcolm, when = '10:00', note?: string): AbuseReportEvent =>
  ({ type: 'Acknowledged', at: at(when), by: person(by), ...(note ? { note } : {}) });
const noteAdded = (note: string, by = malcolm, when = '10:00'): AbuseReportEvent => ({ type: 'NoteAdded', at: at(when), by: person(by), note });
const evidenceAdded = (files: readonly EvidenceFile[], when = '10:00'): AbuseReportEvent => ({ type: 'EvidenceAdded', at: at(when), by: person(rhona), files });
const escalated = (when = '10:00'): AbuseReportEvent => ({ type: 'EscalatedToIncidentTeam', at: at(when), by: person(SYSTEM) });
const investigating = (by = ian, when = '10:00', note?: string): AbuseReportEvent =>
  ({ type: 'InvestigationStarted', at: at(when), by: person(by), ...(note ? { note } : {}) });
const closed = (outcome: Outcome = 'no_further_action', by = ian, when = '10:00', note = 'Blocked the account and reported it.'): AbuseReportEvent =>
  ({ type: 'Closed', at: at(when), by: person(by), outcome, note });

const given = deciderSpec({ decide, evolve }, now);

const report: AbuseReportCommand = { type: 'report', reference: REF, manager: person(malcolm), details };
const close = (outcome: Outcome = 'no_further_action', note = 'Blocked the account and reported it.'): AbuseReportCommand => ({ type: 'close', outcome, note });

/** One of each command a record can receive after it is reported. */
const RECORD_COMMANDS: readonly AbuseReportCommand[] = [
  { type: 'acknowledge' },
  { type: 'addNote', note: 'Spoke to Rhona this morning.' },
  { type: 'addEvidence', files: [file(1)] },
  { type: 'escalate' },
  { type: 'startInvestigation' },
  close(),
];

const EVERY_STATE: readonly [string, readonly AbuseReportEvent[]][] = [
  ['reported', [reported()]],
  ['escalated', [reported(), escalated()]],
  ['acknowledged', [reported(), acknowledged()]],
  ['investigating', [reported(), acknowledged(), investigating()]],
  ['closed', [reported(), acknowledged(), investigating(), closed()]],
];

describe('abuse report model', () => {
  describe('report', () => {
    it('records the report with its reporter, manager, details and first step', () => {
      const after = given([]).when(report, rhona).then([reported()]);
      assert.deepEqual(after, {
        reference: REF, state: 'reported', reporter: person(rhona), manager: person(malcolm), details,
        urgent: false, evidence: [], reportedAt: now.toISOString(),
        history: [{ action: 'ReportMade', by: person(rhona), at: now.toISOString() }], earlierSteps: 0,
      });
    });

    it('records the reporter without their team roles', () => {
      given([]).when(report, { ...rhona, roles: ['incident', 'admin'] }).then([reported()]);
    });

    it('marks the record urgent when the reporter is in immediate danger', () => {
      const danger = { ...details, immediateDanger: true };
      const after = given([]).when({ ...report, details: danger }, rhona).then([reported(danger)]);
      assert.equal(after?.urgent, true);
    });

    it('does not mark the record urgent otherwise', () => {
      assert.equal(given([reported()]).state?.urgent, false);
    });

    it('refuses a report that names the reporter as their own line manager', () => {
      given([]).when({ ...report, manager: person(rhona) }, rhona).thenRejects('invalid',
        'Choose your line manager, not yourself: they need to know.', { manager: 'Choose your line manager, not yourself.' });
    });

    it('refuses reporting the same record twice', () => {
      given([reported()]).when(report, rhona).thenRejects('wrong_state', `${REF} has already been reported.`);
    });
  });

  describe('acknowledge', () => {
    it('lets the line manager acknowledge, with a trimmed note', () => {
      const after = given([reported()]).when({ type: 'acknowledge', note: '  Called Rhona, she is OK.  ' }, malcolm)
        .then([acknowledged(malcolm, '10:00', 'Called Rhona, she is OK.')]);
      assert.equal(after?.state, 'acknowledged');
      assert.equal(after?.acknowledgedAt, now.toISOString());
      assert.deepEqual(after?.history.at(-1), { action: 'Acknowledged', by: person(malcolm), at: now.toISOString(), note: 'Called Rhona, she is OK.' });
    });

    it('drops a blank acknowledgement note', () => {
      given([reported()]).when({ type: 'acknowledge', note: '   ' }, malcolm).then([acknowledged()]);
    });

    it('lets the manager acknowledge after the report was escalated', () => {
      given([reported(), escalated()]).when({ type: 'acknowledge' }, malcolm).then([acknowledged()]);
    });

    for (const actor of [rhona, ian, ada]) {
      it(`refuses acknowledgement by anyone but the line manager (${actor.name})`, () => {
        given([reported()]).when({ type: 'acknowledge' }, actor)
          .thenRejects('forbidden', 'Only Malcolm Manager, the reporter\'s line manager, acknowledges this report.');
      });
    }

    it('treats the manager acknowledging again as a no-op, in every later state', () => {
      for (const [, history] of EVERY_STATE.slice(2)) given(history).when({ type: 'acknowledge' }, malcolm).thenNothingHappens();
    });

    it('still treats a repeat as a no-op when the acknowledgement has left the bounded history', () => {
      const manyNotes = Array.from({ length: 25 }, (_, n) => noteAdded(`Note number ${n + 1}`));
      const { state } = given([reported(), acknowledged(malcolm, '09:30'), ...manyNotes]);
      assert.ok(!state?.history.some((step) => step.action === 'Acknowledged'));
      given([reported(), acknowledged(malcolm, '09:30'), ...manyNotes]).when({ type: 'acknowledge' }, malcolm).thenNothingHappens();
    });

    it('says who acknowledged and when, if the stored history names someone other than the manager', () => {
      // Not something decide produces (only the manager acknowledges), but a stored history may hold it.
      given([reported(), acknowledged(morag, '10:30')]).when({ type: 'acknowledge' }, malcolm)
        .thenRejects('already_decided', `${REF} was already acknowledged by Morag Manager on 25 Nov 2026, 10:30.`);
    });

    it('says the report is with the Incident team once they started investigating without an acknowledgement', () => {
      given([reported(), investigating()]).when({ type: 'acknowledge' }, malcolm)
        .thenRejects('already_decided', `${REF} is already with the Incident team, so it no longer needs acknowledging.`);
      given([reported(), escalated(), investigating(), closed()]).when({ type: 'acknowledge' }, malcolm)
        .thenRejects('already_decided', `${REF} is already with the Incident team, so it no longer needs acknowledging.`);
    });
  });

  describe('addNote', () => {
    for (const actor of [rhona, malcolm, ian, ada]) {
      it(`lets anyone who can see the record add a trimmed note (${actor.name})`, () => {
        const after = given([reported()]).when({ type: 'addNote', note: '  Spoke to Rhona this morning. ' }, actor)
          .then([noteAdded('Spoke to Rhona this morning.', actor)]);
        assert.equal(after?.state, 'reported');
        assert.deepEqual(after?.history.at(-1), { action: 'NoteAdded', by: person(actor), at: now.toISOString(), note: 'Spoke to Rhona this morning.' });
      });
    }

    it('accepts notes in every open state', () => {
      for (const [, history] of EVERY_STATE.slice(0, 4)) given(history).when({ type: 'addNote', note: 'OK.' }, ian).then([noteAdded('OK.', ian)]);
    });

    for (const note of ['', '   ', 'ok', ' ab  ']) {
      it(`refuses a note shorter than 3 characters (${JSON.stringify(note)})`, () => {
        given([reported()]).when({ type: 'addNote', note }, malcolm).thenRejects('invalid', 'Write the note first.', { note: 'Write the note first.' });
      });
    }

    it('refuses a note on a closed record, saying who closed it and when', () => {
      given([reported(), investigating(), closed('police_referral', ian, '12:00')]).when({ type: 'addNote', note: 'One more thing.' }, rhona)
        .thenRejects('wrong_state', `${REF} was closed by Ian Incident on 25 Nov 2026, 12:00, so you can't add a note now.`);
    });
  });

  describe('addEvidence', () => {
    it('lets the reporter add files, kept as references', () => {
      const after = given([reported()]).when({ type: 'addEvidence', files: [file(1), file(2)] }, rhona).then([evidenceAdded([file(1), file(2)])]);
      assert.deepEqual(after?.evidence, [file(1), file(2)]);
    });

    it('adds to the files already there', () => {
      const after = given([reported(), evidenceAdded([file(1)])]).when({ type: 'addEvidence', files: [file(2)] }, rhona).then([evidenceAdded([file(2)])]);
      assert.deepEqual(after?.evidence, [file(1), file(2)]);
    });

    for (const actor of [malcolm, ian, ada]) {
      it(`refuses evidence from anyone but the reporter (${actor.name})`, () => {
        given([reported()]).when({ type: 'addEvidence', files: [file(1)] }, actor)
          .thenRejects('forbidden', 'Only Rhona Reporter, who made the report, can add evidence to it.');
      });
    }

    it('ignores files already on the record, by link: sending them again is a no-op', () => {
      given([reported(), evidenceAdded([file(1)])]).when({ type: 'addEvidence', files: [{ ...file(1), name: 'renamed.png' }] }, rhona).thenNothingHappens();
    });

    it('adds only the new files when some are already on the record', () => {
      given([reported(), evidenceAdded([file(1)])]).when({ type: 'addEvidence', files: [file(1), file(2)] }, rhona).then([evidenceAdded([file(2)])]);
    });

    it('adds a file sent twice in one message once', () => {
      given([reported()]).when({ type: 'addEvidence', files: [file(1), file(1), file(2)] }, rhona).then([evidenceAdded([file(1), file(2)])]);
    });

    it('treats an empty list of files as a no-op', () => {
      given([reported()]).when({ type: 'addEvidence', files: [] }, rhona).thenNothingHappens();
    });

    it(`accepts up to ${MAX_EVIDENCE} files and refuses more`, () => {
      const nineteen = Array.from({ length: MAX_EVIDENCE - 1 }, (_, n) => file(n));
      given([reported(), evidenceAdded(nineteen)]).when({ type: 'addEvidence', files: [file(100)] }, rhona).then([evidenceAdded([file(100)])]);
      given([reported(), evidenceAdded(nineteen)]).when({ type: 'addEvidence', files: [file(100), file(101)] }, rhona)
        .thenRejects('invalid', `A report holds at most ${MAX_EVIDENCE} files; it has ${MAX_EVIDENCE - 1}.`);
    });

    it('refuses evidence on a closed record', () => {
      given([reported(), investigating(), closed('other', ian, '12:00')]).when({ type: 'addEvidence', files: [file(1)] }, rhona)
        .thenRejects('wrong_state', `${REF} was closed by Ian Incident on 25 Nov 2026, 12:00, so you can't add evidence now.`);
    });
  });

  describe('escalate', () => {
    it('escalates an unacknowledged report to the Incident team when the system says so, leaving it reported', () => {
      const after = given([reported()]).when({ type: 'escalate' }, SYSTEM).then([escalated()]);
      assert.equal(after?.state, 'reported');
      assert.equal(after?.escalatedAt, now.toISOString());
    });

    it('escalates only once', () => {
      given([reported(), escalated()]).when({ type: 'escalate' }, SYSTEM).thenNothingHappens();
    });

    it('does nothing once the report was acknowledged, investigated or closed', () => {
      for (const [, history] of EVERY_STATE.slice(2)) given(history).when({ type: 'escalate' }, SYSTEM).thenNothingHappens();
    });

    it('ignores people sending it, whatever their part', () => {
      for (const actor of [rhona, malcolm, ian, ada]) given([reported()]).when({ type: 'escalate' }, actor).thenNothingHappens();
    });

    it('ignores a person who takes the system\'s name but not its id', () => {
      given([reported()]).when({ type: 'escalate' }, { ...malcolm, name: SYSTEM.name }).thenNothingHappens();
    });
  });

  describe('startInvestigation', () => {
    it('lets the Incident team start investigating a reported record, with a trimmed note', () => {
      const after = given([reported()]).when({ type: 'startInvestigation', note: ' Taking this one. ' }, ian)
        .then([investigating(ian, '10:00', 'Taking this one.')]);
      assert.equal(after?.state, 'investigating');
    });

    it('lets the Incident team start investigating an acknowledged or escalated record', () => {
      given([reported(), acknowledged()]).when({ type: 'startInvestigation' }, ian).then([investigating()]);
      given([reported(), escalated()]).when({ type: 'startInvestigation', note: '  ' }, isla).then([investigating(isla)]);
    });

    it('treats starting again as a no-op, by the same or another team member', () => {
      for (const actor of [ian, isla]) given([reported(), investigating()]).when({ type: 'startInvestigation' }, actor).thenNothingHappens();
    });

    for (const actor of [rhona, malcolm, ada]) {
      it(`refuses an investigation by anyone outside the Incident team (${actor.name})`, () => {
        given([reported()]).when({ type: 'startInvestigation' }, actor).thenRejects('forbidden', 'Only the Incident team (Health & Safety) investigates reports.');
      });
    }

    it('refuses investigating a closed record', () => {
      given([reported(), investigating(), closed('other', ian, '12:00')]).when({ type: 'startInvestigation' }, isla)
        .thenRejects('wrong_state', `${REF} was closed by Ian Incident on 25 Nov 2026, 12:00, so you can't investigate it now.`);
    });
  });

  describe('close', () => {
    for (const outcome of OUTCOMES) {
      it(`lets the Incident team close an investigated record with an outcome and a note (${outcome})`, () => {
        const after = given([reported(), investigating()]).when(close(outcome, '  Blocked the account and reported it. '), isla)
          .then([closed(outcome, isla)]);
        assert.equal(after?.state, 'closed');
        assert.equal(after?.closedAt, now.toISOString());
        assert.equal(after?.outcome, outcome);
      });
    }

    for (const actor of [rhona, malcolm, ada]) {
      it(`refuses closing by anyone outside the Incident team (${actor.name})`, () => {
        given([reported(), investigating()]).when(close(), actor).thenRejects('forbidden', 'Only the Incident team (Health & Safety) closes reports.');
      });
    }

    it('refuses closing a record that is not being investigated', () => {
      for (const [, history] of EVERY_STATE.slice(0, 3)) {
        given(history).when(close(), ian).thenRejects('wrong_state', `Start the investigation of ${REF} before closing it.`);
      }
    });

    for (const outcome of ['', 'dismissed', 'OTHER']) {
      it(`refuses an outcome that is not one of the outcomes (${JSON.stringify(outcome)})`, () => {
        given([reported(), investigating()]).when(close(outcome as Outcome), ian)
          .thenRejects('invalid', 'Choose an outcome.', { outcome: 'Choose an outcome.' });
      });
    }

    for (const note of ['', '  ', 'ok']) {
      it(`refuses closing without a note (${JSON.stringify(note)})`, () => {
        given([reported(), investigating()]).when(close('other', note), ian)
          .thenRejects('invalid', 'Say briefly what was done.', { note: 'Say briefly what was done.' });
      });
    }

    it('treats the same person closing again with the same outcome as a no-op', () => {
      given([reported(), investigating(), closed('police_referral')]).when(close('police_referral', 'Again.'), ian).thenNothingHappens();
    });

    it('refuses closing again with another outcome, or by another team member', () => {
      const history = [reported(), investigating(), closed('police_referral', ian, '12:00')];
      const refusal = `${REF} was closed by Ian Incident on 25 Nov 2026, 12:00, so you can't close it again now.`;
      given(history).when(close('no_further_action'), ian).thenRejects('wrong_state', refusal);
      given(history).when(close('police_referral'), isla).thenRejects('wrong_state', refusal);
    });
  });

  describe('confidentiality', () => {
    const absent = (command: AbuseReportCommand): Decision<AbuseReportEvent> => decide(undefined, command, { actor: malcolm, now });

    it('says a record that does not exist cannot be found, for every command', () => {
      for (const command of RECORD_COMMANDS) given([]).when(command, malcolm).thenRejects('not_found', NOT_FOUND);
    });

    for (const outsider of [sam, ciara]) {
      it(`answers ${outsider.name} exactly as if the record did not exist, for every command in every state`, () => {
        for (const [state, history] of EVERY_STATE) {
          for (const command of RECORD_COMMANDS) {
            const { decision } = given(history).when(command, outsider);
            assert.deepEqual(decision, absent(command), `${command.type} while ${state}`);
            assert.deepEqual(decision, { ok: false, code: 'not_found', message: NOT_FOUND });
          }
        }
      });
    }

    it('lets admins see a record and add notes, but not acknowledge, investigate, close or add evidence', () => {
      const { state } = given([reported(), investigating()]);
      assert.ok(state && canSeeAbuseReport(state, ada));
      given([reported()]).when({ type: 'addNote', note: 'Checked the retention settings.' }, ada).then([noteAdded('Checked the retention settings.', ada)]);
      given([reported()]).when({ type: 'acknowledge' }, ada).thenRejects('forbidden', /^Only Malcolm Manager/);
      given([reported()]).when({ type: 'startInvestigation' }, ada).thenRejects('forbidden', /^Only the Incident team/);
      given([reported(), investigating()]).when(close(), ada).thenRejects('forbidden', /^Only the Incident team/);
      given([reported()]).when({ type: 'addEvidence', files: [file(1)] }, ada).thenRejects('forbidden', /^Only Rhona Reporter/);
    });

    describe('canSeeAbuseReport', () => {
      const record = given([reported()]).state!;
      const cases: [Actor, boolean][] = [
        [rhona, true], [malcolm, true], [ian, true], [isla, true], [ada, true],
        [sam, false], [ciara, false], [morag, false], [SYSTEM, false],
      ];
      for (const [viewer, sees] of cases) {
        it(`${sees ? 'shows' : 'hides'} the record ${sees ? 'to' : 'from'} ${viewer.name}`, () => {
          assert.equal(canSeeAbuseReport(record, viewer), sees);
        });
      }

      it('goes by id, not by name', () => {
        assert.equal(canSeeAbuseReport(record, { ...sam, name: malcolm.name }), false);
        assert.equal(canSeeAbuseReport(record, { ...malcolm, name: 'Someone Else' }), true);
      });
    });
  });

  describe('evolve', () => {
    it('keeps only the latest 20 steps in the snapshot', () => {
      const notes = Array.from({ length: 30 }, (_, n) => noteAdded(`Note number ${n + 1}`));
      const { state } = given([reported(), ...notes]);
      assert.equal(state?.history.length, 20);
      assert.equal(state?.history[0]?.note, 'Note number 11');
      assert.equal(state?.history.at(-1)?.note, 'Note number 30');
    });

    it('records each step with who, when and any note', () => {
      const { state } = given([reported(), acknowledged(malcolm, '10:05'), escalated('10:06'), investigating(ian, '10:07', 'Mine.'), closed('other', ian, '10:08')]);
      assert.deepEqual(state?.history.map((step) => [step.action, step.by.id, step.at, step.note ?? '']), [
        ['ReportMade', rhona.id, at('10:00'), ''],
        ['Acknowledged', malcolm.id, at('10:05'), ''],
        ['EscalatedToIncidentTeam', SYSTEM.id, at('10:06'), ''],
        ['InvestigationStarted', ian.id, at('10:07'), 'Mine.'],
        ['Closed', ian.id, at('10:08'), 'Blocked the account and reported it.'],
      ]);
    });

    it('refuses to start a record from anything but a report', () => {
      assert.throws(() => evolve(undefined, acknowledged()), /Acknowledged cannot start a record/);
    });
  });
});
