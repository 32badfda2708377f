/**
 * A new workflow costs one folder: this file is that folder. It defines a toy two-step workflow (a cake day
 * asked of one's line manager, who agrees) as one WorkflowModule, registers it with one line (the harness's
 * `workflows`, as `src/workflows/index.ts` lists the real ones) and drives it over HTTP through the real engine:
 * form -> case card -> the manager's decision -> the asker's card updated in place -> a reminder timer.
 * It follows README "Adding a workflow" step by step; if that checklist needs more, this test shows it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { formToken, textInput } from '../../src/cases/card-input';
import type { WorkflowModule } from '../../src/cases/definition';
import type { Effect, Participant } from '../../src/domain/effects';
import { accept, reject } from '../../src/domain/outcome';
import { Person, SYSTEM } from '../../src/domain/people';
import { WORKFLOWS } from '../../src/workflows';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';
import { ask, cardsMatching, newCardsFor } from './conversation-helpers';

/* ---- 1. The model: state, commands, events, decide and evolve (pure) ---- */

interface CakeDay {
  readonly reference: string;
  readonly state: 'asked' | 'agreed';
  readonly asker: Person;
  readonly manager: Person;
  readonly flavour: string;
  readonly reminded: boolean;
  readonly history: readonly { readonly action: string; readonly at: string; readonly by: Person }[];
}
type CakeCommand =
  | { readonly type: 'ask'; readonly reference: string; readonly manager: Person; readonly flavour: string }
  | { readonly type: 'agree' }
  | { readonly type: 'remind' };
type CakeEvent =
  | { readonly type: 'Asked'; readonly at: string; readonly by: Person; readonly reference: string; readonly manager: Person; readonly flavour: string }
  | { readonly type: 'Agreed'; readonly at: string; readonly by: Person }
  | { readonly type: 'Reminded'; readonly at: string; readonly by: Person };

const canSee = (cake: CakeDay, viewer: { id: string }) => viewer.id === cake.asker.id || viewer.id === cake.manager.id;
const REMIND = 'toy.remind';

/* ---- 2. The module: rules, card template, and the definition built from the tools ---- */

const CAKE_CARD = {
  type: 'AdaptiveCard', version: '1.5',
  body: [
    { type: 'TextBlock', text: '${headline}', $when: '${headline != \'\'}', wrap: true },
    { type: 'TextBlock', text: '${notice}', $when: '${notice != \'\'}', wrap: true },
    { type: 'TextBlock', text: '${reference}: ${stateLabel}', wrap: true },
    { type: 'TextBlock', text: 'Flavour: ${flavour}', wrap: true },
  ],
  actions: [{ type: 'Action.Execute', title: 'Agree', verb: 'toy.agree', data: { reference: '${reference}' }, $when: '${canAgree}' }],
};
const CAKE_FORM = {
  type: 'AdaptiveCard', version: '1.5',
  body: [
    { type: 'Input.Text', id: 'flavour', label: 'Flavour', value: '${flavour}', isRequired: true, errorMessage: '${error}' },
    { type: 'TextBlock', text: '${error}', $when: '${error != \'\'}', color: 'attention' },
  ],
  actions: [{ type: 'Action.Execute', title: 'Ask', verb: 'toy.ask', data: { formId: '${formId}' } }],
};
const LABELS: Record<string, { label: string; color: string }> = { asked: { label: 'Waiting for the manager', color: 'warning' }, agreed: { label: 'Agreed', color: 'good' } };

const cakeDays: WorkflowModule<CakeDay, CakeCommand, CakeEvent> = {
  rules: {
    prefix: 'TOY', name: 'toy', closedStates: ['agreed'], namedRoles: ['asker', 'manager'],
    disclosure: { detailsAuthor: 'asker', labels: { asker: 'the asker', manager: 'the asker\'s line manager', other: 'someone else' } },
    stateLabel: (state) => LABELS[state] ?? { label: state, color: 'default' },
  },
  cardTemplates: { 'toy-cake': CAKE_CARD, 'toy-cake-form': CAKE_FORM },
  create({ renderer, directory, workingTime }) {
    const participants = (cake: CakeDay): Participant[] => [{ userId: cake.asker.id, role: 'asker' }, { userId: cake.manager.id, role: 'manager' }];
    const card = (cake: CakeDay, viewer: { id: string }, notice: { headline?: string; notice?: string } = {}) => renderer.render('toy-cake', {
      headline: notice.headline ?? '', notice: notice.notice ?? '', reference: cake.reference, stateLabel: LABELS[cake.state]!.label,
      flavour: cake.flavour, canAgree: cake.state === 'asked' && viewer.id === cake.manager.id,
    });
    const form = (flavour: string, error: string, formId: string = randomUUID()) => renderer.render('toy-cake-form', { flavour, error, formId });
    return {
      rules: cakeDays.rules,
      notFound: () => 'I can\'t find that cake day, or you don\'t have a part in it.',
      workflow: {
        decide(cake, command, { actor, now }) {
          const at = now.toISOString();
          const by = { id: actor.id, name: actor.name };
          if (command.type === 'ask') {
            if (cake) return reject('wrong_state', 'Already asked.');
            if (command.flavour.length < 2) return reject('invalid', 'Please check the highlighted fields.', { flavour: 'Name a flavour.' });
            return accept({ type: 'Asked', at, by, reference: command.reference, manager: command.manager, flavour: command.flavour });
          }
          if (!cake || (actor.id !== SYSTEM.id && !canSee(cake, actor))) return reject('not_found', 'I can\'t find that cake day, or you don\'t have a part in it.');
          if (command.type === 'remind') return cake.state === 'asked' && !cake.reminded ? accept({ type: 'Reminded', at, by }) : accept();
          if (actor.id !== cake.manager.id) return reject('forbidden', `Only ${cake.manager.name} can agree.`);
          return cake.state === 'asked' ? accept({ type: 'Agreed', at, by }) : reject('wrong_state', 'Already agreed.');
        },
        evolve(cake, event) {
          if (event.type === 'Asked') {
            return { reference: event.reference, state: 'asked', asker: event.by, manager: event.manager, flavour: event.flavour, reminded: false, history: [{ action: event.type, at: event.at, by: event.by }] };
          }
          const history = [...cake!.history, { action: event.type, at: event.at, by: event.by }];
          return event.type === 'Agreed' ? { ...cake!, state: 'agreed', history } : { ...cake!, reminded: true, history };
        },
        effects(events, _before, after): Effect[] {
          return events.flatMap((event): Effect[] => {
            if (event.type === 'Asked') {
              return [
                { kind: 'notify', to: { person: after.manager }, headline: `${after.asker.name} asks for a cake day.` },
                { kind: 'timer', timer: REMIND, dueAt: workingTime.addWorkingHours(new Date(event.at), 1).toISOString() },
              ];
            }
            if (event.type === 'Agreed') return [{ kind: 'notify', to: { person: after.asker }, headline: `${after.manager.name} agreed to your cake day.` }];
            return [{ kind: 'notify', to: { person: after.manager }, headline: `Reminder: ${after.asker.name} is waiting for your answer.` }];
          });
        },
        stateOf: (cake) => cake.state,
        canSee,
        participants,
      },
      presenter: {
        card: (cake, viewer, _now, headline) => card(cake, viewer, headline ? { headline } : {}),
        inboxEntries: (cake) => participants(cake).map(({ userId, role }) => ({
          userId, role, reference: cake.reference, state: cake.state, summary: `Cake day: ${cake.flavour}`, nextStep: '', awaitingMe: role === 'manager' && cake.state === 'asked',
        })),
        undeliverable: () => undefined,
      },
      caseCard: (cake, viewer, _now, notice) => card(cake, viewer, notice),
      timers: { [REMIND]: () => ({ type: 'remind' }) },
      decisions: { agree: { command: () => ({ type: 'agree' }), done: 'You agreed. They have been told.' } },
      opening: {
        verb: 'toy.ask',
        async command(action) {
          const asker = await directory.find(action.actor.id);
          const manager = asker?.managerId ? await directory.find(asker.managerId) : undefined;
          if (!manager) return reject('invalid', 'You have no line manager in the directory.', { flavour: 'You have no line manager in the directory.' });
          return { type: 'ask', reference: '', manager: { id: manager.id, name: manager.name }, flavour: textInput(action.data, 'flavour', 40) };
        },
        formAgain: async (action, errors) => form(textInput(action.data, 'flavour', 40), errors.flavour ?? '', formToken(action.data)),
        opened: (cake) => `Sent to ${cake.manager.name}.`,
        repeated: 'You asked already.',
        stillOpening: { title: 'On its way', message: 'Your cake day is being asked for.' },
      },
      actions: () => ({ 'menu.toyAsk': async () => form('', '') }),
      commands: [{ pattern: /^cake day$/, verb: 'menu.toyAsk' }],
    };
  },
};

/* ---- 3. Registered with one line, driven over HTTP ---- */

const START = new Date('2026-11-02T10:00:00Z'); // a Monday, in working hours

describe('a new workflow is one module: a toy two-step workflow through the real engine, over HTTP', function () {
  this.timeout(60_000);
  let bot: BotHarness;

  beforeEach(async () => {
    bot = await new BotHarness({ now: () => START, workflows: [...WORKFLOWS, cakeDays] }).start();
    for (const person of ['alex', 'megan', 'stranger'] as const) await bot.install(person);
  });
  afterEach(async () => bot.stop());

  async function askForCake(flavour: string) {
    const formCard = await ask(bot, 'alex', 'cake day');
    assert.deepEqual(buttonVerbs(formCard), ['toy.ask'], 'the typed command shows the form');
    const formId = (JSON.stringify(formCard).match(/"formId":"([0-9a-f-]{36})"/) ?? [])[1];
    return bot.click('alex', 'toy.ask', { formId, flavour });
  }

  it('opens a case from the form, tells the manager, and updates the asker\'s card in place when the manager agrees', async () => {
    const opened = await askForCake('Lemon drizzle');
    assert.match(cardText(opened.card), /Sent to Megan Bowen\./);
    assert.match(cardText(opened.card), /TOY-2026-00001: Waiting for the manager/);
    await bot.idle();
    const asked = cardsMatching(bot, 'megan', /Alex Wilber asks for a cake day/);
    assert.equal(asked.length, 1, 'the manager is told at once');
    assert.deepEqual(buttonVerbs(asked[0]), ['toy.agree'], 'with the one button that is hers');

    const agreed = await bot.click('megan', 'toy.agree', { reference: 'TOY-2026-00001' }, 'megan-card');
    assert.match(cardText(agreed.card), /You agreed\. They have been told\./);
    assert.match(cardText(agreed.card), /TOY-2026-00001: Agreed/);
    assert.deepEqual(buttonVerbs(agreed.card), [], 'no dead button once agreed');
    await bot.idle();

    const updates = bot.connector.delivered.filter((call) => call.method === 'PUT' && call.conversationId === bot.personalConversation('alex'));
    assert.equal(updates.length, 1, 'the card alex submitted from is updated in place, once');
    assert.equal(updates[0]!.activityId, 'card-msg');
    assert.match(cardText((updates[0]!.body.attachments as { content: unknown }[])[0]!.content), /TOY-2026-00001: Agreed/);
    assert.equal(cardsMatching(bot, 'alex', /Megan Bowen agreed to your cake day/).length, 1, 'and alex is told');
  });

  it('shows the form again with the problem next to the field, and stores nothing', async () => {
    const refused = await askForCake('x');
    assert.match(cardText(refused.card), /Name a flavour\./);
    assert.deepEqual(buttonVerbs(refused.card), ['toy.ask']);
    await bot.idle();
    assert.equal(cardsMatching(bot, 'megan', /cake day/).length, 0, 'nobody was told');
    const shown = await ask(bot, 'alex', 'TOY-2026-00001');
    assert.match(cardText(shown), /can't find/, 'no case was opened');
  });

  it('opens by typed reference, in "my cases", and refuses the decision to anyone but the manager', async () => {
    await askForCake('Carrot');
    await bot.idle();
    assert.match(cardText(await ask(bot, 'alex', 'show TOY-2026-00001')), /Flavour: Carrot/);
    assert.match(cardText(await ask(bot, 'alex', 'my cases')), /Cake day: Carrot[\s\S]*Waiting for the manager/);
    assert.match(cardText(await ask(bot, 'megan', 'my actions')), /TOY-2026-00001/, 'waiting for the manager in her list');

    const own = await bot.click('alex', 'toy.agree', { reference: 'TOY-2026-00001' });
    assert.match(cardText(own.card), /Only Megan Bowen can agree\./, 'the asker sees why not, on her own case');
    const stranger = await bot.click('stranger', 'toy.agree', { reference: 'TOY-2026-00001' });
    assert.match(cardText(stranger.card), /can't find that cake day/, 'a stranger learns nothing of it');
    assert.doesNotMatch(cardText(stranger.card), /Carrot|Alex/);
  });

  it('fires its timer once, after one working hour, through the real scheduler', async () => {
    await askForCake('Ginger');
    await bot.idle();
    const before = newCardsFor(bot, 'megan').length;
    bot.advanceClock(59 * 60_000);
    assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'not before the hour');
    bot.advanceClock(60_000);
    assert.equal((await bot.runtime.scheduler.tick()).fired, 1);
    await bot.idle();
    assert.equal(cardsMatching(bot, 'megan', /Reminder: Alex Wilber is waiting for your answer/).length, 1);
    bot.advanceClock(3_600_000);
    await bot.runtime.scheduler.tick();
    await bot.idle();
    assert.equal(newCardsFor(bot, 'megan').length, before + 1, 'one reminder, not two');
    assert.equal(PEOPLE.alex.managerId, PEOPLE.megan.id);
  });
});
