import assert from 'node:assert/strict';
import { BotHarness, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { SentAttachment, UploadReceiver } from '../support/upload-receiver';
import { ask, cardsMatching, issueTakedown, lastNewCardFor, listItems, NOW, submitRequest } from './conversation-helpers';

const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FORMULA = '=HYPERLINK("https://evil.example","x")';

/** The access register (issue 12): who has business access to which sites, until when, approved by whom. */
describe('the access register, for the Communications Team, over HTTP', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  let receiver: UploadReceiver;

  const sentTo = (person: PersonKey, since: number): SentAttachment[] => bot.connector.calls.slice(since)
    .filter((call) => call.conversationId === bot.personalConversation(person) && call.method === 'POST')
    .flatMap((call) => (call.body.attachments as SentAttachment[] | undefined) ?? []);

  before(async () => {
    receiver = await new UploadReceiver().start();
    bot = await new BotHarness({ now: () => NOW }).start();
    // Alex: view access to Facebook and LinkedIn (approved); Megan: view access to X (approved by Isaiah); Alex
    // again: a request still waiting for Megan (not on the register); Patti: an "other" site named like a formula.
    await submitRequest(bot, 'alex');
    await bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    await submitRequest(bot, 'megan', { sites: 'x', approver: 'aad-isaiah' });
    await bot.click('isaiah', 'accessRequest.approve', { reference: 'AR-2026-00002', comment: '' });
    await submitRequest(bot, 'alex', { sites: 'youtube' });
    await submitRequest(bot, 'patti', { sites: 'other', otherSite: FORMULA, approver: 'aad-isaiah' });
    await bot.click('isaiah', 'accessRequest.approve', { reference: 'AR-2026-00004', comment: '' });
    await bot.idle();
  });
  after(async () => {
    await bot.stop();
    await receiver.stop();
  });

  it('lists active access only, each line with the sites, until when and who approved it', async () => {
    const list = await ask(bot, 'adele', 'access register');
    assert.match(cardText(list), /Access register/);
    assert.deepEqual(listItems(list).map((item) => item.reference), ['AR-2026-00001', 'AR-2026-00002', 'AR-2026-00004'], 'by person: Alex, Megan, Patti; the waiting request is not there');
    assert.match(cardText(list), /Alex Wilber: view during working hours, Facebook, LinkedIn/);
    assert.match(cardText(list), /Until 25 May 2027; approved by Megan Bowen\./);
  });

  it('filters by site, by its name or code', async () => {
    assert.deepEqual(listItems(await ask(bot, 'patti', 'access register facebook')).map((item) => item.reference), ['AR-2026-00001']);
    assert.deepEqual(listItems(await ask(bot, 'patti', 'access register twitter')).map((item) => item.reference), ['AR-2026-00002']);
    const none = await ask(bot, 'patti', 'access register tiktok');
    assert.deepEqual(listItems(none), []);
    assert.match(cardText(none), /Nobody has business access/);
    const unknown = await ask(bot, 'patti', 'access register myspace');
    assert.match(cardText(unknown), /I don't know the site "myspace"/);
    assert.deepEqual(listItems(unknown), [], 'an unknown site lists nothing rather than everything');
  });

  it('opens a line as the request itself, where Comms may revoke it, with the way back to the register', async () => {
    const { card } = await bot.click('adele', 'case.show', { reference: 'AR-2026-00001', list: 'accessRegister' });
    assert.match(cardText(card), /AR-2026-00001/);
    assert.match(JSON.stringify(card), /"verb":"accessRequest.revoke"/);
    const back = await bot.click('adele', 'list.show', { list: 'accessRegister' });
    assert.match(cardText(back.card), /Access register/);
  });

  it('is the Communications Team\'s only: staff, managers and the Incident team are refused', async () => {
    for (const person of ['alex', 'megan', 'isaiah', 'stranger'] as const) {
      const answer = await ask(bot, person, 'access register');
      assert.match(cardText(answer), /Only the Communications Team keeps the access register/, person);
      assert.doesNotMatch(cardText(answer), /AR-2026-0000/, person);
    }
  });

  it('saves the register as a CSV file for Excel (UTF-8 with a byte order mark, formulas defused), after consent', async () => {
    const since = bot.connector.calls.length;
    assert.equal((await bot.say('adele', 'access register csv')).status, 200);
    const [consent] = sentTo('adele', since).filter((attachment) => attachment.contentType === FILE_CONSENT);
    assert.ok(consent, 'a file consent card');
    assert.equal(consent.name, 'access-register-2026-11-25.csv');
    assert.match(String(consent.content.description), /Access register on 25 Nov 2026: 3 active accesses \(CSV\)\./);
    const answer = await bot.post('/api/messages', bot.activity('adele', {
      type: 'invoke', name: 'fileConsent/invoke', replyToId: 'consent-card',
      value: {
        type: 'fileUpload', action: 'accept', context: consent.content.acceptContext,
        uploadInfo: { name: consent.name, uploadUrl: receiver.url('/upload/register'), contentUrl: 'https://wheatley-my.sharepoint.com/personal/adele/register.csv', uniqueId: 'file-2', fileType: 'csv' },
      },
    }));
    assert.equal(answer.status, 200);
    const body = receiver.uploads.at(-1)!.body;
    assert.ok(body.startsWith('\ufeffreference,person,sites,access,from,until,approvedBy,signedOffBy\r\n'), JSON.stringify(body.slice(0, 80)));
    assert.match(body, /AR-2026-00001,Alex Wilber,"Facebook, LinkedIn",View during working hours,2026-11-25,2027-05-25,Megan Bowen,\r\n/);
    assert.ok(body.includes(`AR-2026-00004,Patti Fernandez,"'${FORMULA.replace(/"/g, '""')}",`), body);
  });

  it('shows the Communications Team a takedown recipient\'s access from the notice, in a message of its own', async () => {
    const notice = await issueTakedown(bot);
    const button = JSON.stringify(notice).match(/"verb":"menu\.accessOf","associatedInputs":"none","data":\{"person":"([^"]+)"\}/);
    assert.equal(button?.[1], PEOPLE.alex.id, 'the notice offers "Their business access" for its recipient');
    assert.equal(await bot.clickKeepingCard('adele', 'menu.accessOf', { person: PEOPLE.alex.id }, 'notice-card'), 'Alex Wilber\'s access is below.');
    await bot.idle();
    const list = lastNewCardFor(bot, 'adele');
    assert.match(cardText(list), /Alex Wilber: business access/);
    assert.deepEqual(listItems(list).map((item) => item.reference), ['AR-2026-00001'], 'active access only: not the request still waiting');
    const [ownCopy] = cardsMatching(bot, 'alex', /TD-2026-00001/);
    assert.doesNotMatch(JSON.stringify(ownCopy), /menu\.accessOf/, 'not on the recipient\'s own copy');
    const refused = await bot.click('alex', 'menu.accessOf', { person: PEOPLE.megan.id });
    assert.match(cardText(refused.card), /Only the Communications Team keeps the access register/);
  });

  it('saves nothing for someone outside the Communications Team, even with the consent card\'s context', async () => {
    const before = receiver.uploads.length;
    const answer = await bot.post('/api/messages', bot.activity('alex', {
      type: 'invoke', name: 'fileConsent/invoke', replyToId: 'consent-card',
      value: { type: 'fileUpload', action: 'accept', context: { export: 'accessRegister' }, uploadInfo: { uploadUrl: receiver.url('/upload/x'), name: 'x.csv' } },
    }));
    assert.equal(answer.status, 200);
    assert.equal(receiver.uploads.length, before);
    assert.match(cardText(bot.lastCardFor('alex')), /Only the Communications Team keeps the access register/);
  });
});
