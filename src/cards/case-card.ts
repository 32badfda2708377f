/** How a notice on a case card is coloured (an Adaptive Card container style). */
export type NoticeStyle = 'attention' | 'good' | 'warning' | 'emphasis';

/** What every case card (`cards/access-request.json`, `abuse-report.json`, `takedown.json`) binds around its own fields. */
export interface CaseCardBase {
  readonly reference: string;
  readonly headline: string;
  readonly notice: string;
  readonly noticeStyle: NoticeStyle;
  readonly stateLabel: string;
  readonly stateColor: string;
  readonly nextStep: string;
  readonly facts: readonly { title: string; value: string }[];
  readonly history: readonly { when: string; what: string; comment: string }[];
  /** Teams shows the buttons (by refreshing the card) only to these people. */
  readonly refreshUserIds: readonly string[];
}

/** What a turn adds to the case card it answers with: a headline, and a notice of what just happened. */
export interface CaseCardNotice {
  readonly headline?: string;
  readonly notice?: string;
  readonly noticeStyle?: NoticeStyle;
}
