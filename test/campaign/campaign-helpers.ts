import assert from 'node:assert/strict';
import type { BotHarness, CardJson, PersonKey } from '../support/bot-harness';
import { ask, formSubmission } from '../bot/conversation-helpers';

/** A campaign form as Adele (Communications Team) fills it in: version 2026.2 to everyone, due in 10 working days. */
export const CAMPAIGN_FORM = {
  policyVersion: '2026.2', title: 'Social Media Policy, December 2026', link: 'https://holmes.wheatley-group.com/policies/social-media',
  summary: 'Monitoring of business accounts now covers Viva Engage; the takedown deadline is one working day.', dueWorkingDays: '10', audience: 'everyone',
};

/** Adele (or another member of the Communications Team) starts a campaign through the bot (the form, then its submit): the card they get back. */
export async function startCampaign(bot: BotHarness, changes: Record<string, unknown> = {}, by: PersonKey = 'adele'): Promise<CardJson> {
  const form = await ask(bot, by, 'start campaign');
  const submission = formSubmission(form, { ...CAMPAIGN_FORM, ...changes });
  assert.equal(submission.verb, 'campaign.start');
  const { card } = await bot.click(by, submission.verb, submission.data, `${by}-form`);
  await bot.idle();
  return card;
}
