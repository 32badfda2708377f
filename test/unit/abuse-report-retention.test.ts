import assert from 'node:assert/strict';
import { SYSTEM } from '../../src/domain/people';
import type { AbuseReportEvent, AbuseReport } from '../../src/workflows/abuse-report/model';
import {
  anonymise, anonymiseEvent, anonymiseEventBody, isDueForPurge, purgeDueAt, purgedEvent, REMOVED_PERSON,
} from '../../src/workflows/abuse-report/retention';

/** DESIGN.md section 2: 3 years (configurable) after closure, free text and identities go; statistics stay. */
const reporter = { id: 'u-rowan', name: 'Rowan Reporter' };
const manager = { id: 'u-mhairi', name: 'Mhairi Manager' };
const incident = { id: 'u-ishbel', name: 'Ishbel Incident' };

const closed: AbuseReport = {
  reference: 'AINM-2023-00007',
  state: 'closed',
  reporter,
  manager,
  details: {
    category: 'harassment', source: 'member_of_public', platform: 'other', platformOther: 'Nextdoor (the Leith group)',
    links: ['https://example.com/post/1'], happenedOn: '2023-03-01',
    description: 'A man posted my home address and said he would come round.',
    immediateDanger: true, wantsSupport: true,
  },
  urgent: true,
  evidence: [{ name: 'screenshot-rowan.png', contentType: 'image/png', link: 'https://contoso.sharepoint.com/rowan/shot.png' }],
  reportedAt: '2023-03-01T09:00:00.000Z',
  acknowledgedAt: '2023-03-01T10:00:00.000Z',
  escalatedAt: '2023-03-02T09:00:00.000Z',
  closedAt: '2023-04-10T15:30:00.000Z',
  outcome: 'police_referral',
  history: [
    { action: 'ReportMade', by: reporter, at: '2023-03-01T09:00:00.000Z' },
    { action: 'Acknowledged', by: manager, at: '2023-03-01T10:00:00.000Z', note: 'Called Rowan, she is safe at her sister\'s.' },
    { action: 'EscalatedToIncidentTeam', by: { id: SYSTEM.id, name: SYSTEM.name }, at: '2023-03-02T09:00:00.000Z' },
    { action: 'InvestigationStarted', by: incident, at: '2023-03-03T09:00:00.000Z' },
    { action: 'Closed', by: incident, at: '2023-04-10T15:30:00.000Z', note: 'Reported to Police Scotland, crime ref 123.' },
  ],
};

const FREE_TEXT = [
  reporter.id, reporter.name, manager.id, manager.name, incident.id, incident.name, 'Nextdoor', 'home address',
  'example.com', 'screenshot-rowan', 'sharepoint', 'sister', 'Police Scotland',
];

function assertNoPersonalData(value: unknown): void {
  const json = JSON.stringify(value);
  for (const text of FREE_TEXT) assert.ok(!json.includes(text), `"${text}" is still in ${json}`);
}

describe('AINM retention (pure)', () => {
  describe('isDueForPurge', () => {
    const years = 3;

    it('is due once the retention period after closure has passed, to the millisecond', () => {
      assert.equal(isDueForPurge(closed, new Date('2026-04-10T15:30:00.000Z'), years), true, 'exactly 3 years');
      assert.equal(isDueForPurge(closed, new Date('2026-04-10T15:29:59.999Z'), years), false, 'a moment before');
      assert.equal(isDueForPurge(closed, new Date('2026-04-11T15:30:00.000Z'), years), true, '3 years and a day');
    });

    it('counts from closure, not from the report or the incident', () => {
      assert.equal(isDueForPurge(closed, new Date('2026-03-15T00:00:00.000Z'), years), false);
    });

    it('uses the configured number of years', () => {
      const now = new Date('2025-04-11T00:00:00.000Z');
      assert.equal(isDueForPurge(closed, now, 3), false);
      assert.equal(isDueForPurge(closed, now, 2), true);
      assert.equal(isDueForPurge(closed, new Date('2033-04-10T15:30:00.000Z'), 10), true);
    });

    it('never purges an open record, however old', () => {
      const now = new Date('2040-01-01T00:00:00.000Z');
      for (const state of ['reported', 'acknowledged', 'investigating'] as const) {
        const { closedAt: _closedAt, outcome: _outcome, ...open } = closed;
        assert.equal(isDueForPurge({ ...open, state }, now, years), false, state);
      }
      assert.equal(isDueForPurge({ ...closed, closedAt: undefined }, now, years), false, 'closed without a date: not guessed');
    });

    it('is not due again once purged', () => {
      const now = new Date('2030-01-01T00:00:00.000Z');
      assert.equal(isDueForPurge(anonymise(closed, now), now, years), false);
    });

    it('moves a closure on 29 February to 1 March, never earlier', () => {
      assert.equal(purgeDueAt('2024-02-29T12:00:00.000Z', 3).toISOString(), '2027-03-01T12:00:00.000Z');
      assert.equal(purgeDueAt('2024-02-29T12:00:00.000Z', 4).toISOString(), '2028-02-29T12:00:00.000Z');
    });
  });

  describe('anonymise', () => {
    const now = new Date('2026-04-11T02:00:00.000Z');
    const purged = anonymise(closed, now);

    it('keeps the statistics: reference, state, category, from whom, platform, urgency, dates, outcome', () => {
      assert.equal(purged.reference, closed.reference);
      assert.equal(purged.state, 'closed');
      assert.equal(purged.details.category, 'harassment');
      assert.equal(purged.details.source, 'member_of_public');
      assert.equal(purged.details.platform, 'other');
      assert.equal(purged.details.happenedOn, '2023-03-01');
      assert.equal(purged.urgent, true);
      assert.equal(purged.reportedAt, closed.reportedAt);
      assert.equal(purged.acknowledgedAt, closed.acknowledgedAt);
      assert.equal(purged.escalatedAt, closed.escalatedAt);
      assert.equal(purged.closedAt, closed.closedAt);
      assert.equal(purged.outcome, 'police_referral');
      assert.equal(purged.purgedAt, now.toISOString());
    });

    it('removes the description, the "other platform" text, links, evidence and every person', () => {
      assert.equal(purged.details.description, '');
      assert.equal('platformOther' in purged.details, false);
      assert.deepEqual(purged.details.links, []);
      assert.deepEqual(purged.evidence, []);
      assert.deepEqual(purged.reporter, REMOVED_PERSON);
      assert.deepEqual(purged.manager, REMOVED_PERSON);
      assertNoPersonalData(purged);
    });

    it('keeps each step\'s action and time, without who or their note', () => {
      assert.deepEqual(purged.history, closed.history.map((step) => ({ action: step.action, by: REMOVED_PERSON, at: step.at })));
      assert.ok(purged.history.every((step) => !('note' in step)));
    });

    it('adds no dates a record never had', () => {
      const { acknowledgedAt: _a, escalatedAt: _e, ...neverAcknowledged } = closed;
      const result = anonymise(neverAcknowledged, now);
      assert.equal('acknowledgedAt' in result, false);
      assert.equal('escalatedAt' in result, false);
    });

    it('does not change the record it was given', () => {
      assert.equal(closed.details.description.length > 0, true);
      assert.equal(closed.reporter.name, 'Rowan Reporter');
      assert.equal(closed.history[1].note?.startsWith('Called'), true);
    });
  });

  describe('anonymiseEvent', () => {
    const events: AbuseReportEvent[] = [
      { type: 'ReportMade', at: closed.reportedAt, by: reporter, reference: closed.reference, manager, details: closed.details },
      { type: 'Acknowledged', at: '2023-03-01T10:00:00.000Z', by: manager, note: 'Called Rowan, she is safe at her sister\'s.' },
      { type: 'NoteAdded', at: '2023-03-01T11:00:00.000Z', by: reporter, note: 'He posted my home address again.' },
      { type: 'EvidenceAdded', at: '2023-03-01T11:05:00.000Z', by: reporter, files: closed.evidence },
      { type: 'EscalatedToIncidentTeam', at: '2023-03-02T09:00:00.000Z', by: { id: SYSTEM.id, name: SYSTEM.name } },
      { type: 'InvestigationStarted', at: '2023-03-03T09:00:00.000Z', by: incident, note: 'Police Scotland informed.' },
      { type: 'Closed', at: '2023-04-10T15:30:00.000Z', by: incident, outcome: 'police_referral', note: 'Reported to Police Scotland.' },
    ];

    it('keeps only the type and time of each event, and the outcome of a closure', () => {
      assert.deepEqual(events.map(anonymiseEvent), [
        { type: 'ReportMade', at: closed.reportedAt },
        { type: 'Acknowledged', at: '2023-03-01T10:00:00.000Z' },
        { type: 'NoteAdded', at: '2023-03-01T11:00:00.000Z' },
        { type: 'EvidenceAdded', at: '2023-03-01T11:05:00.000Z' },
        { type: 'EscalatedToIncidentTeam', at: '2023-03-02T09:00:00.000Z' },
        { type: 'InvestigationStarted', at: '2023-03-03T09:00:00.000Z' },
        { type: 'Closed', at: '2023-04-10T15:30:00.000Z', outcome: 'police_referral' },
      ]);
      assertNoPersonalData(events.map(anonymiseEvent));
    });

    it('is idempotent, byte for byte, so a second purge rewrites nothing', () => {
      for (const event of events) {
        const once = anonymiseEventBody(JSON.parse(JSON.stringify(event)));
        assert.equal(JSON.stringify(anonymiseEventBody(JSON.parse(JSON.stringify(once)))), JSON.stringify(once));
      }
    });

    it('keeps nothing it does not recognise from a stored body', () => {
      assert.deepEqual(anonymiseEventBody(undefined), { type: 'Unknown', at: '' });
      assert.deepEqual(anonymiseEventBody('Rowan Reporter'), { type: 'Unknown', at: '' });
      assert.deepEqual(anonymiseEventBody({ type: 'Closed', at: 'x', outcome: 'Rowan was right', by: reporter }), { type: 'Closed', at: 'x' });
      assert.deepEqual(anonymiseEventBody({ type: 'NoteAdded', at: 'x', outcome: 'police_referral' }), { type: 'NoteAdded', at: 'x' });
      assert.deepEqual(anonymiseEventBody({ type: 7, at: { name: 'Rowan' } }), { type: 'Unknown', at: '' });
    });
  });

  it('audits a purge as the system, with the retention period that applied', () => {
    const now = new Date('2026-04-11T02:00:00.000Z');
    assert.deepEqual(purgedEvent(now, 3), { type: 'Purged', at: now.toISOString(), by: { id: SYSTEM.id, name: SYSTEM.name }, retentionYears: 3 });
  });
});
