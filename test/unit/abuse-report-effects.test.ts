import assert from 'node:assert/strict';
import type { Effect } from '../../src/domain/effects';
import { SYSTEM, type Actor, type Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { abuseReportEffects, ABUSE_REPORT_TIMERS } from '../../src/workflows/abuse-report/effects';
import { EMERGENCY_ADVICE } from '../../src/workflows/abuse-report/labels';
import {
  canSeeAbuseReport, decide, evolve,
  type AbuseReportDetails, type AbuseReportCommand, type AbuseReportEvent, type AbuseReport, type EvidenceFile,
} from '../../src/workflows/abuse-report/model';
import { REGISTER_COLUMNS, registerRow } from '../../src/workflows/abuse-report/register';
import { DEFAULT_ABUSE_REPORT_SETTINGS, DEFAULT_EAP_URL } from '../../src/workflows/abuse-report/settings';
import { abuseReportCardView, nextStep, permittedActions } from '../../src/workflows/abuse-report/view';

/**
 * What follows each abuse-report event (who is told, which timers are set, what the register holds)
 * and what each person may do next, on the policy's working-time clock: Europe/London, Scottish bank
 * holidays. Wednesday 25 November 2026 is in GMT; Monday 30 November 2026 is St Andrew's Day, a
 * Scottish bank holiday.
 */
const workingTime = createWorkingTime();
const effectsOf = abuseReportEffects(workingTime);
const now = new Date('2026-11-25T10:00:00Z');

const rhona: Actor = { id: 'u-rhona', name: 'Rhona Reporter', roles: [] };
const malcolm: Actor = { id: 'u-malcolm', name: 'Malcolm Manager', roles: [] };
const ian: Actor = { id: 'u-ian', name: 'Ian Incident', roles: ['incident'] };
const ada: Actor = { id: 'u-ada', name: 'Ada Admin', roles: ['admin'] };
const sam: Actor = { id: 'u-sam', name: 'Sam Stranger', roles: ['comms'] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const REF = 'AINM-2026-00001';
const DESCRIPTION = 'He said he knows where I live and will come round.';
const LINK = 'https://facebook.example/posts/secret-post-1';
const EVIDENCE: EvidenceFile = { name: 'threat-screenshot.png', contentType: 'image/png', link: 'https://sharepoint.example/files/threat' };
const NOTE = 'Rhona is shaken; working from home today.';
const details: AbuseReportDetails = {
  category: 'threat', source: 'member_of_public', platform: 'facebook', links: [LINK],
  happenedOn: '2026-11-24', description: DESCRIPTION, immediateDanger: false, wantsSupport: false,
};
const urgentDetails: AbuseReportDetails = { ...details, immediateDanger: true, wantsSupport: true };

type Step = readonly [AbuseReportCommand, Actor, string?];

/** Plays commands through the model, as the service would: each must be accepted. */
function play(steps: readonly Step[], reportDetails = details, reportedAt = now): { record: AbuseReport; events: AbuseReportEvent[] } {
  let record: AbuseReport | undefined;
  let events: AbuseReportEvent[] = [];
  const report: Step = [{ type: 'report', reference: REF, manager: person(malcolm), details: reportDetails }, rhona, reportedAt.toISOString()];
  for (const [command, actor, when] of [report, ...steps]) {
    const decision = decide(record, command, { actor, now: when ? new Date(when) : now });
    assert.ok(decision.ok, `${command.type} by ${actor.name} was refused: ${JSON.stringify(decision)}`);
    events = [...decision.events];
    record = events.reduce<AbuseReport | undefined>(evolve, record);
  }
  assert.ok(record);
  return { record, events };
}

/** The effects of the last step played. */
function effectsAfter(steps: readonly Step[], reportDetails = details, reportedAt = now): Effect[] {
  const { record, events } = play(steps, reportDetails, reportedAt);
  return effectsOf(events, undefined, record);
}

type TeamRecipient = 'incident' | 'safeguarding' | 'itSecurity';
const notify = (to: Person | TeamRecipient, headline: string): Effect =>
  ({ kind: 'notify', to: typeof to === 'string' ? { role: to, except: [rhona.id, malcolm.id] } : { person: { id: to.id, name: to.name } }, headline });
/** Who each notification of the effects goes to: a person's id or a team role. */
const recipients = (effects: readonly Effect[]) =>
  effects.flatMap((effect) => (effect.kind === 'notify' ? ['person' in effect.to ? effect.to.person.id : effect.to.role] : []));
const timer = (dueAt: string): Effect => ({ kind: 'timer', timer: ABUSE_REPORT_TIMERS.escalate, dueAt: new Date(dueAt).toISOString() });
const WEBHOOK: Effect = { kind: 'webhook' };

const acknowledge: Step = [{ type: 'acknowledge' }, malcolm, '2026-11-25T11:00:00Z'];
const escalate: Step = [{ type: 'escalate' }, SYSTEM, '2026-11-26T10:00:00Z'];
const investigate: Step = [{ type: 'startInvestigation' }, ian, '2026-11-25T12:00:00Z'];
const addNote: Step = [{ type: 'addNote', note: NOTE }, malcolm, '2026-11-25T11:30:00Z'];
const addEvidence: Step = [{ type: 'addEvidence', files: [EVIDENCE] }, rhona, '2026-11-25T11:45:00Z'];
const close: Step = [{ type: 'close', outcome: 'police_referral', note: 'Referred to Police Scotland.' }, ian, '2026-11-25T15:00:00Z'];

describe('abuse report effects', () => {
  describe('report', () => {
    it('alerts the manager and the Incident team (not the reporter), sets the escalation timer for 1 working day, and tells the register', () => {
      assert.deepEqual(effectsAfter([]), [
        notify(malcolm, 'Rhona Reporter has reported threat received through social media. Please acknowledge it and check they are all right.'),
        notify('incident', 'New AINM record: threat reported by Rhona Reporter.'),
        timer('2026-11-26T10:00:00Z'),
        WEBHOOK,
      ]);
    });

    it('marks every alert URGENT when the reporter is in immediate danger, asks the manager to contact them now, and tells the safeguarding lead', () => {
      const headlines = effectsAfter([], urgentDetails).flatMap((effect) => (effect.kind === 'notify' ? [effect.headline] : []));
      assert.deepEqual(headlines, [
        'URGENT: Rhona Reporter has reported threat received through social media and said they are in immediate danger. Contact them now, by phone or in person, check they are safe, then acknowledge the report.',
        'URGENT: New AINM record: threat reported by Rhona Reporter.',
        'URGENT: New AINM record: threat reported by Rhona Reporter.',
      ]);
      assert.deepEqual(recipients(effectsAfter([], urgentDetails)), [malcolm.id, 'incident', 'safeguarding']);
    });

    it('escalates an urgent report 60 clock minutes on, even on a Friday evening or at the weekend', () => {
      for (const [reportedAt, dueAt] of [
        ['2026-12-04T19:30:00Z', '2026-12-04T20:30:00Z'], // Friday evening, after work
        ['2026-11-28T23:30:00Z', '2026-11-29T00:30:00Z'], // Saturday night, into Sunday
        ['2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z'], // St Andrew's Day
        ['2026-06-19T18:00:00+01:00', '2026-06-19T19:00:00+01:00'], // summer time
      ] as const) {
        const timers = effectsAfter([], urgentDetails, new Date(reportedAt)).filter((effect) => effect.kind === 'timer');
        assert.deepEqual(timers, [timer(dueAt)], reportedAt);
      }
    });

    it('escalates an urgent report after the configured minutes', () => {
      const { record, events } = play([], urgentDetails, new Date('2026-12-04T19:30:00Z'));
      const timers = abuseReportEffects(workingTime, 15)(events, undefined, record).filter((effect) => effect.kind === 'timer');
      assert.deepEqual(timers, [timer('2026-12-04T19:45:00Z')]);
    });

    it('tells the safeguarding lead of a safeguarding concern, IT security of a social-engineering attempt, and neither of the rest', () => {
      assert.deepEqual(recipients(effectsAfter([], { ...details, category: 'safeguarding' })), [malcolm.id, 'incident', 'safeguarding']);
      assert.deepEqual(recipients(effectsAfter([], { ...details, category: 'social_engineering' })), [malcolm.id, 'incident', 'itSecurity']);
      for (const category of ['threat', 'abuse', 'harassment', 'other'] as const) {
        assert.deepEqual(recipients(effectsAfter([], { ...details, category })), [malcolm.id, 'incident'], category);
      }
    });

    it('names the category in lower case', () => {
      const [first] = effectsAfter([], { ...details, category: 'social_engineering' });
      assert.ok(first?.kind === 'notify');
      assert.match(first.headline, /has reported social engineering attempt received/);
    });

    it('escalates a Saturday report at 17:00 on Tuesday 1 December, skipping St Andrew\'s Day', () => {
      // Saturday 28 Nov: the working day starts Tue 1 Dec at 09:00 (Mon 30 Nov is St Andrew's Day); 8 working hours later.
      const timers = effectsAfter([], details, new Date('2026-11-28T11:00:00Z')).filter((effect) => effect.kind === 'timer');
      assert.deepEqual(timers, [timer('2026-12-01T17:00:00Z')]);
    });

    it('escalates a Friday 16:59 report at 16:59 on Monday', () => {
      const timers = effectsAfter([], details, new Date('2026-12-04T16:59:00Z')).filter((effect) => effect.kind === 'timer');
      assert.deepEqual(timers, [timer('2026-12-07T16:59:00Z')]);
    });

    it('escalates a Friday 16:59 report in summer time at 16:59 London time on Monday', () => {
      const timers = effectsAfter([], details, new Date('2026-06-19T16:59:00+01:00')).filter((effect) => effect.kind === 'timer');
      assert.deepEqual(timers, [timer('2026-06-22T16:59:00+01:00')]);
    });
  });

  describe('later events', () => {
    it('tells the reporter when the manager acknowledges', () => {
      assert.deepEqual(effectsAfter([acknowledge]), [notify(rhona, 'Malcolm Manager has acknowledged your report.'), WEBHOOK]);
    });

    it('asks the Incident team to pick up a report not acknowledged in time', () => {
      assert.deepEqual(effectsAfter([escalate]), [
        notify('incident', `${REF} was not acknowledged by Malcolm Manager within 1 working day: please pick it up.`), WEBHOOK,
      ]);
    });

    it('asks the Incident team and the safeguarding lead to contact the reporter of an urgent report now', () => {
      const headline = `URGENT: ${REF} was not acknowledged by Malcolm Manager within 60 minutes and the reporter said they were in immediate danger: contact them now.`;
      assert.deepEqual(effectsAfter([escalate], urgentDetails), [notify('incident', headline), notify('safeguarding', headline), WEBHOOK]);
    });

    it('closes harassment by a colleague under Dignity at Work or with an HR referral', () => {
      const colleague = { ...details, category: 'harassment', source: 'colleague' } as const;
      for (const [outcome, label] of [['dignity_at_work', 'Dignity at Work policy applied (a colleague)'], ['hr_referral', 'Referred to HR (a colleague)']] as const) {
        const closing: Step = [{ type: 'close', outcome, note: 'Passed to the Dignity at Work adviser.' }, ian, '2026-11-25T15:00:00Z'];
        assert.equal(play([investigate, closing], colleague).record.outcome, outcome);
        assert.deepEqual(effectsAfter([investigate, closing], colleague).slice(0, 1), [notify(rhona, `Your report was closed by the Incident team: ${label}.`)]);
      }
    });

    it('tells the reporter and the manager when the investigation starts', () => {
      assert.deepEqual(effectsAfter([acknowledge, investigate]), [
        notify(rhona, 'The Incident team (Ian Incident) is now investigating your report.'),
        notify(malcolm, `The Incident team is now investigating ${REF}.`),
        WEBHOOK,
      ]);
    });

    it('tells the reporter and the manager the outcome when the record is closed', () => {
      assert.deepEqual(effectsAfter([investigate, close]), [
        notify(rhona, 'Your report was closed by the Incident team: Referred to the police.'),
        notify(malcolm, `${REF} was closed: Referred to the police.`),
        WEBHOOK,
      ]);
    });

    it('tells no one about a note, and does not call the register', () => {
      assert.deepEqual(effectsAfter([addNote]), []);
    });

    it('tells no one about new evidence, but updates the register', () => {
      assert.deepEqual(effectsAfter([addEvidence]), [WEBHOOK]);
    });

    it('causes nothing when a command repeats what already happened', () => {
      const { record } = play([acknowledge]);
      const repeat = decide(record, { type: 'acknowledge' }, { actor: malcolm, now });
      assert.ok(repeat.ok);
      assert.deepEqual(effectsOf(repeat.events, record, record), []);
    });

    it('calls the register once for several events at once', () => {
      const { record } = play([]);
      const events: AbuseReportEvent[] = [
        { type: 'NoteAdded', at: now.toISOString(), by: person(malcolm), note: NOTE },
        { type: 'Acknowledged', at: now.toISOString(), by: person(malcolm) },
      ];
      assert.deepEqual(effectsOf(events, record, events.reduce(evolve, record)).filter((effect) => effect.kind === 'webhook'), [WEBHOOK]);
    });

    it('never puts what happened, the links, the evidence or notes in a notification', () => {
      const all = [
        ...effectsAfter([], urgentDetails), ...effectsAfter([acknowledge], urgentDetails), ...effectsAfter([escalate], urgentDetails),
        ...effectsAfter([addNote], urgentDetails), ...effectsAfter([addEvidence], urgentDetails),
        ...effectsAfter([investigate], urgentDetails), ...effectsAfter([investigate, close], urgentDetails),
      ];
      const notifications = all.filter((effect) => effect.kind === 'notify');
      assert.equal(notifications.length, 10);
      for (const effect of notifications) {
        for (const secret of [DESCRIPTION, 'knows where I live', LINK, EVIDENCE.name, NOTE, 'Police Scotland']) {
          assert.ok(!effect.headline.includes(secret), `${effect.headline} contains ${secret}`);
        }
      }
    });
  });
});

describe('who may open a record', () => {
  const lead: Actor = { id: 'u-sophie', name: 'Sophie Safeguarding', roles: ['safeguarding'] };
  const security: Actor = { id: 'u-ivan', name: 'Ivan Security', roles: ['itSecurity'] };

  it('lets the safeguarding lead open an urgent or safeguarding report, and IT security a social-engineering attempt, as each is told of them', () => {
    assert.equal(canSeeAbuseReport(play([], urgentDetails).record, lead), true);
    assert.equal(canSeeAbuseReport(play([], { ...details, category: 'safeguarding' }).record, lead), true);
    assert.equal(canSeeAbuseReport(play([], { ...details, category: 'social_engineering' }).record, security), true);
  });

  it('keeps every other report from them: confidential to the people with a part in it', () => {
    assert.equal(canSeeAbuseReport(play([]).record, lead), false);
    assert.equal(canSeeAbuseReport(play([], { ...details, category: 'social_engineering' }).record, lead), false);
    assert.equal(canSeeAbuseReport(play([], urgentDetails).record, security), false);
    assert.equal(canSeeAbuseReport(play([], { ...details, category: 'safeguarding' }).record, security), false);
  });
});

describe('abuse report register row', () => {
  it('gives the register the labels, times and manager, and no description, links, evidence or notes', () => {
    const { record } = play([addEvidence, addNote, acknowledge, investigate, close], urgentDetails);
    const row = registerRow(record, workingTime);
    assert.deepEqual(row, {
      reference: REF,
      reportedAt: '2026-11-25T10:00:00.000Z',
      happenedOn: '2026-11-24',
      acknowledgedAt: '2026-11-25T11:00:00.000Z',
      closedAt: '2026-11-25T15:00:00.000Z',
      category: 'Threat',
      fromWhom: 'A member of the public',
      platform: 'Facebook',
      urgent: true,
      state: 'Closed',
      outcome: 'Referred to the police',
      manager: 'Malcolm Manager',
      hoursToAcknowledge: 1,
    });
    assert.deepEqual(Object.keys(row), [...REGISTER_COLUMNS]);
    const serialised = JSON.stringify(row);
    for (const secret of [DESCRIPTION, LINK, EVIDENCE.name, EVIDENCE.link, NOTE, rhona.name]) assert.ok(!serialised.includes(secret), secret);
  });

  it('leaves acknowledgement, closure and outcome empty, and the hours null, while the report waits', () => {
    const row = registerRow(play([]).record, workingTime);
    assert.equal(row.acknowledgedAt, '');
    assert.equal(row.closedAt, '');
    assert.equal(row.outcome, '');
    assert.equal(row.hoursToAcknowledge, null);
    assert.equal(row.state, 'Reported: waiting for the line manager');
    assert.equal(row.urgent, false);
  });

  it('counts only working hours to acknowledgement, to one decimal, across a weekend', () => {
    // Fri 4 Dec 15:00 to 17:00 is 2 h; Mon 7 Dec 09:00 to 10:20 is 1 h 20 min: 3.33 h.
    const { record } = play([[{ type: 'acknowledge' }, malcolm, '2026-12-07T10:20:00Z']], details, new Date('2026-12-04T15:00:00Z'));
    assert.equal(registerRow(record, workingTime).hoursToAcknowledge, 3.3);
  });

  it('skips St Andrew\'s Day when counting hours to acknowledgement', () => {
    // Fri 27 Nov 16:00 to 17:00 is 1 h; Mon 30 Nov is a holiday; Tue 1 Dec 09:00 to 09:30 is 0.5 h.
    const { record } = play([[{ type: 'acknowledge' }, malcolm, '2026-12-01T09:30:00Z']], details, new Date('2026-11-27T16:00:00Z'));
    assert.equal(registerRow(record, workingTime).hoursToAcknowledge, 1.5);
  });

  it('counts a weekend report acknowledged on the weekend as no working hours', () => {
    const { record } = play([[{ type: 'acknowledge' }, malcolm, '2026-11-29T12:00:00Z']], details, new Date('2026-11-28T11:00:00Z'));
    assert.equal(registerRow(record, workingTime).hoursToAcknowledge, 0);
  });

  it('names another site by the name the reporter gave', () => {
    const { record } = play([], { ...details, platform: 'other', platformOther: 'Mastodon' });
    assert.equal(registerRow(record, workingTime).platform, 'Mastodon');
  });
});

describe('abuse report view', () => {
  const NOTHING = { acknowledge: false, addNote: false, investigate: false, close: false };
  const NOTE_ONLY = { ...NOTHING, addNote: true };
  const can = (record: AbuseReport, viewer: Actor) => permittedActions(record, viewer, now);

  describe('permitted actions', () => {
    it('offers acknowledgement to the manager and investigation to the Incident team while the report waits', () => {
      for (const record of [play([]).record, play([escalate]).record]) {
        assert.deepEqual(can(record, malcolm), { ...NOTE_ONLY, acknowledge: true });
        assert.deepEqual(can(record, ian), { ...NOTE_ONLY, investigate: true });
        assert.deepEqual(can(record, rhona), NOTE_ONLY);
        assert.deepEqual(can(record, ada), NOTE_ONLY);
        assert.deepEqual(can(record, sam), NOTHING);
      }
    });

    it('offers investigation to the Incident team once the manager has acknowledged', () => {
      const { record } = play([acknowledge]);
      assert.deepEqual(can(record, malcolm), NOTE_ONLY);
      assert.deepEqual(can(record, ian), { ...NOTE_ONLY, investigate: true });
      assert.deepEqual(can(record, rhona), NOTE_ONLY);
      assert.deepEqual(can(record, ada), NOTE_ONLY);
      assert.deepEqual(can(record, sam), NOTHING);
    });

    it('offers closing to the Incident team while investigating', () => {
      const { record } = play([acknowledge, investigate]);
      assert.deepEqual(can(record, ian), { ...NOTE_ONLY, close: true });
      for (const viewer of [malcolm, rhona, ada]) assert.deepEqual(can(record, viewer), NOTE_ONLY, viewer.name);
      assert.deepEqual(can(record, sam), NOTHING);
    });

    it('offers nothing to anyone once the record is closed', () => {
      const { record } = play([investigate, close]);
      for (const viewer of [rhona, malcolm, ian, ada, sam]) assert.deepEqual(can(record, viewer), NOTHING, viewer.name);
    });
  });

  describe('next step', () => {
    it('names the manager and when they should acknowledge by, the same instant as the escalation timer', () => {
      assert.equal(nextStep(play([]).record, workingTime), 'Malcolm Manager to acknowledge, by Thu 26 Nov, 10:00; the Incident team has been told.');
    });

    it('gives a weekend report the deadline after St Andrew\'s Day', () => {
      assert.equal(nextStep(play([], details, new Date('2026-11-28T11:00:00Z')).record, workingTime),
        'Malcolm Manager to acknowledge, by Tue 1 Dec, 17:00; the Incident team has been told.');
    });

    it('asks the manager of an urgent report to contact the reporter now, by the clock-time escalation', () => {
      assert.equal(nextStep(play([], urgentDetails, new Date('2026-12-04T19:30:00Z')).record, workingTime),
        'URGENT: Malcolm Manager to contact the reporter now and acknowledge, by Fri 4 Dec, 20:30; the Incident team has been told.');
    });

    it('says an escalated report is with the Incident team', () => {
      assert.equal(nextStep(play([escalate]).record, workingTime), 'Not acknowledged in time: the Incident team has been asked to pick it up.');
    });

    it('names the Incident team once acknowledged, and while investigating', () => {
      assert.equal(nextStep(play([acknowledge]).record, workingTime), 'The Incident team (Health & Safety) to investigate.');
      assert.equal(nextStep(play([investigate]).record, workingTime), 'The Incident team to close the record with an outcome.');
    });

    it('says a closed record stays confidential until it is anonymised', () => {
      assert.equal(nextStep(play([investigate, close]).record, workingTime),
        'Closed. The record stays confidential, and is anonymised when its retention period ends.');
    });
  });

  describe('card', () => {
    it('gives the reporter in danger the 999 advice and the support details, and others only the urgent flag', () => {
      const { record } = play([], urgentDetails);
      const reporterView = abuseReportCardView(record, rhona, now, workingTime);
      assert.equal(reporterView.emergency, EMERGENCY_ADVICE);
      assert.equal(reporterView.supportShown, true);
      assert.equal(reporterView.support.eapUrl, DEFAULT_EAP_URL);
      const managerView = abuseReportCardView(record, malcolm, now, workingTime);
      assert.equal(managerView.emergency, 'URGENT: the reporter said they were in immediate danger.');
      assert.equal(managerView.supportShown, false);
    });

    it('shows support to every reporter, not only those who ticked "I would like support", with the configured links and phone', () => {
      const { record } = play([], { ...details, wantsSupport: false });
      const settings = { ...DEFAULT_ABUSE_REPORT_SETTINGS, support: { eapUrl: 'https://eap.example', holmesUrl: 'https://holmes.example/support', phone: '0800 123 4567' } };
      const view = abuseReportCardView(record, rhona, now, workingTime, {}, settings);
      assert.equal(view.supportShown, true);
      assert.deepEqual([view.support.eapUrl, view.support.holmesUrl, view.support.phone], ['https://eap.example', 'https://holmes.example/support', 'Phone: 0800 123 4567']);
      assert.equal(abuseReportCardView(record, rhona, now, workingTime).support.phone, '', 'no phone line when none is set');
    });

    it('drops the emergency banner once the record is closed', () => {
      const { record } = play([investigate, close], urgentDetails);
      assert.equal(abuseReportCardView(record, rhona, now, workingTime).emergency, '');
    });

    it('shows buttons only to someone who may act, refreshing for the viewer', () => {
      const { record } = play([]);
      const view = abuseReportCardView(record, sam, now, workingTime);
      assert.equal(view.can.anything, false);
      assert.deepEqual(view.refreshUserIds, [sam.id]);
      assert.equal(abuseReportCardView(record, malcolm, now, workingTime).can.anything, true);
    });
  });
});
