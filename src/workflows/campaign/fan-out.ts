import type { AdaptiveCardJson } from '../../cards/render';
import type { Directory, DirectoryPerson } from '../../directory/directory';
import type { Logger } from '../../logger';
import type { QueueMessage, WorkQueue } from '../../store/campaign-queue';
import { managerMarkKey, RecipientPatch, RecipientStore, StoredRecipient } from '../../store/campaign-recipients';
import type { TimerRow } from '../../store/timers';
import { CAMPAIGN_TIMERS } from './effects';
import { CampaignMessage, decodeMessage, encodeMessage } from './messages';
import type { Campaign } from './model';
import { createRateGate, RateGate } from './rate-gate';

/** One send's outcome, as the Teams folder's sender reports it (src/bot/campaign-sender.ts). It never retries itself. */
export type SendResult =
  | { readonly status: 'sent'; readonly conversationId: string; readonly activityId: string }
  /** 429: the tenant's budget is spent; try again after this long. */
  | { readonly status: 'throttled'; readonly retryAfterSeconds: number }
  /** No chat with them can be opened: the app is not installed for them (or was removed). */
  | { readonly status: 'notInstalled'; readonly detail: string }
  /**
   * `final`: blocked by the person or disabled by an admin, not worth retrying. `uncertain`: the connector may have
   * taken it (a timeout, a dropped connection): like a crash mid-send, never sent again (see below).
   */
  | { readonly status: 'failed'; readonly detail: string; readonly final: boolean; readonly uncertain?: boolean };

export interface CampaignSender {
  send(personId: string, card: AdaptiveCardJson): Promise<SendResult>;
}

/** Installs the app for a person through Microsoft Graph (when the permission is configured): src/graph. */
export interface AppInstaller {
  install(personId: string): Promise<'installed' | 'failed'>;
}

/** The cards the fan-out sends, built by the workflow's views. */
export interface CampaignCards {
  forPerson(campaign: Campaign, round: 0 | 1 | 2): AdaptiveCardJson;
  forManager(campaign: Campaign, team: readonly DirectoryPerson[]): AdaptiveCardJson;
}

export interface FanOutSettings {
  /** Sends a second across every instance (CAMPAIGN_SENDS_PER_SECOND). */
  readonly sendsPerSecond: number;
  /** How long a received message stays hidden from the other instances: a dead instance's messages come back after it. */
  readonly visibilitySeconds: number;
  /** How long a `sending` row is taken to be in flight: longer than one connector call may take (15 s). */
  readonly sendingSeconds: number;
  /** Messages received at once. */
  readonly batch: number;
  /** Attempts at a failing send before it is recorded as failed. */
  readonly maxAttempts: number;
  /** A wait for an empty queue, before asking it again. */
  readonly idleMillis: number;
  /** After installing the app, the send is tried again this much later (Teams takes a moment to set up the chat). */
  readonly afterInstallSeconds: number;
}

export const DEFAULT_FAN_OUT: FanOutSettings = {
  sendsPerSecond: 48, visibilitySeconds: 10, sendingSeconds: 20, batch: 32, maxAttempts: 5, idleMillis: 1000, afterInstallSeconds: 20,
};

export interface FanOutDeps {
  readonly queue: WorkQueue;
  readonly recipients: RecipientStore;
  readonly directory: Directory;
  readonly sender: CampaignSender;
  readonly installer?: AppInstaller;
  readonly campaigns: { load(reference: string): Promise<Campaign | undefined> };
  readonly cards: CampaignCards;
  readonly logger: Logger;
  readonly now: () => Date;
  /** This instance's name (its heartbeat). */
  readonly owner: string;
  readonly settings?: Partial<FanOutSettings>;
  /** Tests and the benchmark: the pacing clock. */
  readonly gate?: RateGate;
}

export interface CampaignFanOut {
  /** Queues the enrolment of a campaign's audience (the start does it at once; the `campaignEnrol` timer again). */
  enqueueEnrolment(reference: string): Promise<void>;
  /** Adds people to a campaign and queues their cards (new starters): those already in it are left alone. */
  enrolPeople(campaign: Campaign, people: readonly DirectoryPerson[]): Promise<number>;
  /** Queues the card again for someone whose row is back to `queued` (the app now installed). */
  requeue(reference: string, personId: string): Promise<void>;
  /** Handles what the queue holds now until it is empty (tests, scripts); resolves with how many messages were handled. */
  drain(): Promise<number>;
  /** Sends until `stop`: every instance runs this; they share the queue and the rate. */
  start(): void;
  stop(): Promise<void>;
  /** The scheduler's handlers for the campaign timers. */
  timerHandlers(): Record<string, (timer: TimerRow, now: Date) => Promise<void>>;
}

/** How often an instance says it is sending, and how long a heartbeat counts. */
const HEARTBEAT_MS = 1000;
/** How long a page of enrolment is hidden (renewed while it runs): a dead instance's page is taken over this soon (it is safe to repeat). */
const ENROLMENT_SECONDS = 15;
/** People enrolled a page: rows in five transactions, and as many messages. */
const ENROLMENT_PAGE = 500;
/** A heartbeat older than this is a dead (or stalled, so not sending) instance: the others take its share within about this long. */
const HEARTBEAT_FRESH_MS = 3500;

/**
 * The distributed part of campaigns (issue 15): every bot instance reads the same Azure Storage queue, so they share
 * the work, and paces itself to its share of the tenant's rate (rate-gate.ts). Each card's progress is a row keyed
 * by campaign and person, written before the send (`sending`) and after it (`sent`, `notInstalled`, `failed`).
 *
 * **The worst case after a crash.** A message is deleted only after its row records the outcome, so a crash at any
 * moment leaves the message, which comes back to another instance after its visibility timeout: nobody is lost.
 * The one moment that cannot be settled is between the connector taking the card and the row saying `sent`: the
 * row still says `sending`, and the Bot Connector has no idempotent send nor a way to ask whether that card arrived.
 * Sending again would give that person two cards; so the instance that finds such a row (its `sendingUntil` past)
 * records it `failed` with `interrupted`, sends nothing, and shows it to the Communications Team; the reminder
 * round sends such a person their card (as the reminder). Worst case: per instance that dies, at most as many people
 * as it had sends past the rate gate and in a connector call (3 to 15 in the benchmark's kills) may get their card at the reminder instead of now; nobody
 * ever gets the same card twice, and nobody is left without a state.
 */
export function createCampaignFanOut(deps: FanOutDeps): CampaignFanOut {
  const settings: FanOutSettings = { ...DEFAULT_FAN_OUT, ...deps.settings };
  const gate = deps.gate ?? createRateGate({ perSecond: settings.sendsPerSecond });
  const { queue, recipients, logger } = deps;
  let running = false;
  let loop: Promise<void> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const cache = new Map<string, { campaign: Campaign | undefined; at: number }>();

  const rendered = new Map<string, AdaptiveCardJson>();
  /**
   * Everyone's card of a round is the same (it names nobody): rendered once per campaign snapshot and round, not once
   * a send (templating is most of a send's CPU beside the HTTP calls).
   */
  function personCard(campaign: Campaign, round: 0 | 1 | 2): AdaptiveCardJson {
    const key = `${campaign.reference}|${round}|${campaign.state}|${campaign.history.length}`;
    let card = rendered.get(key);
    if (!card) {
      if (rendered.size > 32) rendered.clear();
      card = deps.cards.forPerson(campaign, round);
      rendered.set(key, card);
    }
    return card;
  }

  /** Campaign snapshots change rarely (closed, superseded): a few seconds' cache saves a read a send. */
  async function campaignOf(reference: string): Promise<Campaign | undefined> {
    const hit = cache.get(reference);
    if (hit && performance.now() - hit.at < 5000) return hit.campaign;
    const campaign = await deps.campaigns.load(reference);
    cache.set(reference, { campaign, at: performance.now() });
    return campaign;
  }

  async function audienceOf(campaign: Campaign): Promise<DirectoryPerson[]> {
    const { audience } = campaign.details;
    if (audience.kind === 'newStarters') return [];
    const everyone = await deps.directory.everyone();
    if (audience.kind === 'everyone') return everyone;
    const wanted = (audience.department ?? '').trim().toLowerCase();
    return everyone.filter((person) => (person.department ?? '').trim().toLowerCase() === wanted);
  }

  /** Rows first, then messages: a message always finds its row. Returns who was not in the campaign before. */
  async function enrolPeople(campaign: Campaign, people: readonly DirectoryPerson[]): Promise<string[]> {
    const at = deps.now().toISOString();
    const added = await recipients.enrol(campaign.reference, people.map((person) => ({ personId: person.id, ...(person.managerId ? { managerId: person.managerId } : {}) })), at);
    await queue.add(added.map((personId) => encodeMessage({ k: 'card', c: campaign.reference, p: personId })));
    return added;
  }

  /**
   * One page of the audience (by id, after `after`): the next page's message, then rows, then their messages. A page
   * repeated after a crash finds its rows there: those still `queued` get their message again (a row's state keeps
   * it to one card, whatever number of messages).
   */
  async function enrolPage(reference: string, after: string | undefined): Promise<void> {
    const campaign = await campaignOf(reference);
    if (!campaign || campaign.state !== 'open') return;
    const page = (await audienceOf(campaign)).filter((person) => after === undefined || person.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, ENROLMENT_PAGE);
    if (page.length === 0) {
      logger.info({ reference }, 'campaign enrolled');
      return;
    }
    // The next page first: another instance enrols it while this one does this page, so sending never waits on enrolment.
    await queue.add([encodeMessage({ k: 'enrol', c: reference, a: page.at(-1)!.id })]);
    const added = new Set(await enrolPeople(campaign, page));
    const again = await Promise.all(page.filter((person) => !added.has(person.id)).map((person) => recipients.get(reference, person.id)));
    await queue.add(again.filter((row) => row?.state === 'queued').map((row) => encodeMessage({ k: 'card', c: reference, p: row!.personId })));
  }

  async function record(row: StoredRecipient, patch: RecipientPatch): Promise<StoredRecipient | 'conflict'> {
    return recipients.update(row, patch);
  }

  /** What the outcome of one send does to the row and the message. */
  async function settle(message: QueueMessage, row: StoredRecipient, result: SendResult, now: Date): Promise<void> {
    const attempts = (row.attempts ?? 0) + 1;
    switch (result.status) {
      case 'sent':
        await record(row, { state: 'sent', sentAt: now.toISOString(), conversationId: result.conversationId, activityId: result.activityId, attemptId: undefined, sendingUntil: undefined, detail: undefined, attempts });
        return queue.remove(message);
      case 'throttled':
        gate.pause(result.retryAfterSeconds * 1000);
        // Back in the queue, not retried here: any instance may take it once the budget is back. Not an attempt.
        await record(row, { state: 'queued', attemptId: undefined, sendingUntil: undefined });
        return queue.putBack(message, result.retryAfterSeconds);
      case 'notInstalled':
        if (deps.installer && !row.installRequested) {
          const installed = await deps.installer.install(row.personId);
          await record(row, { state: 'queued', installRequested: true, attemptId: undefined, sendingUntil: undefined, detail: installed === 'installed' ? 'installing' : 'install failed' });
          return installed === 'installed' ? queue.putBack(message, settings.afterInstallSeconds) : finish(message, row, 'notInstalled', result.detail);
        }
        await record(row, { state: 'notInstalled', detail: result.detail, attemptId: undefined, sendingUntil: undefined, attempts });
        return queue.remove(message);
      case 'failed':
        if (result.uncertain) {
          await record(row, { state: 'failed', detail: 'interrupted', attemptId: undefined, sendingUntil: undefined, attempts });
          return queue.remove(message);
        }
        if (result.final || attempts >= settings.maxAttempts) {
          await record(row, { state: 'failed', detail: result.detail, attemptId: undefined, sendingUntil: undefined, attempts });
          return queue.remove(message);
        }
        await record(row, { state: 'queued', detail: result.detail, attemptId: undefined, sendingUntil: undefined, attempts });
        return queue.putBack(message, Math.min(300, 5 * 2 ** attempts));
    }
  }

  async function finish(message: QueueMessage, row: StoredRecipient, state: 'notInstalled' | 'failed', detail: string): Promise<void> {
    const current = await recipients.get(row.reference, row.personId);
    if (current) await record(current, { state, detail, attemptId: undefined, sendingUntil: undefined });
    await queue.remove(message);
  }

  async function sendCard(message: QueueMessage, reference: string, personId: string): Promise<void> {
    const campaign = await campaignOf(reference);
    const row = await recipients.get(reference, personId);
    // Withdrawn, erased, or closed before their turn: nothing to send.
    if (!campaign || !row || campaign.state !== 'open') return queue.remove(message);
    const now = deps.now();
    if (row.state === 'sending') {
      const until = Date.parse(row.sendingUntil ?? '');
      // Another instance is sending it right now (this copy came back early): look again once it must be done.
      if (until > now.getTime()) return queue.putBack(message, Math.ceil((until - now.getTime()) / 1000));
      // Its sender died between the send and the record: sent or not, nobody can tell (see the comment above).
      const interrupted = await record(row, { state: 'failed', detail: 'interrupted', attemptId: undefined, sendingUntil: undefined });
      if (interrupted !== 'conflict') logger.warn({ reference, personId }, 'campaign send interrupted: not sent again');
      return queue.remove(message);
    }
    if (row.state !== 'queued') return queue.remove(message);
    await gate.take();
    const attemptId = `${deps.owner}:${message.id}:${message.dequeueCount}`;
    const sending = await record(row, { state: 'sending', attemptId, sendingUntil: new Date(deps.now().getTime() + settings.sendingSeconds * 1000).toISOString() });
    // Someone else changed the row since it was read (another copy of this message): theirs is the send.
    if (sending === 'conflict') return;
    const result = await deps.sender.send(personId, personCard(campaign, 0));
    await settle(message, sending, result, deps.now());
  }

  /** Reminders: at most once a round (the round is recorded before the send), to those who have not acknowledged. */
  async function sendReminder(message: QueueMessage, reference: string, personId: string, round: 1 | 2): Promise<void> {
    const campaign = await campaignOf(reference);
    const row = await recipients.get(reference, personId);
    if (!campaign || !row || campaign.state !== 'open') return queue.remove(message);
    const due = row.state === 'sent' || (row.state === 'failed' && row.detail === 'interrupted');
    if (!due || (row.remindedRound ?? 0) >= round) return queue.remove(message);
    await gate.take();
    const marked = await record(row, { remindedRound: round });
    if (marked === 'conflict') return queue.putBack(message, 1);
    const result = await deps.sender.send(personId, personCard(campaign, round));
    if (result.status === 'throttled') {
      gate.pause(result.retryAfterSeconds * 1000);
      const again = await recipients.get(reference, personId);
      if (again) await record(again, { remindedRound: round - 1 });
      return queue.putBack(message, result.retryAfterSeconds);
    }
    if (result.status === 'sent' && row.state === 'failed') {
      await record(marked, { state: 'sent', sentAt: deps.now().toISOString(), conversationId: result.conversationId, activityId: result.activityId, detail: undefined });
    }
    return queue.remove(message);
  }

  async function tellManager(message: QueueMessage, reference: string, managerId: string): Promise<void> {
    const campaign = await campaignOf(reference);
    if (!campaign || campaign.state !== 'open') return queue.remove(message);
    const outstanding = (await recipients.list(reference)).filter((row) => row.managerId === managerId && row.state !== 'acknowledged' && !row.personId.startsWith('~'));
    if (outstanding.length === 0) return queue.remove(message);
    // At most once: the mark first (a repeat finds it), then the one card listing the team members still to acknowledge.
    const [marked] = await recipients.enrol(reference, [{ personId: managerMarkKey(managerId) }], deps.now().toISOString());
    if (!marked) return queue.remove(message);
    const people = (await Promise.all(outstanding.map((row) => deps.directory.find(row.personId)))).filter((person): person is DirectoryPerson => person !== undefined);
    await gate.take();
    const result = await deps.sender.send(managerId, deps.cards.forManager(campaign, people));
    if (result.status !== 'sent') logger.warn({ reference, status: result.status }, 'campaign manager reminder not delivered');
    return queue.remove(message);
  }

  async function handle(message: QueueMessage): Promise<void> {
    const decoded = decodeMessage(message.body);
    if (!decoded) {
      logger.warn({ messageId: message.id }, 'campaign queue message not understood; dropped');
      return queue.remove(message);
    }
    await dispatch(message, decoded);
  }

  async function dispatch(message: QueueMessage, decoded: CampaignMessage): Promise<void> {
    switch (decoded.k) {
      case 'enrol': {
        // A page of rows and messages takes longer than a send: hidden meanwhile, so no other instance does it too,
        // renewed while it lasts, so that if this instance dies another takes it over within ENROLMENT_SECONDS.
        let held = await queue.extend(message, ENROLMENT_SECONDS);
        let renewing: Promise<void> = Promise.resolve();
        const renewal = setInterval(() => {
          renewing = renewing.then(() => queue.extend(held, ENROLMENT_SECONDS)).then((renewed) => { held = renewed; }, () => undefined);
        }, (ENROLMENT_SECONDS * 1000) / 3);
        try {
          await enrolPage(decoded.c, decoded.a);
        } finally {
          clearInterval(renewal);
          await renewing;
        }
        return queue.remove(held);
      }
      case 'card': return sendCard(message, decoded.c, decoded.p);
      case 'remind': return sendReminder(message, decoded.c, decoded.p, decoded.r);
      case 'manager': return tellManager(message, decoded.c, decoded.m);
    }
  }

  /** Receives and handles messages, keeping about one batch in hand; resolves when the queue had nothing (or on stop). */
  async function pump(untilEmpty: boolean): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let handled = 0;
    for (;;) {
      if (!running && !untilEmpty) break;
      // Refill when half the batch is done, in one receive: a receive a message would be a queue round trip a send.
      const room = inFlight.size <= settings.batch / 2 ? settings.batch - inFlight.size : 0;
      if (room === 0) {
        await Promise.race(inFlight);
        continue;
      }
      const messages = await queue.receive(room, settings.visibilitySeconds);
      for (const message of messages) {
        const work = handle(message).catch((error: unknown) => {
          // The message stays: it comes back after its visibility timeout, to this instance or another.
          logger.warn({ messageId: message.id, failure: String(error instanceof Error ? error.message : error).slice(0, 200) }, 'campaign message failed; it will come back');
        }).finally(() => { inFlight.delete(work); handled++; });
        inFlight.add(work);
      }
      if (messages.length === 0) {
        if (inFlight.size > 0) { await Promise.race(inFlight); continue; }
        if (untilEmpty) return handled;
        await new Promise((resolve) => setTimeout(resolve, settings.idleMillis));
      } else if (inFlight.size >= settings.batch) {
        await Promise.race(inFlight);
      }
    }
    await Promise.all(inFlight);
    return handled;
  }

  async function beat(): Promise<void> {
    try {
      gate.setSenders(await recipients.heartbeat(deps.owner, new Date(), HEARTBEAT_FRESH_MS));
    } catch (error) {
      logger.warn({ failure: String(error).slice(0, 200) }, 'campaign heartbeat failed');
    }
  }

  async function remindAll(reference: string, round: 1 | 2): Promise<void> {
    const campaign = await deps.campaigns.load(reference);
    if (!campaign || campaign.state !== 'open') return;
    const rows = (await recipients.list(reference)).filter((row) => !row.personId.startsWith('~'));
    const waiting = rows.filter((row) => row.state === 'sent' || (row.state === 'failed' && row.detail === 'interrupted'));
    await queue.add(waiting.map((row) => encodeMessage({ k: 'remind', c: reference, p: row.personId, r: round })));
    if (round === 2) {
      const managers = new Set(rows.filter((row) => row.state !== 'acknowledged' && row.managerId).map((row) => row.managerId!));
      await queue.add([...managers].map((managerId) => encodeMessage({ k: 'manager', c: reference, m: managerId })));
    }
    logger.info({ reference, round, reminders: waiting.length }, 'campaign reminders queued');
  }

  return {
    async enqueueEnrolment(reference) {
      await queue.add([encodeMessage({ k: 'enrol', c: reference })]);
    },
    async enrolPeople(campaign, people) {
      return (await enrolPeople(campaign, people)).length;
    },
    async requeue(reference, personId) {
      await queue.add([encodeMessage({ k: 'card', c: reference, p: personId })]);
    },
    async drain() {
      await beat();
      return pump(true);
    },
    start() {
      if (running) return;
      running = true;
      void beat();
      heartbeat = setInterval(() => void beat(), HEARTBEAT_MS);
      heartbeat.unref();
      loop = pump(false).then(() => undefined, (error: unknown) => logger.error({ failure: String(error).slice(0, 200) }, 'campaign fan-out stopped'));
    },
    async stop() {
      running = false;
      if (heartbeat) clearInterval(heartbeat);
      await loop;
      await recipients.leave(deps.owner).catch(() => undefined);
    },
    timerHandlers() {
      return {
        [CAMPAIGN_TIMERS.enrol]: async (timer) => { await queue.add([encodeMessage({ k: 'enrol', c: timer.reference })]); },
        [CAMPAIGN_TIMERS.reminder]: async (timer) => remindAll(timer.reference, 1),
        [CAMPAIGN_TIMERS.final]: async (timer) => remindAll(timer.reference, 2),
      };
    },
  };
}
