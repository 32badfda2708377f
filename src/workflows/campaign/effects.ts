import type { Effect, Participant } from '../../domain/effects';
import type { Campaign, CampaignEvent } from './model';

/** The timers a campaign sets: each is fired by the fan-out (fan-out.ts `timerHandlers`), which queues the sends. */
export const CAMPAIGN_TIMERS = { enrol: 'campaignEnrol', reminder: 'campaignReminder', final: 'campaignFinal' } as const;

/**
 * After a campaign starts: enrol its audience (also queued at once by the start itself; this timer, due now, is the
 * safety net if the instance stopped between the two), the reminder and the final reminder; the campaigns it replaces
 * are closed. The cards themselves go through the queue, never through this case's outbox.
 */
export function campaignEffects(events: readonly CampaignEvent[], _before: Campaign | undefined, after: Campaign): Effect[] {
  return [
    ...events.flatMap((event): Effect[] => {
      switch (event.type) {
        case 'CampaignStarted': return [
          { kind: 'timer', timer: CAMPAIGN_TIMERS.enrol, dueAt: event.at },
          { kind: 'timer', timer: CAMPAIGN_TIMERS.reminder, dueAt: event.reminderAt },
          { kind: 'timer', timer: CAMPAIGN_TIMERS.final, dueAt: event.dueAt },
          ...(event.supersedes ?? []).map((reference): Effect => ({ kind: 'act', reference, command: { type: 'supersede', by: after.reference } as { readonly type: string } })),
        ];
        case 'CampaignClosed':
        case 'CampaignSuperseded':
          return [{ kind: 'refreshCards' }];
      }
    }),
    { kind: 'inbox', formerParticipants: [] },
  ];
}

export function campaignParticipants(campaign: Campaign): Participant[] {
  return [{ userId: campaign.startedBy.id, role: 'starter' }];
}
