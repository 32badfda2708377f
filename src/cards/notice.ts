import type { AdaptiveCardJson, CardRenderer } from './render';

/** A short card that says one thing: not available, nothing sent, already on its way. */
export interface NoticeView {
  readonly title: string;
  readonly message: string;
  readonly style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
  readonly hint?: string;
}

export function noticeCard(renderer: CardRenderer, notice: NoticeView): AdaptiveCardJson {
  return renderer.render('notice', { style: 'emphasis', hint: '', ...notice });
}
