/**
 * Gives new starters the current policy acknowledgement campaign (issue 15: "New starters (first install, or a
 * joiner from the directory sync) get the current campaign automatically"). The campaigns workflow implements it;
 * it must be harmless to call twice for the same person (the sync calls again for anyone a stopped run left out).
 */
export interface NewStarterEnrolment {
  enrol(personIds: readonly string[]): Promise<void>;
}

/** Until a campaign workflow is wired in: joiners are recorded, and nobody is sent anything. */
export const NO_ENROLMENT: NewStarterEnrolment = { enrol: async () => undefined };
