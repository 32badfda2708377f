import type { AdaptiveCardJson, CardRenderer } from './render';

/** A short card that says one thing: not available, nothing sent, already on its way. */
export interface MessageView {
  readonly title: string;
  readonly message: string;
  readonly style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
  readonly hint?: string;
}

export function messageCard(renderer: CardRenderer, message: MessageView): AdaptiveCardJson {
  return renderer.render('message', { style: 'emphasis', hint: '', ...message });
}
