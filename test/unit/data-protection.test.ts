import assert from 'node:assert/strict';
import { isPersonId, nameReplacer, rolesOf } from '../../src/data-protection/case-people';
import { latestChatWithout } from '../../src/data-protection/erasure';
import { redactCase, WITHHELD } from '../../src/data-protection/subject-access';
import { closedAtOf, deleteDueAt, isDueForDeletion, monthsFor } from '../../src/data-protection/retention';
import { evolve, TakedownEvent } from '../../src/workflows/takedown/model';

/** The pure parts of subject access and erasure: which ids are people, how names are found in text, what a party may see. */
describe('data protection (pure)', () => {
  it('accepts person ids that can be table keys, and nothing that could address a shared partition', () => {
    for (const id of ['aad-alex', '00000000-1111-2222-3333-444444444444', '29:1abc-Def_x.y@z']) assert.equal(isPersonId(id), true, id);
    for (const id of ['', 'bad/id', 'a b', 'back\\slash', 'hash#', 'q?', 'team:comms', 'service', 'system', 'audit-erasure', 'x'.repeat(101), '-lead', 42, undefined]) {
      assert.equal(isPersonId(id), false, String(id));
    }
  });

  it('replaces a full name in any case, and each capitalised part of it on its own, but not ordinary words', () => {
    const replace = nameReplacer(['Will Grace'], '[X]');
    assert.equal(replace('Spoke to WILL GRACE, then Will, then Grace.'), 'Spoke to [X], then [X], then [X].');
    assert.equal(replace('They will say grace at dinner.'), 'They will say grace at dinner.');
    assert.equal(replace('Willow and Gracefield are places.'), 'Willow and Gracefield are places.');
  });

  it('drops the erased person\'s user and chat from the latest chat reference, keeping the tenant; leaves anyone else\'s', () => {
    const reference = (userId: string) => ({
      serviceUrl: 'https://smba.example/emea/', user: { id: `29:${userId}`, aadObjectId: userId },
      conversation: { id: `a:1${userId}x`, tenantId: 'tenant-1', conversationType: 'personal', isGroup: false },
    });
    assert.deepEqual(latestChatWithout(reference('aad-fiona'), 'aad-fiona'), {
      serviceUrl: 'https://smba.example/emea/', conversation: { tenantId: 'tenant-1', conversationType: 'personal', isGroup: false },
    });
    assert.equal(latestChatWithout(reference('aad-rory'), 'aad-fiona'), undefined);
    assert.equal(latestChatWithout(reference('aad-fionamac'), 'aad-fiona'), undefined, 'a longer id is someone else');
    assert.equal(latestChatWithout(undefined, 'aad-fiona'), undefined, 'none stored, or not JSON');
  });

  describe('what a party to someone else\'s takedown notice may see', () => {
    const at = '2026-11-25T10:00:00.000Z';
    const issuer = { id: 'u-issuer', name: 'Isla Issuer' };
    const recipient = { id: 'u-recipient', name: 'Rory Recipient' };
    const events: TakedownEvent[] = [
      {
        type: 'TakedownIssued', at, by: issuer, reference: 'TD-2026-00001', recipient, deadline: '2026-11-26T10:00:00.000Z',
        details: { link: 'https://x.com/rory/status/1', platform: 'x', clauses: ['disrepute'], explanation: 'Rory Recipient insulted a councillor.' },
      },
      { type: 'Disputed', at, by: recipient, note: 'I was quoting my brother, and Isla Issuer knows it.' },
    ];
    const snapshot = events.reduce<ReturnType<typeof evolve> | undefined>(evolve, undefined)!;

    it('the issuer sees the notice they wrote, the recipient as a part, and not the recipient\'s own words', () => {
      const view = redactCase('TD', snapshot, events, issuer.id);
      assert.equal(view.disclosure, 'own part');
      const json = JSON.stringify(view);
      assert.ok(!json.includes('Rory') && !json.includes('u-recipient') && !json.includes('brother'), json);
      assert.equal((view.snapshot as { details: { explanation: string } }).details.explanation, '[the recipient] insulted a councillor.');
      assert.equal((view.events[1] as { note: string }).note, WITHHELD);
      assert.deepEqual((view.events[1] as { by: unknown }).by, { role: 'the recipient' });
    });

    it('the recipient, whom it is about, sees all of it, the issuer as a part', () => {
      const view = redactCase('TD', snapshot, events, recipient.id);
      assert.equal(view.disclosure, 'full');
      assert.equal((view.events[1] as { note: string }).note, 'I was quoting my brother, and [the Communications Team member who issued the notice] knows it.');
      assert.ok(!JSON.stringify(view).includes('Isla'));
      assert.deepEqual(rolesOf('TD', snapshot, events, recipient.id), ['recipient', 'actor']);
    });
  });
});

describe('retention of access requests and takedown notices (pure)', () => {
  const closedAt = '2026-03-31T09:30:00.000Z';
  const withdrawn = { state: 'withdrawn', history: [{ at: '2026-01-10T10:00:00.000Z' }, { at: closedAt }] };

  it('counts from the latest step (the one that closed the case), not from the submission', () => {
    assert.equal(closedAtOf(withdrawn), closedAt);
    assert.equal(closedAtOf({ state: 'withdrawn', history: [] }), undefined);
  });

  it('adds calendar months; a day the month lacks becomes its last day', () => {
    assert.equal(deleteDueAt(closedAt, 1).toISOString(), '2026-04-30T09:30:00.000Z');
    assert.equal(deleteDueAt(closedAt, 24).toISOString(), '2028-03-31T09:30:00.000Z');
    assert.equal(deleteDueAt('2026-01-31T00:00:00.000Z', 1).toISOString(), '2026-02-28T00:00:00.000Z');
  });

  it('is due once the period after closure has passed, to the millisecond', () => {
    const due = deleteDueAt(closedAt, 24);
    assert.equal(isDueForDeletion('AR', withdrawn, new Date(due.getTime() - 1), 24), false);
    assert.equal(isDueForDeletion('AR', withdrawn, due, 24), true);
  });

  it('never deletes an open case, however old', () => {
    const old = new Date('2099-01-01T00:00:00Z');
    for (const state of ['submitted', 'info_requested', 'awaiting_comms', 'active']) assert.equal(isDueForDeletion('AR', { ...withdrawn, state }, old, 1), false, state);
    for (const state of ['issued', 'acknowledged', 'removal_confirmed', 'reopened', 'disputed', 'upheld', 'overdue']) assert.equal(isDueForDeletion('TD', { ...withdrawn, state }, old, 1), false, state);
    for (const state of ['rejected', 'withdrawn', 'revoked', 'expired']) assert.equal(isDueForDeletion('AR', { ...withdrawn, state }, old, 1), true, state);
    for (const state of ['verified', 'withdrawn']) assert.equal(isDueForDeletion('TD', { ...withdrawn, state }, old, 1), true, state);
  });

  it('uses the period configured for each kind', () => {
    assert.equal(monthsFor('AR', { ainmYears: 3, accessRequestMonths: 6, takedownMonths: 36 }), 6);
    assert.equal(monthsFor('TD', { ainmYears: 3, accessRequestMonths: 6, takedownMonths: 36 }), 36);
  });
});
