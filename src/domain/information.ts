import type { Person } from './people';

/**
 * The command an information request sends to the case it was opened from when the colleague answers (issue 12,
 * "Information from colleagues"). Every parent workflow accepts it only from the SYSTEM actor.
 */
export interface InformationReceived {
  readonly type: 'informationReceived';
  readonly request: string;
  readonly from: Person;
  readonly answer: string;
}

export const ANSWER_MAX = 1000;
