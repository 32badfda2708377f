import assert from 'node:assert/strict';
import type { DirectoryPerson } from '../../src/directory/directory';
import { BotHarness, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, press, submitRequest } from '../bot/conversation-helpers';

/**
 * Refused and hidden case actions leave one log line each (DESIGN.md, "Security"; issue 10): reference,
 * verb, the actor's Entra ID object id and the refusal code, so someone pressing buttons on cases that are
 * not theirs shows in the logs. Nothing else: no comment, business case or name. Over HTTP, as Teams sends them.
 */

const DIRECTORY: DirectoryPerson[] = [
  { id: PEOPLE.alex.id, name: 'Xanthe Quillfeather', managerId: PEOPLE.megan.id, roles: [] },
  { id: PEOPLE.megan.id, name: 'Morwenna Pettigrew', managerId: PEOPLE.isaiah.id, roles: [] },
  { id: PEOPLE.isaiah.id, name: 'Ignatius Fairweather', roles: ['incident'] },
  { id: PEOPLE.stranger.id, name: 'Sylvester Nightingale', roles: [] },
  { id: PEOPLE.adele.id, name: 'Cordelia Ravenscroft', managerId: PEOPLE.isaiah.id, roles: ['comms'] },
];
const BUSINESS_CASE = 'Tenant panel in Castlemilk needs live answers from the housing officer on Facebook.';
const FORGED_COMMENT = 'Approved on behalf of Morwenna while she is on leave in Tobermory.';
/** None of these may be in any log line (Teams' display names too; their first names are also in the harness's ids). */
const SECRETS = [
  BUSINESS_CASE, FORGED_COMMENT, 'Castlemilk', 'Tobermory',
  ...DIRECTORY.flatMap((person) => person.name.split(' ')), ...Object.values(PEOPLE).map((person) => person.name),
];
/** What pino puts on every line, and the four fields of a refusal. */
const LINE_KEYS = ['app', 'level', 'msg', 'time', 'actorId', 'code', 'reference', 'verb'].sort();
const WARN = 40;

interface RefusalLine { level: number; msg: string; reference?: string; verb?: string; actorId?: string; code?: string }

describe('security: refused and hidden case actions are logged once, with ids and codes only', () => {
  let bot: BotHarness;
  let reference: string;

  /** The refusal lines logged while `act` runs. */
  async function refusalsDuring(act: () => Promise<unknown>): Promise<RefusalLine[]> {
    const before = bot.logLines.length;
    await act();
    await bot.idle();
    return bot.logLines.slice(before).map((line) => JSON.parse(line) as RefusalLine).filter((line) => line.msg === 'case action refused');
  }

  const say = (person: PersonKey, text: string) => bot.say(person, text);

  before(async () => {
    bot = await new BotHarness({ now: () => NOW, people: DIRECTORY }).start();
    const card = await submitRequest(bot, 'alex', { businessCase: BUSINESS_CASE });
    reference = /AR-\d{4}-\d{5}/.exec(cardText(card))?.[0] ?? '';
    assert.equal(reference, 'AR-2026-00001');
  });
  after(async () => bot.stop());

  it('logs a forged approval on someone else\'s case as one warning: reference, verb, actor id, code and nothing personal', async () => {
    const logged = await refusalsDuring(async () => {
      const card = await press(bot, 'stranger', 'accessRequest.approve', {
        reference, comment: FORGED_COMMENT, actorId: PEOPLE.megan.id, approver: PEOPLE.megan.id, name: DIRECTORY[1]!.name,
      });
      assert.match(cardText(card), /can't find AR-2026-00001/);
    });
    assert.equal(logged.length, 1, JSON.stringify(logged));
    const [line] = logged;
    assert.deepEqual(Object.keys(line!).sort(), LINE_KEYS, 'only the four fields besides pino\'s own');
    assert.deepEqual({ level: line!.level, reference: line!.reference, verb: line!.verb, actorId: line!.actorId, code: line!.code }, {
      level: WARN, reference, verb: 'accessRequest.approve', actorId: PEOPLE.stranger.id, code: 'forbidden',
    });
  });

  it('logs a case that does not exist as not_found, and a case opened by someone with no part in it as forbidden', async () => {
    const missing = await refusalsDuring(() => press(bot, 'stranger', 'accessRequest.withdraw', { reference: 'AR-2026-99999' }));
    assert.deepEqual(missing.map(({ reference: ref, verb, actorId, code }) => ({ ref, verb, actorId, code })), [
      { ref: 'AR-2026-99999', verb: 'accessRequest.withdraw', actorId: PEOPLE.stranger.id, code: 'not_found' },
    ]);
    const typed = await refusalsDuring(() => say('stranger', `show ${reference}`));
    assert.deepEqual(typed.map(({ reference: ref, verb, actorId, code }) => ({ ref, verb, actorId, code })), [
      { ref: reference, verb: 'case.show', actorId: PEOPLE.stranger.id, code: 'forbidden' },
    ]);
    const clicked = await refusalsDuring(() => press(bot, 'stranger', 'accessRequest.refresh', { reference }));
    assert.deepEqual(clicked.map(({ verb, code }) => ({ verb, code })), [{ verb: 'accessRequest.refresh', code: 'forbidden' }]);
  });

  it('logs a step the person may not take on a case they can see (the requester approving their own request)', async () => {
    const logged = await refusalsDuring(async () => {
      const card = await press(bot, 'alex', 'accessRequest.approve', { reference, comment: FORGED_COMMENT });
      assert.match(cardText(card), /You can't approve your own request/);
    });
    assert.deepEqual(logged.map(({ verb, actorId, code }) => ({ verb, actorId, code })), [
      { verb: 'accessRequest.approve', actorId: PEOPLE.alex.id, code: 'forbidden' },
    ]);
    const edit = await refusalsDuring(() => press(bot, 'megan', 'accessRequest.edit', { reference }));
    assert.deepEqual(edit.map(({ verb, actorId, code }) => ({ verb, actorId, code })), [
      { verb: 'accessRequest.edit', actorId: PEOPLE.megan.id, code: 'forbidden' },
    ]);
    // A form that fails its checks is refused as not theirs before it is shown back to fix (Adele, Comms, sees the request).
    const reassign = await refusalsDuring(async () => {
      const card = await press(bot, 'adele', 'accessRequest.changeApprover', { reference, approver: 'nobody-in-the-directory' });
      assert.match(cardText(card), /Only Morwenna Pettigrew, or Xanthe Quillfeather once it has been escalated, can change the approver of AR-2026-00001/);
    });
    assert.deepEqual(reassign.map(({ verb, actorId, code }) => ({ verb, actorId, code })), [
      { verb: 'accessRequest.changeApprover', actorId: PEOPLE.adele.id, code: 'forbidden' },
    ]);
  });

  it('logs nothing for an action that is allowed, and a step no longer open at info level', async () => {
    assert.deepEqual(await refusalsDuring(() => press(bot, 'megan', 'accessRequest.approve', { reference, comment: '' })), []);
    assert.deepEqual(await refusalsDuring(() => say('alex', `show ${reference}`)), []);
    const late = await refusalsDuring(() => press(bot, 'alex', 'accessRequest.withdraw', { reference }));
    assert.equal(late.length, 1);
    assert.notEqual(late[0]!.level, WARN, 'a late click is not probing');
  });

  it('has no comment, business case or name in any line logged', () => {
    const found = bot.logLines.flatMap((line) => SECRETS.filter((secret) => line.toLowerCase().includes(secret.toLowerCase())).map((secret) => `"${secret}" in ${line}`));
    assert.deepEqual(found, []);
  });
});
