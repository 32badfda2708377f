import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { DirectoryPerson } from '../../src/directory/directory';
import { DEFAULT_EAP_URL, DEFAULT_HOLMES_URL } from '../../src/workflows/abuse-report/settings';
import { BotHarness, BotHarnessOptions, buttonVerbs, cardText, CardJson, PEOPLE, PersonKey } from '../support/bot-harness';
import { cardsMatching, newCardsFor, submitReport } from './conversation-helpers';

/**
 * A report made "in immediate danger", over HTTP (issue 13, "Safety"): one 999 line at the top, support with
 * its link buttons, a manager asked to contact the reporter now, the safeguarding lead told, and escalation in
 * clock minutes through the scheduler. Made on Friday 4 December 2026 at 19:30 (GMT), after work: the working-time
 * clock would wait for Monday.
 */
const FRIDAY_EVENING = new Date('2026-12-04T19:30:00.000Z');
const REF = 'AINM-2026-00001';
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
/** Sam (no other role) is the safeguarding lead here; Adele (Comms) is IT security. */
const PEOPLE_WITH_SPECIALISTS: DirectoryPerson[] = Object.values(PEOPLE).map((person) => {
  if (person.id === PEOPLE.stranger.id) return { ...person, roles: ['safeguarding'] };
  if (person.id === PEOPLE.adele.id) return { ...person, roles: ['comms', 'itSecurity'] };
  return person;
});
const CALL_999 = /^If you are in immediate danger, call 999 now\./;
const URGENT_ESCALATION = new RegExp(`URGENT: ${REF} was not acknowledged by Megan Bowen within (\\d+) minutes and the reporter said they were in immediate danger: contact them now\\.`);
const URGENT = { immediateDanger: 'true', category: 'threat' };

function openUrls(card: unknown): string[] {
  const urls: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.OpenUrl' && typeof element.url === 'string') urls.push(element.url);
    Object.values(element).forEach(walk);
  };
  walk(card);
  return urls;
}

async function startBot(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const bot = await new BotHarness({ now: () => FRIDAY_EVENING, people: PEOPLE_WITH_SPECIALISTS, ...options }).start();
  for (const person of EVERYONE) await bot.install(person);
  return bot;
}

/** Moves the clock `minutes` past the report, ticks the scheduler, and waits for the messages it causes. */
async function tickAfter(bot: BotHarness, minutes: number, clock: { at: number }): Promise<number> {
  const target = FRIDAY_EVENING.getTime() + minutes * 60_000;
  bot.advanceClock(target - clock.at);
  clock.at = target;
  const report = await bot.runtime.scheduler.tick();
  await bot.idle();
  return report.fired;
}

describe('an urgent abuse report over HTTP', () => {
  let bot: BotHarness;
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('with the default settings, on a Friday evening', () => {
    beforeEach(async () => {
      bot = await startBot();
    });

    it('gives the reporter one 999 line, at the top, then support with the EAP and Holmes buttons', async () => {
      const receipt = await submitReport(bot, 'alex', URGENT);
      const lines = cardText(receipt).split('\n');
      assert.match(lines[0]!, CALL_999);
      assert.deepEqual(lines.filter((line) => line.includes('999')).length, 1, lines.join('\n'));
      assert.equal(lines[1], `Your report ${REF} is recorded. Megan Bowen and the Incident team have been told.`);
      assert.deepEqual(openUrls(receipt), [DEFAULT_EAP_URL, DEFAULT_HOLMES_URL]);
    });

    it('asks the manager to contact the reporter now, with the deadline in clock time, and tells the Incident team and the safeguarding lead', async () => {
      await submitReport(bot, 'alex', URGENT);
      const [alert] = cardsMatching(bot, 'megan', /has reported/);
      assert.match(cardText(alert), /URGENT: Alex Wilber has reported threat received through social media and said they are in immediate danger\. Contact them now, by phone or in person, check they are safe, then acknowledge the report\./);
      assert.match(cardText(alert), /URGENT: Megan Bowen to contact the reporter now and acknowledge, by Fri 4 Dec, 20:30/);
      assert.ok(buttonVerbs(alert).includes('abuseReport.acknowledge'));
      for (const person of ['isaiah', 'stranger'] as const) {
        const told = cardsMatching(bot, person, /URGENT: New AINM record: threat reported by Alex Wilber/);
        assert.equal(told.length, 1, `${person} is told once`);
        assert.match(cardText(told[0]), /Abuse or harassment report \(AINM\)/, `${person} can open the record from the message`);
      }
      assert.deepEqual(cardsMatching(bot, 'adele', /AINM/), [], 'IT security is not told of a threat');
      assert.deepEqual(cardsMatching(bot, 'patti', /AINM/), []);
    });

    it('escalates to the Incident team and the safeguarding lead an hour later, on a Friday evening, not on Monday', async () => {
      await submitReport(bot, 'alex', URGENT);
      const clock = { at: FRIDAY_EVENING.getTime() };
      assert.equal(await tickAfter(bot, 59.99, clock), 0, 'nothing a moment early');
      assert.equal(cardsMatching(bot, 'isaiah', URGENT_ESCALATION).length, 0);

      assert.equal(await tickAfter(bot, 60, clock), 1);
      for (const person of ['isaiah', 'stranger'] as const) {
        const escalations = cardsMatching(bot, person, URGENT_ESCALATION);
        assert.equal(escalations.length, 1, `${person} is asked to contact the reporter`);
        assert.equal(URGENT_ESCALATION.exec(cardText(escalations[0]))?.[1], '60');
      }
      assert.equal(cardsMatching(bot, 'megan', URGENT_ESCALATION).length, 0, 'the manager has their own alert');
    });

    it('tells IT security of a social-engineering attempt, and the safeguarding lead of a safeguarding concern', async () => {
      await submitReport(bot, 'alex', { category: 'social_engineering' });
      await submitReport(bot, 'megan', { category: 'safeguarding', manager: PEOPLE.isaiah.id });
      assert.equal(cardsMatching(bot, 'adele', /New AINM record: social engineering attempt reported by Alex Wilber/).length, 1);
      assert.equal(cardsMatching(bot, 'stranger', /New AINM record: safeguarding concern about another site user reported by Megan Bowen/).length, 1);
      assert.equal(cardsMatching(bot, 'stranger', /social engineering/).length, 0, 'each specialist only of their own');
      assert.equal(cardsMatching(bot, 'adele', /safeguarding concern/).length, 0);
    });
  });

  describe('with support and escalation set in the environment', () => {
    const settings = {
      support: { eapUrl: 'https://eap.example/wheatley', holmesUrl: 'https://holmes.example/support', phone: '0800 123 4567' }, urgentEscalationMinutes: 15,
    };
    beforeEach(async () => {
      bot = await startBot({ abuseReport: settings });
    });

    it('links the receipt to the configured pages, shows the phone, and escalates after the configured minutes', async () => {
      const receipt = await submitReport(bot, 'alex', URGENT);
      assert.deepEqual(openUrls(receipt), ['https://eap.example/wheatley', 'https://holmes.example/support']);
      assert.match(cardText(receipt), /Phone: 0800 123 4567/);
      assert.match(cardText(cardsMatching(bot, 'megan', /has reported/)[0]), /contact the reporter now and acknowledge, by Fri 4 Dec, 19:45/);
      const clock = { at: FRIDAY_EVENING.getTime() };
      assert.equal(await tickAfter(bot, 15, clock), 1);
      assert.equal(URGENT_ESCALATION.exec(cardText(cardsMatching(bot, 'isaiah', URGENT_ESCALATION)[0]))?.[1], '15');
    });

    it('answers danger written in free text with 999 first, then the same support block', async () => {
      const before = newCardsFor(bot, 'alex').length;
      await bot.say('alex', 'he said he\'ll kill me');
      await bot.idle();
      const [safety, form] = newCardsFor(bot, 'alex').slice(before) as [CardJson, CardJson];
      assert.match(cardText(safety).split('\n')[0]!, CALL_999);
      assert.deepEqual(openUrls(safety), ['https://eap.example/wheatley', 'https://holmes.example/support']);
      assert.match(cardText(safety), /Phone: 0800 123 4567/);
      assert.ok(buttonVerbs(form).includes('abuseReport.submit'));
    });
  });
});
