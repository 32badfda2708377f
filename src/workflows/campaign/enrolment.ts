import type { Directory, DirectoryPerson } from '../../directory/directory';
import type { NewStarterEnrolment } from '../../directory/new-starters';
export type { NewStarterEnrolment } from '../../directory/new-starters';
import type { Logger } from '../../logger';
import type { RecipientStore } from '../../store/campaign-recipients';
import type { CampaignFanOut } from './fan-out';
import { Campaign, isForNewStarters } from './model';

export interface NewStarterDeps {
  readonly directory: Directory;
  readonly recipients: RecipientStore;
  readonly fanOut: () => CampaignFanOut;
  /** Every campaign, oldest first. */
  campaigns(): Promise<readonly Campaign[]>;
  readonly logger: Logger;
}

/**
 * Gives people who have just arrived the current campaign (issue 15: "New starters (first install, or a joiner from
 * the directory sync) get the current campaign automatically"): called by the bot when someone installs the app, and
 * by the directory sync for joiners (src/directory/new-starters.ts). Safe to repeat: someone already in a campaign is
 * left as they are. The current campaign is the newest open one to everyone or to new starters (a department's campaign is its own).
 * Someone already in an open campaign whose card could not reach them (the app was not installed) is queued again:
 * installing the app is what they were waiting for.
 */
export function createNewStarterEnrolment(deps: NewStarterDeps): NewStarterEnrolment {
  return {
    async enrol(personIds) {
      if (personIds.length === 0) return;
      const open = (await deps.campaigns()).filter((campaign) => campaign.state === 'open');
      if (open.length === 0) return;
      const people = (await Promise.all(personIds.map((id) => deps.directory.find(id))))
        .filter((person): person is DirectoryPerson => person !== undefined && !person.leftAt);
      const current = [...open].reverse().find(isForNewStarters);
      const added = current ? await deps.fanOut().enrolPeople(current, people) : 0;
      let requeued = 0;
      for (const person of people) {
        for (const row of await deps.recipients.campaignsOf(person.id, open.map((campaign) => campaign.reference))) {
          if (row.state !== 'notInstalled') continue;
          const queued = await deps.recipients.update(row, { state: 'queued', detail: undefined });
          if (queued !== 'conflict') {
            await deps.fanOut().requeue(row.reference, row.personId);
            requeued++;
          }
        }
      }
      if (added || requeued) deps.logger.info({ reference: current?.reference, added, requeued }, 'new starters enrolled');
    },
  };
}
