import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../cards/render';
import type { Directory } from '../directory/directory';
import type { Recipient } from '../domain/effects';
import type { Actor, Person } from '../domain/people';
import { prefixOf, CasePrefix } from '../domain/references';
import type { Logger } from '../logger';
import type { CardCopy, CaseStore, PendingEffect } from '../store/case-store';
import type { Inbox } from '../store/inbox';
import type { ClaimedTimer, TimerStore } from '../store/timers';
import type { Notifier } from './delivery';
import { holdOutboxLease, OUTBOX_LEASE_MS, OUTBOX_TIMER, OutboxLease, OutboxLeaseLost } from './outbox-lease';
import type { CasePresenter } from './presenter';
import type { RowKeepingHandler } from '../scheduler/scheduler';

export interface EffectRelayOptions {
  readonly cases: CaseStore;
  readonly inbox: Inbox;
  readonly timers: TimerStore;
  readonly directory: Directory;
  readonly notifier: Notifier;
  readonly presenters: Partial<Record<CasePrefix, CasePresenter<never>>>;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * Runs a system command on another case (an `act` effect), through that case's workflow; undefined: no workflow
   * has that case's prefix. Given after the case services exist, which themselves need the relay.
   */
  readonly actOn?: (reference: string, command: { readonly type: string }, now: Date) => Promise<{ readonly ok: boolean; readonly code?: string } | undefined>;
  /** The Group's AINM register, if configured: records are POSTed there with their reference as idempotency key. */
  readonly webhook?: { readonly url: string };
  /** Names this instance in the claims on retry timers (a random name by default). */
  readonly instanceId?: string;
  /** How long recovery leaves a new effect to the instance whose turn made it; {@link RECOVERY_GRACE_MS} by default. */
  readonly recoveryGraceMs?: number;
  /** How long an outbox lease runs unrenewed; {@link OUTBOX_LEASE_MS} by default (tests shorten it). */
  readonly leaseMs?: number;
  /**
   * The dashboard's statistics (issue 14), told of the case as each transition left it, with its version, when its
   * inbox lines are written (every transition has that effect, carried out at least once): idempotent by version.
   * `opened`: the transition opened the case.
   */
  readonly statistics?: { record(reference: string, snapshot: unknown, version: number, now: Date, opened?: boolean): Promise<void> };
}

/**
 * Recovery leaves effects younger than this to the instance whose turn stored them. That instance holds the
 * case's outbox lease while it sends them, which is what keeps recovery away; this age check covers only the
 * moment between the commit and its taking the lease (after the turn's answer), and relays without leases.
 * After a crash, that instance's effects go out this long later instead.
 */
export const RECOVERY_GRACE_MS = 3 * 60_000;

/** Failed effects wait 30 s, then twice as long each time, at most an hour: never dropped. */
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 3_600_000;
/** From this many failures an effect is logged as needing attention (it is still retried). */
const ATTENTION_AFTER = 8;
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Carries out a transition's effects after the turn has been answered (Teams wants invoke answers in
 * seconds): sends and updates cards, writes inbox rows and timers. Each effect is deleted from the
 * case's outbox only once done, so a crash or an outage retries it instead of losing it.
 */
export function createEffectRelay(options: EffectRelayOptions) {
  const { cases, logger, timers } = options;
  const owner = options.instanceId ?? `relay-${randomUUID().slice(0, 8)}`;
  const graceMs = options.recoveryGraceMs ?? RECOVERY_GRACE_MS;
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const running = new Set<Promise<void>>();
  /** By case: the end of the last drain's cards (sends and updates), and the end of the last drain as a whole. */
  const prompting = new Map<string, Promise<void>>();
  const settling = new Map<string, Promise<void>>();

  /**
   * Runs the drains of one case one after another, in two stages each: a drain's cards go out after the previous
   * drain's cards, and its table-only work (inbox lines, timers, clean-up) after the previous drain has finished;
   * so two drains never send the same effect at once, a card never shows an older state after a newer one, and
   * an inbox line never goes back. The next drain's cards need not wait for this one's inbox lines.
   */
  function drain(reference: string, work: (stages: Stages) => Promise<void>, afterTurn: boolean): Promise<void> {
    const previousPrompt = prompting.get(reference) ?? Promise.resolve();
    const previousSettled = settling.get(reference) ?? Promise.resolve();
    let promptDone!: () => void;
    const promptTail = new Promise<void>((resolve) => { promptDone = resolve; });
    // A turn's own effects wait until its answer is on its way (setImmediate), so they never hold it up; they
    // still take their place in the case's queue now, ahead of any recovery drain of the same rows.
    const start = afterTurn ? previousPrompt.then(afterCurrentTurn) : previousPrompt;
    const done = start.then(() => work({ promptDone, previousSettled }));
    const settledTail = Promise.all([previousSettled, done.catch(() => undefined)]).then(() => undefined);
    prompting.set(reference, promptTail);
    settling.set(reference, settledTail);
    void done.catch(() => undefined).then(promptDone);
    void promptTail.then(() => {
      if (prompting.get(reference) === promptTail) prompting.delete(reference);
    });
    void settledTail.then(() => {
      if (settling.get(reference) === settledTail) settling.delete(reference);
    });
    return done;
  }

  /**
   * Carries out `rows` under the claim on their retry timer, then gives it back: deleted when all were done,
   * let go at the next attempt's time when some failed (or when the drain itself failed), so the scheduler of
   * any instance retries them then.
   */
  async function drainUnder(reference: string, claim: ClaimedTimer, stages: Stages, rows: () => Promise<{ due: readonly PendingEffect[]; later?: Date }>, committed?: CommittedCase): Promise<void> {
    const lease = holdOutboxLease(claim, { timers, owner, now: options.now, leaseMs });
    let retryAt: Date | undefined;
    try {
      const { due, later } = await rows();
      const failed = await carryOutAll(reference, due, lease, committed, stages);
      retryAt = earliest(failed, later);
    } catch (error) {
      if (error instanceof OutboxLeaseLost) {
        logger.warn({ reference }, 'outbox lease lost to another instance; the rest of these effects is left to it');
        return;
      }
      retryAt = new Date(options.now().getTime() + FIRST_RETRY_MS);
      throw error;
    } finally {
      await lease.release(retryAt).catch((error: unknown) => logger.warn({ reference, failure: errorSummary(error) }, 'outbox retry timer not updated; it fires when its claim runs out'));
    }
  }

  /** A retry timer came due (its owner died, or effects failed): carries out the effects it recovers that are due. */
  async function recover(claim: ClaimedTimer): Promise<void> {
    const reference = claim.reference;
    await drain(reference, (stages) => drainUnder(reference, claim, stages, async () => {
      const now = options.now();
      const mine = (await cases.pendingEffects(reference)).filter((row) => row.retry === claim.rowKey);
      const due = mine.filter((row) => !row.nextAttemptAt || new Date(row.nextAttemptAt) <= now);
      const waits = mine.filter((row) => !due.includes(row)).map((row) => new Date(row.nextAttemptAt!));
      return { due, ...(waits.length > 0 ? { later: earliest(waits) } : {}) };
    }), false);
  }

  /**
   * Carries out a drain's effects at the same time (they are independent of one another: each reads the case as
   * of its transition and writes only its own rows), so the other party's card does not wait behind inbox rows,
   * timers and card updates. Cards (and steps on other cases) go first, then the table-only effects (inbox lines
   * with the dashboard's statistics, timers, the register), which wait for the case's previous drain to finish, so
   * the next transition's cards never wait for this one's table writes (see `drain`). Done effects leave the outbox
   * together, in one transaction at the end: a crash
   * before it repeats them, and each is safe to repeat (a notification's card was recorded as soon as the
   * connector took it, so a repeat updates it in place; inbox rows are upserts, timers are created once).
   */
  async function carryOutAll(reference: string, pending: readonly PendingEffect[], lease: OutboxLease, committed?: CommittedCase, stages: Stages = UNORDERED): Promise<Date | undefined> {
    if (pending.length === 0) return void stages.promptDone();
    const now = options.now();
    // Effects are shown as of the transition that caused them: the turn hands over what it has just stored.
    const stored = committed ? { snapshot: committed.snapshot as never, version: committed.version } : await cases.load<never>(reference);
    const presenter = options.presenters[prefixOf(reference) ?? 'AR'];
    if (!stored || !presenter) return undefined;
    // Effects being recovered may have been sent already by an instance that died before removing them from the
    // outbox: the copies it recorded are looked up (once, only then), and updated in place instead of sent again.
    let recorded: Promise<CardCopy[]> | undefined;
    const drain: Drain = {
      reference, snapshot: stored.snapshot, version: stored.version, presenter, lease, now,
      earlierCopies: committed ? undefined : () => (recorded ??= cases.cardCopies(reference)),
      fresh: committed !== undefined,
      effects: new Set(pending.map((row) => row.rowKey)),
      // Read with the snapshot by the turn, with the copies this instance has recorded since (an earlier
      // transition's drain may have sent a card after that read); a recovery reads them.
      cardCopies: () => (committed?.cardCopies ? Promise.resolve(withRecorded(reference, committed.cardCopies)) : cases.cardCopies(reference)),
    };
    const done: string[] = [];
    const retries: Date[] = [];
    let lost: OutboxLeaseLost | undefined;
    const carryOutRow = async (row: PendingEffect) => {
      try {
        await lease.keep();
        await carryOut({ ...drain, now: options.now() }, row);
        done.push(row.rowKey);
      } catch (error) {
        if (error instanceof OutboxLeaseLost) return void (lost = error);
        const attempts = row.attempts + 1;
        const log = attempts >= ATTENTION_AFTER ? logger.error.bind(logger) : logger.warn.bind(logger);
        log({ reference, effect: row.effect.kind, attempts, failure: errorSummary(error) }, 'effect failed; it stays in the outbox and is retried');
        const wait = Math.min(FIRST_RETRY_MS * 2 ** row.attempts, LONGEST_RETRY_MS);
        const retryAt = new Date(now.getTime() + wait);
        retries.push(retryAt);
        await cases.recordFailedAttempt(reference, row, errorSummary(error).message, retryAt.toISOString()).catch(() => undefined);
      }
    };
    const sorted = [...pending].sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    await Promise.all(sorted.filter((row) => PROMPT_EFFECTS.has(row.effect.kind)).map(carryOutRow));
    stages.promptDone();
    await stages.previousSettled;
    await Promise.all(sorted.filter((row) => !PROMPT_EFFECTS.has(row.effect.kind)).map(carryOutRow));
    // What was done is done, whoever holds the case now: removing it spares the next holder a repeat.
    if (done.length > 0) await cases.completeEffects(reference, done.sort());
    if (lost) throw lost;
    return earliest(retries);
  }

  /** Card copies this instance recorded lately, by case: bounded, and forgotten after a while. */
  const recordedCopies = new Map<string, { copies: CardCopy[]; until: number }>();
  function rememberCopy(reference: string, copy: CardCopy): void {
    const at = Date.now();
    const entry = recordedCopies.get(reference);
    recordedCopies.delete(reference);
    recordedCopies.set(reference, { copies: [...(entry && entry.until > at ? entry.copies : []), copy], until: at + RECORDED_COPIES_MS });
    while (recordedCopies.size > RECORDED_COPIES_MAX) recordedCopies.delete(recordedCopies.keys().next().value as string);
  }
  function withRecorded(reference: string, copies: readonly CardCopy[]): CardCopy[] {
    const entry = recordedCopies.get(reference);
    if (!entry || entry.until <= Date.now()) return [...copies];
    const key = (copy: CardCopy) => `${copy.conversationId}\n${copy.activityId}`;
    const known = new Set(copies.map(key));
    return [...copies, ...entry.copies.filter((copy) => !known.has(key(copy)))];
  }

  async function carryOut(drain: Drain, row: PendingEffect): Promise<void> {
    const { reference, snapshot, presenter, now } = drain;
    const { effect } = row;
    switch (effect.kind) {
      case 'refreshCards': {
        // A card sent by this same transition (found again when its effects are recovered) is its notification's to update.
        const copies = (await drain.cardCopies()).filter((copy) => (copy.conversationId !== effect.except?.conversationId || copy.activityId !== effect.except.activityId)
          && !(copy.effect && drain.effects.has(copy.effect)));
        await Promise.all(copies.map(async (copy) => {
          await drain.lease.keep();
          await options.notifier.updateCard(copy, presenter.card(snapshot, await viewer(copy.viewerId), now));
        }));
        return;
      }
      case 'inbox': {
        const updatedAt = now.toISOString();
        const entries = presenter.inboxEntries(snapshot, now).map((entry) => ({ ...entry, updatedAt }));
        await options.inbox.write(entries);
        // Someone who no longer has a part (a replaced approver) loses the line: the case is no longer theirs to see.
        await options.inbox.remove(effect.formerParticipants.map(({ userId, role }) => ({ userId, role, reference })));
        await options.statistics?.record(reference, snapshot, drain.version, now, effect.opened === true);
        return;
      }
      case 'timer': {
        // A timer already due (a late approval, a retried outbox) is filed under today, so the scheduler reads it.
        const dueAt = effect.dueAt < now.toISOString() ? now.toISOString() : effect.dueAt;
        await options.timers.schedule({ reference, timer: effect.timer, dueAt, ...(effect.basis ? { basis: effect.basis } : {}) });
        return;
      }
      case 'webhook':
        if (options.webhook && presenter.registerRow) await postToRegister(options.webhook.url, reference, drain.version, presenter.registerRow(snapshot));
        return;
      case 'notify':
        if ('person' in effect.to) return void await notifyPerson(drain, row.rowKey, effect.to.person, effect.headline);
        return notifyTeam(drain, row, effect.to, effect.headline);
      case 'act': {
        const outcome = await options.actOn?.(effect.reference, effect.command, now);
        // A refusal is final (the other case moved on, or never existed): retrying would be refused again.
        if (!outcome?.ok) logger.warn({ reference, target: effect.reference, command: effect.command.type, code: outcome?.code ?? 'no_workflow' }, 'a step on another case was refused');
        return;
      }
    }
  }

  /** Sends the case's card to one person; true when that delivery was recorded with the team effect's mark (`teamEffect`). */
  async function notifyPerson(drain: Drain, effectKey: string, person: Person, headline: string, teamEffect?: string): Promise<boolean> {
    const { reference, snapshot, presenter, now } = drain;
    const card = presenter.card(snapshot, await viewer(person.id), now, headline);
    if (await updatedEarlierCopy(drain, effectKey, person.id, card)) return false;
    await drain.lease.keep();
    const delivery = await options.notifier.sendCard(person.id, card);
    if (delivery.status === 'sent') {
      // Which effect sent it is kept with the copy: a retry of this effect then updates it instead of sending another.
      const copy = { viewerId: person.id, conversationId: delivery.conversationId, activityId: delivery.activityId, effect: effectKey };
      await cases.recordDelivery(reference, copy, teamEffect);
      rememberCopy(reference, copy);
      return teamEffect !== undefined;
    }
    logger.warn({ reference, recipientId: person.id, status: delivery.status }, 'notification not delivered');
    if (delivery.status === 'failed') throw new Error(`delivery failed: ${delivery.detail}`);
    if (delivery.status !== 'gone') await cases.recordUndelivered(reference, person.id, delivery.status, now.toISOString());
    const tell = presenter.undeliverable(snapshot, person);
    if (!tell) return false;
    await drain.lease.keep();
    await options.notifier.sendCard(tell.to.id, presenter.card(snapshot, await viewer(tell.to.id), now, tell.message));
    return false;
  }

  /**
   * On recovery: if this effect's card already reached the person (an instance died after the connector took it
   * and before the outbox row went), that copy is updated in place, so they see one card, not two.
   */
  async function updatedEarlierCopy(drain: Drain, effectKey: string, personId: string, card: AdaptiveCardJson): Promise<boolean> {
    const earlier = (await drain.earlierCopies?.())?.find((copy) => copy.effect === effectKey && copy.viewerId === personId);
    if (!earlier) return false;
    await drain.lease.keep();
    const delivery = await options.notifier.updateCard(earlier, card);
    if (delivery.status === 'failed') throw new Error(`update failed: ${delivery.detail}`);
    logger.info({ reference: drain.reference, recipientId: personId, status: delivery.status }, 'notification sent by an earlier attempt of this effect; updated in place');
    return delivery.status === 'sent';
  }

  /** Every member is tried; those reached are marked, so a retry after one failure reaches only the rest. */
  async function notifyTeam(drain: Drain, row: PendingEffect, to: Extract<Recipient, { role: string }>, headline: string): Promise<void> {
    // A transition's own effect has reached nobody yet: only a retry or a recovery looks for whom it did reach.
    const reached = drain.fresh && row.attempts === 0 ? new Set<string>() : await cases.deliveredTo(drain.reference, row.rowKey);
    const members = (await options.directory.membersOf(to.role)).filter((member) => !to.except?.includes(member.id) && !reached.has(member.id));
    const failures: unknown[] = [];
    let lost: OutboxLeaseLost | undefined;
    await Promise.all(members.map(async (member) => {
      try {
        const marked = await notifyPerson(drain, row.rowKey, member, headline, row.rowKey);
        if (!marked) await cases.markDelivered(drain.reference, row.rowKey, member.id);
      } catch (error) {
        if (error instanceof OutboxLeaseLost) lost = error;
        else failures.push(error);
      }
    }));
    if (lost) throw lost;
    if (failures.length > 0) throw failures[0];
  }

  async function viewer(id: string): Promise<Actor> {
    const person = await options.directory.find(id);
    return person ? { id, name: person.name, roles: person.roles } : { id, name: '', roles: [] };
  }

  return {
    /**
     * The retry timer of a transition about to be stored: created claimed by this instance until the recovery
     * grace is over, before the transition is committed (its outbox rows name it), so effects a crash leaves
     * behind are always found again, by the scheduler, without scanning the cases.
     */
    async hold(reference: string): Promise<ClaimedTimer> {
      return timers.createClaimed({ reference, timer: OUTBOX_TIMER, id: randomUUID().slice(0, 8) }, owner, new Date(options.now().getTime() + graceMs));
    },
    /** A retry timer whose transition was not stored (refused, or nothing changed): deleted in the background. */
    drop(claim: ClaimedTimer): void {
      void timers.removeHeld(claim, options.now()).catch(() => undefined);
    },
    /** Starts carrying out a transition's effects in the background; the turn does not wait. */
    dispatch(reference: string, pending: readonly PendingEffect[], committed: CommittedCase): void {
      const claim = committed.retryTimer;
      if (!claim) {
        if (pending.length > 0) logger.error({ reference }, 'effects stored without a retry timer; carried out without one');
      }
      const work = drain(reference, (stages) => (claim
        ? drainUnder(reference, claim, stages, async () => ({ due: pending }), committed)
        : carryOutAll(reference, pending, ALONE, committed, stages).then(() => undefined)), true).catch((error: unknown) => {
        logger.error({ reference, failure: errorSummary(error) }, 'effects not carried out; they stay in the outbox and their retry timer fires');
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    },
    /** The scheduler's handler of retry timers: recovers the effects of its transition, and keeps the timer itself. */
    timerHandlers(): Record<string, RowKeepingHandler> {
      return { [OUTBOX_TIMER]: { keepsItsRow: true, fire: (_timer, _now, claim) => recover(claim) } };
    },
    /**
     * Outbox rows stored before retry timers existed (or by anything that stored effects without one) get a retry
     * timer each case, due now, so the scheduler carries them out. Scans `cases`: run once at start-up, not on a
     * schedule. Returns how many cases had such rows.
     */
    async armUntimedEffects(): Promise<number> {
      let armed = 0;
      for (const reference of await cases.referencesWithPendingEffects()) {
        const untimed = (await cases.pendingEffects(reference)).filter((row) => !row.retry);
        if (untimed.length === 0) continue;
        const claim = await timers.createClaimed({ reference, timer: OUTBOX_TIMER, id: randomUUID().slice(0, 8) }, owner, options.now());
        const released = await timers.releaseUntil(claim, options.now());
        if (released && await cases.assignRetryTimer(reference, untimed.map((row) => row.rowKey), claim.rowKey)) armed++;
        else await timers.remove(released ?? claim);
      }
      return armed;
    },
    /** Resolves once all background work has finished: for shutdown and tests. */
    async idle(): Promise<void> {
      while (running.size > 0 || prompting.size > 0 || settling.size > 0) await Promise.allSettled([...running, ...prompting.values(), ...settling.values()]);
    },
  };
}

export type EffectRelay = ReturnType<typeof createEffectRelay>;

/** The earliest of some instants (and of `also`), or undefined when there are none. */
function earliest(instants: readonly (Date | undefined)[] | Date | undefined, also?: Date): Date | undefined {
  const all = [...(Array.isArray(instants) ? instants : [instants]), also].filter((at): at is Date => at !== undefined);
  return all.length === 0 ? undefined : new Date(Math.min(...all.map((at) => at.getTime())));
}

/** What one drain of a case works from: the case as of its transition, and the lease it holds. */
interface Drain {
  readonly reference: string;
  readonly snapshot: never;
  readonly version: number;
  readonly presenter: CasePresenter<never>;
  readonly lease: OutboxLease;
  readonly now: Date;
  /** Card copies recorded so far: only when recovering, when an effect may have been sent before a crash. */
  readonly earlierCopies: (() => Promise<CardCopy[]>) | undefined;
  /** The drain of a turn's own new effects (not a retry or a recovery). */
  readonly fresh: boolean;
  /** The outbox rows this drain carries out. */
  readonly effects: ReadonlySet<string>;
  /** Where the case's card is shown, for refreshing it. */
  readonly cardCopies: () => Promise<CardCopy[]>;
}

/** How long, and for how many cases, a relay remembers the card copies it recorded (see `withRecorded`). */
const RECORDED_COPIES_MS = 10 * 60_000;
const RECORDED_COPIES_MAX = 2000;

/** A drain's two stages in its case's order (see `drain`). */
interface Stages {
  /** Its cards are out: the case's next drain may send its own. */
  readonly promptDone: () => void;
  /** The case's previous drain has finished: its inbox lines and timers are written, so this drain's come after. */
  readonly previousSettled: Promise<void>;
}
const UNORDERED: Stages = { promptDone: () => undefined, previousSettled: Promise.resolve() };

/**
 * Effects someone is waiting to see: cards sent and updated (the other party's "last call"), and steps on other
 * cases (which send cards of their own). The rest (inbox lines, timers, the register) follow them.
 */
const PROMPT_EFFECTS: ReadonlySet<string> = new Set(['notify', 'refreshCards', 'act']);

/** A relay without leases assumes it is the only instance. */
const ALONE: OutboxLease = { keep: () => Promise.resolve(), release: () => Promise.resolve() };

const afterCurrentTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The case as a transition has just stored it, so the relay need not read it back. */
export interface CommittedCase {
  readonly snapshot: unknown;
  readonly version: number;
  /** The card copies read with the snapshot (or the form's, for a new case). */
  readonly cardCopies?: readonly CardCopy[];
  /** The transition's retry timer, claimed by this instance ({@link EffectRelay.hold}): the lease its effects are carried out under. */
  readonly retryTimer?: ClaimedTimer;
}

/**
 * POSTs a record's register line. The reference is the idempotency key: the receiver keeps one line a
 * record and, with `version`, ignores anything older than what it has. Any non-2xx answer is a failure.
 */
async function postToRegister(url: string, reference: string, version: number, record: object): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': reference },
    body: JSON.stringify({ reference, version, record }),
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the register answered HTTP ${response.status}`);
}

function errorSummary(error: unknown): { kind: string; message: string; statusCode?: number } {
  const { name, message, statusCode } = error as { name?: string; message?: string; statusCode?: number };
  return { kind: name ?? 'Error', message: (message ?? String(error)).slice(0, 200), ...(statusCode ? { statusCode } : {}) };
}
