import assert from 'node:assert/strict';
import { isPersonId, nameReplacer, rolesOf } from '../../src/data-protection/case-people';
import { redactCase, WITHHELD } from '../../src/data-protection/subject-access';
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
