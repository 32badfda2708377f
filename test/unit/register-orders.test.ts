import assert from 'node:assert/strict';
import { indexKeysOf, ordersOf, orderSource, TEAM_ORDERS } from '../../src/dashboard/register-orders';
import type { CaseSummary } from '../../src/dashboard/statistics';

const summary = (reference: string, overrides: Partial<CaseSummary>): CaseSummary => ({
  reference, prefix: reference.split('-')[0]!, version: 1, state: 'open', open: true, audience: 'admin,comms', clocks: [], ...overrides,
});

/** The orders registers can be listed in (src/dashboard/register-orders.ts): pure, so every tie and format is pinned here. */
describe('register orders', () => {
  it('keys a desk post by its deadline as the summariser writes it (ISO, UTC), and an access line by its end date', () => {
    const post = summary('CP-2026-00042', { dueAt: '2026-12-07T10:00:00.000Z', cells: { dueAt: '2026-12-07T10:00:00.000Z' } });
    assert.deepEqual([...indexKeysOf(post, 'KEY')], [['oldest', '!oldest|2026-000000042|KEY'], ['due', '!due|2026-12-07T10:00:00.000Z|KEY']]);
    const access = summary('AR-2026-00003', { state: 'active', cells: { until: '2027-05-25' } });
    assert.equal(indexKeysOf(access, 'KEY').get('ending'), '!ending|2027-05-25|KEY');
    // A value that is not one (never expected) sorts last rather than into a row key: Azure Tables forbids / \ # ?.
    assert.equal(indexKeysOf(summary('CP-2026-00001', { cells: { dueAt: 'soon/#?' } }), 'KEY').get('due'), '!due|~|KEY');
  });

  it('copies only what a register lists: active access, open posts, every AINM record', () => {
    assert.equal(indexKeysOf(summary('AR-2026-00001', { state: 'submitted' }), 'KEY').size, 0);
    assert.equal(indexKeysOf(summary('CP-2026-00001', { state: 'resolved', open: false }), 'KEY').size, 0);
    assert.equal(indexKeysOf(summary('AINM-2026-00001', { state: 'closed', open: false }), 'KEY').get('open'), '!open|11|KEY');
    assert.equal(indexKeysOf(summary('AINM-2026-00002', { state: 'reported', cells: { urgent: 'Yes' } }), 'KEY').get('open'), '!open|00|KEY');
    assert.equal(indexKeysOf(summary('TD-2026-00001', {}), 'KEY').size, 0, 'no register lists takedown notices');
  });

  it('reads a kind\'s first order from its summaries, the others from their indexes, and no other', () => {
    assert.deepEqual(ordersOf('CP').map((order) => order.id), ['newest', 'oldest', 'due']);
    assert.deepEqual([orderSource('CP', undefined), orderSource('CP', 'newest'), orderSource('CP', 'due'), orderSource('CP', 'ending'), orderSource('CP', 'constructor')],
      ['summaries', 'summaries', 'index', undefined, undefined]);
  });

  it('orders "my team" by latest change, longest unchanged or team member, each total', () => {
    const line = (reference: string, person: string, updatedAt: string) => ({ reference, cells: { person, updatedAt } });
    const lines = [
      line('AR-2026-00002', 'Megan Bowen', '2026-11-20T09:00:00.000Z'),
      line('AR-2026-00010', 'Alex Wilber', '2026-11-20T09:00:00.000Z'),
      line('TD-2026-00001', 'Megan Bowen', '2026-11-25T09:00:00.000Z'),
      line('AR-2026-00001', 'Megan Bowen', '2026-11-18T09:00:00.000Z'),
    ];
    const sorted = (id: string) => [...lines].sort(TEAM_ORDERS.find((order) => order.id === id)!.compare).map((row) => row.reference);
    assert.deepEqual(sorted('latest'), ['TD-2026-00001', 'AR-2026-00010', 'AR-2026-00002', 'AR-2026-00001'], 'a tie: the newer reference first');
    assert.deepEqual(sorted('earliest'), ['AR-2026-00001', 'AR-2026-00002', 'AR-2026-00010', 'TD-2026-00001'], 'the exact reverse');
    assert.deepEqual(sorted('person'), ['AR-2026-00010', 'TD-2026-00001', 'AR-2026-00002', 'AR-2026-00001'], 'Alex\'s, then Megan\'s, each latest change first');
    assert.equal(TEAM_ORDERS[0]!.id, 'latest', 'the usual order comes first');
  });
});
