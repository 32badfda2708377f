import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../cards/render';
import type { Directory } from '../directory/directory';
import type { Recipient } from '../domain/effects';
import type { Actor, Person } from '../domain/people';
import { prefixOf, CasePrefix } from '../domain/references';
import type { Logger } from '../logger';
import type { CardCopy, CaseStore, PendingEffect } from '../store/case-store';
import type { Inbox } from '../store/inbox';
import type { LeaseStore } from '../store/leases';
import type { TimerStore } from '../store/timers';
import type { Notifier } from './delivery';
import { OUTBOX_LEASE_MS, OutboxLease, OutboxLeaseLost, takeOutboxLease } from './outbox-lease';
import type { CasePresenter } from './presenter';

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
  /**
   * With several instances: the case's outbox lease, held by whichever instance carries out its effects (the one
   * whose turn stored them, or a recovery), so two never send the same card. Without, this instance assumes it is alone.
   */
  readonly leases?: LeaseStore;
  readonly instanceId?: string;
  /** How long recovery leaves a new effect to the instance whose turn made it; {@link RECOVERY_GRACE_MS} by default. */
  readonly recoveryGraceMs?: number;
  /** How long an outbox lease runs unrenewed; {@link OUTBOX_LEASE_MS} by default (tests shorten it). */
  readonly leaseMs?: number;
  /**
   * The dashboard's statistics (issue 14), told of the case as each transition left it, with its version, when its
   * inbox lines are written (every transition has that effect, carried out at least once): idempotent by version.
   */
  readonly statistics?: { record(reference: string, snapshot: unknown, version: number, now: Date): Promise<void> };
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
  const { cases, logger } = options;
  const owner = options.instanceId ?? `relay-${randomUUID().slice(0, 8)}`;
  const graceMs = options.recoveryGraceMs ?? RECOVERY_GRACE_MS;
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const running = new Set<Promise<void>>();
  const draining = new Map<string, Promise<void>>();

  /** Runs for one case strictly one after another, so two drains never send the same effect at once. */
  function drain(reference: string, pending?: readonly PendingEffect[], committed?: CommittedCase): Promise<void> {
    const previous = draining.get(reference) ?? Promise.resolve();
    // A turn's own effects wait until its answer is on its way (setImmediate), so they never hold it up; they
    // still take their place in the case's queue now, ahead of any recovery drain of the same rows.
    const start = committed ? previous.catch(() => undefined).then(afterCurrentTurn) : previous.catch(() => undefined);
    const work = start.then(() => drainNow(reference, pending, committed));
    const tail = work.finally(() => {
      if (draining.get(reference) === tail) draining.delete(reference);
    });
    draining.set(reference, tail);
    return work;
  }

  async function drainNow(reference: string, given?: readonly PendingEffect[], committed?: CommittedCase): Promise<void> {
    // Whoever carries out a case's effects holds its lease, the instance whose turn stored them included: a
    // peer's recovery never sends what this instance is still sending, however slow the connector is.
    const lease = await holdLease(reference, given !== undefined);
    if (!lease) {
      logger.debug({ reference }, 'another instance is carrying out this case\'s effects; left to it');
      return;
    }
    try {
      const now = options.now();
      const rows = given ?? (await cases.pendingEffects(reference)).filter((row) => isDueForRecovery(row, now, graceMs));
      await carryOutAll(reference, rows, lease, committed);
    } catch (error) {
      if (!(error instanceof OutboxLeaseLost)) throw error;
      logger.warn({ reference }, 'outbox lease lost to another instance; the rest of this case\'s effects is left to it');
    } finally {
      await lease.release();
    }
  }

  async function holdLease(reference: string, ownEffects: boolean): Promise<OutboxLease | undefined> {
    if (!options.leases) return ALONE;
    return takeOutboxLease(reference, { leases: options.leases, owner, now: options.now, leaseMs, patient: ownEffects });
  }

  async function carryOutAll(reference: string, pending: readonly PendingEffect[], lease: OutboxLease, committed?: CommittedCase): Promise<void> {
    if (pending.length === 0) return;
    const now = options.now();
    // Effects are shown as of the transition that caused them: the turn hands over what it has just stored.
    const stored = committed ? { snapshot: committed.snapshot as never, version: committed.version } : await cases.load<never>(reference);
    const presenter = options.presenters[prefixOf(reference) ?? 'AR'];
    if (!stored || !presenter) return;
    // Effects being recovered may have been sent already by an instance that died before removing them from the
    // outbox: the copies it recorded are looked up (once, only then), and updated in place instead of sent again.
    let recorded: Promise<CardCopy[]> | undefined;
    const drain: Drain = {
      reference, snapshot: stored.snapshot, version: stored.version, presenter, lease, now,
      earlierCopies: committed ? undefined : () => (recorded ??= cases.cardCopies(reference)),
    };
    for (const row of [...pending].sort((a, b) => a.rowKey.localeCompare(b.rowKey))) {
      await lease.keep();
      try {
        await carryOut({ ...drain, now: options.now() }, row);
        await cases.completeEffect(reference, row.rowKey);
      } catch (error) {
        if (error instanceof OutboxLeaseLost) throw error;
        const attempts = row.attempts + 1;
        const log = attempts >= ATTENTION_AFTER ? logger.error.bind(logger) : logger.warn.bind(logger);
        log({ reference, effect: row.effect.kind, attempts, failure: errorSummary(error) }, 'effect failed; it stays in the outbox and is retried');
        const wait = Math.min(FIRST_RETRY_MS * 2 ** row.attempts, LONGEST_RETRY_MS);
        await cases.recordFailedAttempt(reference, row, errorSummary(error).message, new Date(now.getTime() + wait).toISOString()).catch(() => undefined);
      }
    }
  }

  async function carryOut(drain: Drain, row: PendingEffect): Promise<void> {
    const { reference, snapshot, presenter, now } = drain;
    const { effect } = row;
    switch (effect.kind) {
      case 'refreshCards':
        for (const copy of await cases.cardCopies(reference)) {
          if (copy.conversationId === effect.except?.conversationId && copy.activityId === effect.except.activityId) continue;
          await drain.lease.keep();
          await options.notifier.updateCard(copy, presenter.card(snapshot, await viewer(copy.viewerId), now));
        }
        return;
      case 'inbox': {
        const updatedAt = now.toISOString();
        const entries = presenter.inboxEntries(snapshot, now).map((entry) => ({ ...entry, updatedAt }));
        await options.inbox.write(entries);
        // Someone who no longer has a part (a replaced approver) loses the line: the case is no longer theirs to see.
        await options.inbox.remove(effect.formerParticipants.map(({ userId, role }) => ({ userId, role, reference })));
        await options.statistics?.record(reference, snapshot, drain.version, now);
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
        if ('person' in effect.to) return notifyPerson(drain, row.rowKey, effect.to.person, effect.headline);
        return notifyTeam(drain, row, effect.to, effect.headline);
      case 'act': {
        const outcome = await options.actOn?.(effect.reference, effect.command, now);
        // A refusal is final (the other case moved on, or never existed): retrying would be refused again.
        if (!outcome?.ok) logger.warn({ reference, target: effect.reference, command: effect.command.type, code: outcome?.code ?? 'no_workflow' }, 'a step on another case was refused');
        return;
      }
    }
  }

  async function notifyPerson(drain: Drain, effectKey: string, person: Person, headline: string): Promise<void> {
    const { reference, snapshot, presenter, now } = drain;
    const card = presenter.card(snapshot, await viewer(person.id), now, headline);
    if (await updatedEarlierCopy(drain, effectKey, person.id, card)) return;
    await drain.lease.keep();
    const delivery = await options.notifier.sendCard(person.id, card);
    if (delivery.status === 'sent') {
      // Which effect sent it is kept with the copy: a retry of this effect then updates it instead of sending another.
      await cases.saveCardCopy(reference, { viewerId: person.id, conversationId: delivery.conversationId, activityId: delivery.activityId, effect: effectKey });
      return;
    }
    logger.warn({ reference, recipientId: person.id, status: delivery.status }, 'notification not delivered');
    if (delivery.status === 'failed') throw new Error(`delivery failed: ${delivery.detail}`);
    if (delivery.status !== 'gone') await cases.recordUndelivered(reference, person.id, delivery.status, now.toISOString());
    const tell = presenter.undeliverable(snapshot, person);
    if (!tell) return;
    await drain.lease.keep();
    await options.notifier.sendCard(tell.to.id, presenter.card(snapshot, await viewer(tell.to.id), now, tell.message));
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
    const reached = await cases.deliveredTo(drain.reference, row.rowKey);
    const members = (await options.directory.membersOf(to.role)).filter((member) => !to.except?.includes(member.id) && !reached.has(member.id));
    const failures: unknown[] = [];
    for (const member of members) {
      try {
        await notifyPerson(drain, row.rowKey, member, headline);
        await cases.markDelivered(drain.reference, row.rowKey, member.id);
      } catch (error) {
        if (error instanceof OutboxLeaseLost) throw error;
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  async function viewer(id: string): Promise<Actor> {
    const person = await options.directory.find(id);
    return person ? { id, name: person.name, roles: person.roles } : { id, name: '', roles: [] };
  }

  return {
    /** Starts carrying out a transition's effects in the background; the turn does not wait. */
    dispatch(reference: string, pending: readonly PendingEffect[], committed?: CommittedCase): void {
      if (pending.length === 0) return;
      const work = drain(reference, pending, committed).catch((error: unknown) => {
        logger.error({ reference, failure: errorSummary(error) }, 'effects not carried out; they stay in the outbox');
      });
      running.add(work);
      void work.finally(() => running.delete(work));
    },
    drain,
    /** Retries every case with effects left in its outbox (after a restart or an outage). */
    async recoverAll(): Promise<number> {
      const references = await cases.referencesWithPendingEffects();
      for (const reference of references) await drain(reference);
      return references.length;
    },
    /** Resolves once all background work has finished: for shutdown and tests. */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type EffectRelay = ReturnType<typeof createEffectRelay>;

/** A failed effect once its wait is over; a new one once the instance that stored it has had its chance. */
function isDueForRecovery(row: PendingEffect, now: Date, graceMs: number): boolean {
  if (row.nextAttemptAt) return new Date(row.nextAttemptAt) <= now;
  return !row.createdAt || new Date(row.createdAt).getTime() <= now.getTime() - graceMs;
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
}

/** A relay without leases assumes it is the only instance. */
const ALONE: OutboxLease = { keep: () => Promise.resolve(), release: () => Promise.resolve() };

const afterCurrentTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The case as a transition has just stored it, so the relay need not read it back. */
export interface CommittedCase {
  readonly snapshot: unknown;
  readonly version: number;
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
