import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';
import {
  validForm,
  ask, BUSINESS_CASE, cardsMatching, errorNextTo, formSubmission, inputValue, lastNewCardFor, newCardsFor, NOW, submitRequest,
} from './conversation-helpers';

const REF = 'AR-2026-00001';
const decisionVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => /approve|reject|requestInfo/.test(verb) && !verb.startsWith('accessRequest.comms')).sort();
const referencesOn = (card: unknown) => [...new Set(cardText(card).match(/AR-\d{4}-\d{5}/g) ?? [])].sort();

describe('access request decisions over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'] as const) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('reject', () => {
    it('keeps the card, shows the error next to the comment and changes nothing when the manager rejects without a comment', async () => {
      await submitRequest(bot, 'alex');
      const alexCardsBefore = newCardsFor(bot, 'alex').length;

      const { card } = await bot.click('megan', 'accessRequest.reject', { reference: REF, comment: '   ' });
      assert.match(errorNextTo(card, 'comment') ?? '', /Please say why you are rejecting the request/);
      assert.match(cardText(card), /Waiting for approval/);
      assert.deepEqual(decisionVerbs(card), ['accessRequest.approve', 'accessRequest.reject', 'accessRequest.requestInfo'], 'the buttons stay so the manager can try again');
      await bot.idle();

      assert.equal(newCardsFor(bot, 'alex').length, alexCardsBefore, 'the requester is told nothing');
      const mine = await ask(bot, 'alex', 'my requests');
      assert.match(cardText(mine), new RegExp(`${REF}[\\s\\S]*Waiting for approval`));
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), [REF], 'it still waits for the manager');
    });

    it('tells the requester the request was rejected, with the reason, when the manager gives one', async () => {
      await submitRequest(bot, 'alex');
      const { card } = await bot.click('megan', 'accessRequest.reject', { reference: REF, comment: 'Please use the housing team account instead.' });
      assert.match(cardText(card), /You rejected this request/);
      assert.match(cardText(card), /Rejected/);
      assert.deepEqual(decisionVerbs(card), [], 'no decision buttons are left');
      await bot.idle();

      const told = lastNewCardFor(bot, 'alex');
      assert.match(cardText(told), /Megan Bowen rejected your request/);
      assert.match(cardText(told), /Please use the housing team account instead\./);
      assert.deepEqual(buttonVerbs(told).filter((v) => v.startsWith('accessRequest.')), [], 'a rejected request offers the requester nothing to press');
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Rejected/);
      assert.match(cardText(await ask(bot, 'megan', 'approvals')), /Nothing is waiting for you/);
    });
  });

  describe('ask for more information', () => {
    it('sends the requester an "Edit and resubmit" card, prefills the form with the question, and sends the changed request back to the manager', async () => {
      await submitRequest(bot, 'alex');
      const question = 'Which pages will you answer on, and for how long each day?';
      const asked = await bot.click('megan', 'accessRequest.requestInfo', { reference: REF, comment: question });
      assert.match(cardText(asked.card), /You asked for more information/);
      assert.match(cardText(asked.card), /More information needed/);
      await bot.idle();

      const told = lastNewCardFor(bot, 'alex');
      assert.match(cardText(told), /Megan Bowen needs more information before deciding/);
      assert.ok(buttonVerbs(told).includes('accessRequest.edit'), 'the requester gets an "Edit and resubmit" button');
      assert.match(JSON.stringify(told), /"title":"Edit and resubmit"/);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /More information needed/);

      const { card: form } = await bot.click('alex', 'accessRequest.edit', { reference: REF });
      assert.match(cardText(form), /Edit your request AR-2026-00001/);
      assert.match(cardText(form), /Megan Bowen asked for more information:/);
      assert.ok(cardText(form).includes(question), 'the manager\'s question is on the form');
      assert.equal(inputValue(form, 'businessCase'), BUSINESS_CASE, 'the form is filled in with the request');
      assert.equal(inputValue(form, 'sites'), 'facebook,linkedin');
      assert.equal(inputValue(form, 'approver'), 'aad-megan');

      const newCase = 'I answer tenants on the Facebook and LinkedIn pages of the housing team, about an hour each morning.';
      const submission = formSubmission(form, { businessCase: newCase });
      assert.equal(submission.verb, 'accessRequest.resubmit');
      const resent = await bot.click('alex', submission.verb, submission.data);
      assert.match(cardText(resent.card), /Sent again to Megan Bowen/);
      assert.match(cardText(resent.card), /Waiting for approval/);
      await bot.idle();

      const again = cardsMatching(bot, 'megan', /Alex Wilber updated their request/);
      assert.equal(again.length, 1, 'the manager is notified again, once');
      assert.ok(cardText(again[0]).includes(newCase), 'the manager sees the changed business case');
      assert.deepEqual(decisionVerbs(again[0]), ['accessRequest.approve', 'accessRequest.reject', 'accessRequest.requestInfo']);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Waiting for approval/);
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), [REF]);
    });
  });

  describe('another approver', () => {
    it('hands a resubmitted request to the new approver, and turns the old approver\'s card into a notice without the business case', async () => {
      await bot.install('isaiah');
      await submitRequest(bot, 'alex');
      await bot.click('megan', 'accessRequest.requestInfo', { reference: REF, comment: 'Please ask Isaiah, he runs that page.' });
      await bot.idle();
      const { card: form } = await bot.click('alex', 'accessRequest.edit', { reference: REF });
      const submission = formSubmission(form, { approver: PEOPLE.isaiah.id });
      await bot.click('alex', submission.verb, submission.data);
      await bot.idle();

      assert.equal(cardsMatching(bot, 'isaiah', /Alex Wilber updated their request/).length, 1, 'the new approver is asked');
      const megansCopy = bot.lastCardFor('megan');
      assert.match(cardText(megansCopy), /moved to another approver/);
      assert.ok(!cardText(megansCopy).includes(BUSINESS_CASE), 'the old approver no longer sees the business case');
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), []);
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'my cases')), [], 'the old approver no longer lists it, nor its state and next step');
      assert.deepEqual(referencesOn(await ask(bot, 'isaiah', 'approvals')), [REF]);
    });
  });

  describe('who may approve (issue 13)', () => {
    const REASON = 'Megan is on leave until March, and Adele runs the Facebook pages I answer.';

    it('asks why when the approver is outside the management chain, and changes nothing until told', async () => {
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approver: PEOPLE.adele.id }));
      assert.match(cardText(card), /Please check the highlighted fields: nothing has been sent yet/);
      assert.equal(errorNextTo(card, 'approverReason'),
        'Adele Vance is not your line manager (Megan Bowen) or above them: say in a sentence why they should approve, or choose your line manager.');
      await bot.idle();
      assert.deepEqual(cardsMatching(bot, 'adele', /asks for/), [], 'nobody was asked');
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /You have not asked for access yet/);
    });

    it('sends it with the reason, marks the card "not the line manager", and tells the line manager, who sees it but cannot decide', async () => {
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approver: PEOPLE.adele.id, approverReason: REASON }));
      assert.match(cardText(card), /Adele Vance \(not the line manager\)/);
      assert.match(cardText(card), /Why not the line manager[\s\S]*Megan is on leave until March/);
      await bot.idle();
      const told = cardsMatching(bot, 'megan', /asked Adele Vance, not you, to approve/);
      assert.equal(told.length, 1, 'the line manager is told once');
      assert.match(cardText(told[0]), /Megan is on leave until March/, 'and sees why');
      assert.deepEqual(decisionVerbs(told[0]), [], 'with no buttons to decide');
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), [], 'it does not wait for her');
      assert.deepEqual(referencesOn(await ask(bot, 'adele', 'approvals')), [REF], 'it waits for Adele');
    });

    it('takes where the approver stands from the directory, never from the card data', async () => {
      const forged = { approverStanding: 'line_manager', lineManager: { id: PEOPLE.adele.id, name: PEOPLE.adele.name }, managerId: PEOPLE.adele.id };
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approver: PEOPLE.adele.id, ...forged }));
      assert.match(errorNextTo(card, 'approverReason') ?? '', /Adele Vance is not your line manager \(Megan Bowen\)/);
      await bot.idle();
      assert.deepEqual(cardsMatching(bot, 'adele', /asks for/), [], 'nobody was asked');
    });

    it('asks someone with no line manager in the directory why, without naming a line manager', async () => {
      const { card } = await bot.click('stranger', 'accessRequest.submit', validForm());
      assert.equal(errorNextTo(card, 'approverReason'), 'The staff directory has no line manager for you: say in a sentence why Megan Bowen should approve.');
      const sent = await submitRequest(bot, 'stranger', { approverReason: 'My line manager is not in the directory yet; Megan agreed to decide.' });
      assert.match(cardText(sent), /Megan Bowen \(not the line manager\)/);
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), [REF]);
    });

    it('needs no reason for someone above the line manager, and does not trouble the line manager', async () => {
      await bot.install('isaiah');
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approver: PEOPLE.isaiah.id }));
      assert.match(cardText(card), /Isaiah Langer \(above the line manager\)/);
      await bot.idle();
      assert.deepEqual(cardsMatching(bot, 'megan', /not you, to approve/), []);
      assert.deepEqual(referencesOn(await ask(bot, 'isaiah', 'approvals')), [REF]);
    });
  });

  describe('withdraw', () => {
    it('tells the approver when the requester withdraws, and refuses a later approval saying it was withdrawn', async () => {
      await submitRequest(bot, 'alex');
      const mine = await bot.click('alex', 'case.show', { reference: REF });
      assert.ok(buttonVerbs(mine.card).includes('accessRequest.withdraw'), 'the requester can withdraw a pending request');

      const { card } = await bot.click('alex', 'accessRequest.withdraw', { reference: REF });
      assert.match(cardText(card), /You withdrew this request/);
      assert.match(cardText(card), /Withdrawn/);
      await bot.idle();
      assert.match(cardText(lastNewCardFor(bot, 'megan')), /Alex Wilber withdrew AR-2026-00001: nothing is needed from you/);
      assert.deepEqual(decisionVerbs(lastNewCardFor(bot, 'megan')), []);

      const late = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(late.card), /withdrawn/i);
      assert.match(cardText(late.card), /can't decide on it now/);
      assert.deepEqual(decisionVerbs(late.card), []);
      await bot.idle();
      assert.equal(cardsMatching(bot, 'alex', /approved your request/).length, 0);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Withdrawn/);
    });
  });

  describe('posting on the Group\'s behalf', () => {
    it('needs a Communications Team sign-off after the manager: both Comms members are asked, the first sign-off makes access active', async () => {
      await submitRequest(bot, 'alex', { kind: 'post' });
      const approved = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(approved.card), /Waiting for Communications Team sign-off/);
      assert.ok(!buttonVerbs(approved.card).includes('accessRequest.commsSignOff'), 'the manager does not give the second sign-off');
      await bot.idle();

      assert.match(cardText(lastNewCardFor(bot, 'alex')), /It now needs Communications Team sign-off/);
      for (const member of ['adele', 'patti'] as const) {
        const asked = cardsMatching(bot, member, /needs your sign-off/);
        assert.equal(asked.length, 1, `${member} gets one sign-off card`);
        assert.ok(buttonVerbs(asked[0]).includes('accessRequest.commsSignOff'), `${member} can sign off`);
        assert.ok(buttonVerbs(asked[0]).includes('accessRequest.commsReject'), `${member} can reject`);
      }
      assert.deepEqual(cardsMatching(bot, 'stranger', /sign-off/), [], 'people outside the Communications Team are not asked');

      const signed = await bot.click('adele', 'accessRequest.commsSignOff', { reference: REF, comment: '' });
      assert.match(cardText(signed.card), /You signed off this request: access is now active/);
      assert.match(cardText(signed.card), /Active/);
      await bot.idle();
      const told = cardsMatching(bot, 'alex', /signed off your request/);
      assert.equal(told.length, 1);
      assert.match(cardText(told[0]), /Adele Vance \(Communications Team\) signed off your request: access is active/);
      assert.match(cardText(bot.lastCardFor('patti')), /Active/, 'patti\'s sign-off card now shows the request is active');
      assert.ok(!buttonVerbs(bot.lastCardFor('patti')).includes('accessRequest.commsSignOff'), 'and no longer offers a sign-off');

      const late = await bot.click('patti', 'accessRequest.commsSignOff', { reference: REF, comment: '' });
      assert.match(cardText(late.card), /already signed off by Adele Vance/);
      assert.ok(!buttonVerbs(late.card).includes('accessRequest.commsSignOff'));
      await bot.idle();
      assert.equal(cardsMatching(bot, 'alex', /signed off your request/).length, 1, 'the requester is told once');
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Active/);
    });

    it('leaves a request a Communications Team member approved as line manager to the rest of the team (no buttonless line in their approvals)', async () => {
      await submitRequest(bot, 'alex', { kind: 'post', approver: PEOPLE.adele.id, approverReason: 'Megan is away; Adele manages the pages I will post on.' });
      assert.deepEqual(referencesOn(await ask(bot, 'adele', 'approvals')), [REF], 'it waits for Adele as line manager');
      await bot.click('adele', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
      assert.deepEqual(referencesOn(await ask(bot, 'adele', 'approvals')), [], 'not for her second sign-off');
      assert.deepEqual(referencesOn(await ask(bot, 'patti', 'approvals')), [REF], 'but for the rest of the team');
    });

    it('leaves a Communications Team member\'s own request to the rest of the team', async () => {
      await submitRequest(bot, 'adele', { kind: 'post', approver: 'aad-isaiah' });
      await bot.click('isaiah', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();

      assert.deepEqual(referencesOn(await ask(bot, 'patti', 'approvals')), [REF], 'it waits for the other Comms member');
      assert.deepEqual(referencesOn(await ask(bot, 'adele', 'approvals')), [], 'it does not wait for its requester');
      const own = await bot.click('adele', 'accessRequest.commsSignOff', { reference: REF, comment: '' });
      assert.match(cardText(own.card), /You can't sign off your own request/);
      const signed = await bot.click('patti', 'accessRequest.commsSignOff', { reference: REF, comment: '' });
      assert.match(cardText(signed.card), /access is now active/);
    });

    it('does not ask a Communications Team member to sign off their own request', async () => {
      await submitRequest(bot, 'adele', { kind: 'post', approver: 'aad-isaiah' });
      await bot.click('isaiah', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
      assert.equal(cardsMatching(bot, 'patti', /needs your sign-off/).length, 1);
      assert.equal(cardsMatching(bot, 'adele', /needs your sign-off/).length, 0);
    });
  });

  describe('revoke', () => {
    async function activeViewRequest(): Promise<void> {
      await submitRequest(bot, 'alex');
      await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
    }

    it('lets the manager revoke active access only with a reason, and tells the requester', async () => {
      await activeViewRequest();
      const shown = await bot.click('megan', 'case.show', { reference: REF });
      assert.ok(buttonVerbs(shown.card).includes('accessRequest.revoke'), 'the manager sees "Revoke access"');

      const noReason = await bot.click('megan', 'accessRequest.revoke', { reference: REF, comment: '' });
      assert.match(errorNextTo(noReason.card, 'comment') ?? '', /Please give the reason for revoking access/);
      await bot.idle();
      assert.equal(cardsMatching(bot, 'alex', /revoked/).length, 0);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Active/);

      const revoked = await bot.click('megan', 'accessRequest.revoke', { reference: REF, comment: 'Breach of the policy: a confidential post.' });
      assert.match(cardText(revoked.card), /You revoked this access/);
      assert.match(cardText(revoked.card), /Revoked/);
      await bot.idle();
      const told = cardsMatching(bot, 'alex', /revoked your access/);
      assert.equal(told.length, 1);
      assert.match(cardText(told[0]), /Megan Bowen revoked your access/);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Revoked/);
    });

    it('lets a Communications Team member revoke active access, telling the requester and the manager', async () => {
      await activeViewRequest();
      const shown = await ask(bot, 'adele', `show ${REF}`);
      assert.ok(buttonVerbs(shown).includes('accessRequest.revoke'), 'Comms sees "Revoke access"');

      const revoked = await bot.click('adele', 'accessRequest.revoke', { reference: REF, comment: 'Posted confidential information about a tenant.' });
      assert.match(cardText(revoked.card), /You revoked this access/);
      await bot.idle();
      assert.match(cardText(lastNewCardFor(bot, 'alex')), /Adele Vance \(Communications Team\) revoked your access/);
      assert.match(cardText(lastNewCardFor(bot, 'megan')), /Adele Vance \(Communications Team\) revoked AR-2026-00001/);
      assert.match(cardText(await ask(bot, 'alex', 'AR-2026-00001')), /Revoked/);
    });
  });

  describe('lists and show', () => {
    it('lists each person\'s own requests under "my requests" and what waits for them under "approvals"', async () => {
      await submitRequest(bot, 'alex'); // AR-1: alex -> megan, waiting
      await submitRequest(bot, 'megan', { approver: 'aad-isaiah' }); // AR-2: megan -> isaiah, waiting
      await submitRequest(bot, 'alex', { kind: 'post' }); // AR-3: alex -> megan, then approved: waits for Comms
      await bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00003', comment: '' });
      await bot.idle();

      const alexMine = await ask(bot, 'alex', 'my requests');
      assert.deepEqual(referencesOn(alexMine), ['AR-2026-00001', 'AR-2026-00003']);
      assert.match(cardText(alexMine), /Waiting for approval/);
      assert.match(cardText(alexMine), /Waiting for Communications Team sign-off/);
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'my requests')), ['AR-2026-00002']);

      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), ['AR-2026-00001'], 'decided requests and her own are not listed');
      assert.deepEqual(referencesOn(await ask(bot, 'isaiah', 'approvals')), ['AR-2026-00002']);
      assert.deepEqual(referencesOn(await ask(bot, 'adele', 'approvals')), ['AR-2026-00003'], 'Comms sees what waits for sign-off');
      assert.deepEqual(referencesOn(await ask(bot, 'alex', 'approvals')), []);
      assert.match(cardText(await ask(bot, 'stranger', 'approvals')), /Nothing is waiting for you/);
      assert.match(cardText(await ask(bot, 'stranger', 'my requests')), /You have not asked for access yet/);
    });

    it('opens a case by its reference for the people with a part in it', async () => {
      await submitRequest(bot, 'alex');

      const forRequester = await ask(bot, 'alex', `show ${REF}`);
      assert.match(cardText(forRequester), /AR-2026-00001/);
      assert.match(cardText(forRequester), /Waiting for approval/);
      assert.ok(cardText(forRequester).includes(BUSINESS_CASE));
      assert.deepEqual(decisionVerbs(forRequester), [], 'the requester cannot decide');
      assert.ok(buttonVerbs(forRequester).includes('accessRequest.withdraw'));

      const forApprover = await ask(bot, 'megan', 'ar-2026-00001');
      assert.match(cardText(forApprover), /Megan Bowen to decide/);
      assert.deepEqual(decisionVerbs(forApprover), ['accessRequest.approve', 'accessRequest.reject', 'accessRequest.requestInfo']);

      const forComms = await ask(bot, 'patti', `open ${REF}`);
      assert.match(cardText(forComms), /AR-2026-00001/);
      assert.deepEqual(decisionVerbs(forComms), []);
    });
  });
});
