import assert from 'node:assert/strict';
import { SYSTEM } from '../../src/domain/people';
import { validateCampaignForm } from '../../src/workflows/campaign/form';
import { decodeMessage, encodeMessage } from '../../src/workflows/campaign/messages';
import { Campaign, CampaignCommand, decide, evolve } from '../../src/workflows/campaign/model';
import { tally } from '../../src/workflows/campaign/progress';
import { createRateGate } from '../../src/workflows/campaign/rate-gate';

const NOW = new Date('2026-11-25T10:00:00Z');
const adele = { id: 'aad-adele', name: 'Adele Vance', roles: ['comms' as const] };
const ada = { id: 'aad-ada', name: 'Ada Admin', roles: ['admin' as const] };
const alex = { id: 'aad-alex', name: 'Alex Wilber', roles: [] };
const FORM = {
  policyVersion: '2026.2', title: 'Social Media Policy', summary: 'Monitoring now covers Viva Engage accounts.', link: 'https://holmes.example/policy',
  dueWorkingDays: '10', audience: 'everyone',
};
const start = (): CampaignCommand => ({
  type: 'start', reference: 'AC-2026-00001', details: { policyVersion: '2026.2', title: 'T', summary: 'S', link: 'https://x', dueWorkingDays: 10, audience: { kind: 'everyone' } },
  reminderAt: '2026-12-02T10:00:00.000Z', dueAt: '2026-12-09T10:00:00.000Z',
});
const opened = (): Campaign => {
  const decision = decide(undefined, start(), { actor: adele, now: NOW });
  assert.ok(decision.ok);
  return decision.events.reduce<Campaign | undefined>(evolve, undefined)!;
};

describe('policy campaigns, pure parts', () => {
  it('lets the Communications Team and administrators start a campaign, nobody else', () => {
    assert.ok(decide(undefined, start(), { actor: adele, now: NOW }).ok);
    assert.ok(decide(undefined, start(), { actor: ada, now: NOW }).ok);
    const refused = decide(undefined, start(), { actor: alex, now: NOW });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, 'forbidden');
  });

  it('is closed by a newer version only through the system, and a repeat changes nothing', () => {
    const campaign = opened();
    assert.equal(decide(campaign, { type: 'supersede', by: 'AC-2026-00002' }, { actor: adele, now: NOW }).ok, false);
    const superseded = decide(campaign, { type: 'supersede', by: 'AC-2026-00002' }, { actor: SYSTEM, now: NOW });
    assert.ok(superseded.ok);
    const closed = superseded.events.reduce(evolve, campaign);
    assert.equal(closed.state, 'closed');
    assert.equal(closed.supersededBy, 'AC-2026-00002');
    assert.deepEqual(decide(closed, { type: 'supersede', by: 'AC-2026-00002' }, { actor: SYSTEM, now: NOW }), { ok: true, events: [] });
  });

  it('checks the form: every problem at once; a department audience names the department', () => {
    assert.ok(validateCampaignForm(FORM).ok);
    const checked = validateCampaignForm({ ...FORM, link: 'javascript:alert(1)', dueWorkingDays: '99', audience: 'department', department: '' });
    assert.equal(checked.ok, false);
    assert.deepEqual(Object.keys(!checked.ok ? checked.fieldErrors ?? {} : {}).sort(), ['department', 'dueWorkingDays', 'link']);
    const department = validateCampaignForm({ ...FORM, audience: 'department', department: 'Repairs' });
    assert.ok(department.ok && department.details.audience.department === 'Repairs');
  });

  it('reads back only the queue messages it writes', () => {
    const message = { k: 'remind', c: 'AC-2026-00001', p: 'aad-alex', r: 2 } as const;
    assert.deepEqual(decodeMessage(encodeMessage(message)), message);
    for (const body of ['', 'not json', '{"k":"card","c":"AC-2026-00001"}', '{"k":"remind","c":"x","p":"y","r":3}', '{"k":"drop","c":"x"}']) {
      assert.equal(decodeMessage(body), undefined, body);
    }
  });

  it('counts each person once; overdue after the due date; interrupted sends apart', () => {
    const campaign = opened();
    const row = (personId: string, state: 'sent' | 'acknowledged' | 'failed' | 'notInstalled', detail?: string) => ({
      reference: campaign.reference, personId, state, enrolledAt: NOW.toISOString(), ...(detail ? { detail } : {}),
    });
    const rows = [row('a', 'sent'), row('b', 'acknowledged'), row('c', 'failed', 'interrupted'), row('d', 'notInstalled'), row('~manager-x', 'sent')];
    const before = tally(campaign, rows, NOW);
    assert.equal(before.total, 4);
    assert.equal(before.overdue, 0);
    assert.equal(before.interrupted, 1);
    assert.deepEqual(before.notReached.map((line) => line.personId), ['c', 'd']);
    assert.equal(tally(campaign, rows, new Date('2026-12-10T10:00:00Z')).overdue, 3);
  });

  it('paces at its share of the rate, and waits out a 429', async () => {
    let clock = 0;
    const gate = createRateGate({ perSecond: 50, now: () => clock, sleep: async (millis) => { clock += millis; } });
    gate.setSenders(2);
    for (let i = 0; i < 25; i++) await gate.take();
    assert.ok(clock >= 960 && clock <= 1000, `25 sends at 25 a second take about a second, not ${clock} ms`);
    gate.pause(1000);
    const before = clock;
    await gate.take();
    assert.ok(clock - before >= 1000, 'nothing is sent within Retry-After');
  });
});
