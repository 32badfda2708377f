/**
 * The campaign's Adaptive Card templates (schema 1.5), brought by the workflow (WorkflowModule `cardTemplates`) and
 * bound like those in `cards/` (adaptivecards-templating). Every text is bound data: policy titles and summaries are
 * Comms' words, escaped by the renderer's rules like any other text (TextRun does not render markdown).
 */
const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
const run = (value: string) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: value }] });
const facts = { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] };
const notice = { type: 'Container', $when: '${notice != \'\'}', style: '${noticeStyle}', items: [run('${notice}')] };
const card = (body: unknown[], actions: unknown[] = [], refresh?: unknown) => ({
  type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', ...(refresh ? { refresh } : {}), body, actions,
});

/** What each person gets: the policy version to read, Acknowledge or "I have a question"; after it, when they acknowledged. */
export const ACKNOWLEDGEMENT_CARD = card([
  notice,
  text('${heading}', { weight: 'Bolder', size: 'Medium' }),
  run('${title}'),
  facts,
  run('${summary}'),
  text('${consent}', { isSubtle: true, size: 'Small' }),
  text('${reference}', { isSubtle: true, size: 'Small', spacing: 'None' }),
  { type: 'Container', $when: '${acknowledged != \'\'}', style: 'good', items: [run('${acknowledged}')] },
], [
  { type: 'Action.OpenUrl', title: 'Read the policy', url: '${link}' },
  { type: 'Action.Execute', $when: '${can.acknowledge}', title: 'Acknowledge', verb: 'campaign.acknowledge', style: 'positive', data: { reference: '${reference}' } },
  { type: 'Action.Execute', $when: '${can.question}', title: 'I have a question', verb: 'campaign.question', data: { reference: '${reference}' } },
]);

/** The Communications Team's card: what was sent to whom, and its progress, refreshed each time it is shown. */
export const CAMPAIGN_CARD = card([
  notice,
  { type: 'ColumnSet', columns: [
    { type: 'Column', width: 'stretch', items: [text('Policy campaign ${reference}', { weight: 'Bolder' })] },
    { type: 'Column', width: 'auto', items: [text('${stateLabel}', { color: '${stateColor}', weight: 'Bolder' })] },
  ] },
  run('${title}'),
  facts,
  text('Progress', { weight: 'Bolder', spacing: 'Medium' }),
  { type: 'FactSet', facts: [{ $data: '${progress}', title: '${title}', value: '${value}' }] },
  text('${progressNote}', { isSubtle: true, size: 'Small' }),
  { type: 'Container', $when: '${notReached != \'\'}', items: [text('Not reached yet', { weight: 'Bolder' }), run('${notReached}')] },
], [
  { type: 'Action.Execute', title: 'Refresh', verb: 'campaign.progress', data: { reference: '${reference}' } },
  { type: 'Action.Execute', $when: '${can.close}', title: 'Close campaign', verb: 'campaign.close', data: { reference: '${reference}' } },
], { action: { type: 'Action.Execute', title: 'Refresh', verb: 'campaign.progress', data: { reference: '${reference}' } }, userIds: '${refreshUserIds}' });

/** Starting a campaign. */
export const CAMPAIGN_FORM = card([
  text('Start a policy acknowledgement campaign', { weight: 'Bolder', size: 'Medium' }),
  text('Everyone in the audience gets a card to read the policy and acknowledge it (the consent to monitoring the policy asks for). A newer version closes the campaign of the one before.', { isSubtle: true }),
  { type: 'Container', $when: '${notice != \'\'}', style: 'attention', items: [run('${notice}')] },
  { type: 'Input.Text', id: 'policyVersion', label: 'Policy version', isRequired: true, maxLength: 20, value: '${values.policyVersion}', placeholder: 'e.g. 2026.2' },
  text('${errors.policyVersion}', { $when: '${errors.policyVersion != \'\'}', color: 'attention', size: 'Small' }),
  { type: 'Input.Text', id: 'title', label: 'Title', isRequired: true, maxLength: 120, value: '${values.title}' },
  text('${errors.title}', { $when: '${errors.title != \'\'}', color: 'attention', size: 'Small' }),
  { type: 'Input.Text', id: 'summary', label: 'What changed, in short', isMultiline: true, isRequired: true, maxLength: 1000, value: '${values.summary}' },
  text('${errors.summary}', { $when: '${errors.summary != \'\'}', color: 'attention', size: 'Small' }),
  { type: 'Input.Text', id: 'link', label: 'Link to the policy (https)', isRequired: true, maxLength: 500, value: '${values.link}' },
  text('${errors.link}', { $when: '${errors.link != \'\'}', color: 'attention', size: 'Small' }),
  { type: 'Input.Number', id: 'dueWorkingDays', label: 'Due in working days', min: 1, max: 30, value: '${values.dueWorkingDays}' },
  text('${errors.dueWorkingDays}', { $when: '${errors.dueWorkingDays != \'\'}', color: 'attention', size: 'Small' }),
  { type: 'Input.ChoiceSet', id: 'audience', label: 'Who', value: '${values.audience}', choices: [{ $data: '${audienceChoices}', title: '${title}', value: '${value}' }] },
  { type: 'Input.Text', id: 'department', label: 'Department (when the audience is one department)', maxLength: 100, value: '${values.department}' },
  text('${errors.department}', { $when: '${errors.department != \'\'}', color: 'attention', size: 'Small' }),
], [
  { type: 'Action.Execute', title: 'Start campaign', verb: 'campaign.start', style: 'positive', data: { formId: '${formId}' } },
]);

/** "I have a question": goes to the Communications Team as a staff concern. */
export const QUESTION_FORM = card([
  text('A question about the Social Media Policy', { weight: 'Bolder' }),
  run('${title}'),
  text('Your question goes to the Communications Team, who will answer you. You can still acknowledge the policy afterwards.', { isSubtle: true }),
  { type: 'Input.Text', id: 'question', label: 'Your question', isMultiline: true, isRequired: true, maxLength: 2000, value: '${question}' },
  text('${error}', { $when: '${error != \'\'}', color: 'attention', size: 'Small' }),
], [
  { type: 'Action.Execute', title: 'Send question', verb: 'campaign.askQuestion', style: 'positive', data: { reference: '${reference}', formId: '${formId}' } },
]);

/** A line manager's view: their team's acknowledgements, one line each. */
export const TEAM_CARD = card([
  text('${heading}', { weight: 'Bolder', size: 'Medium' }),
  text('${intro}', { isSubtle: true }),
  { type: 'Container', $data: '${campaigns}', items: [
    text('${title}', { weight: 'Bolder', spacing: 'Medium' }),
    { type: 'FactSet', facts: [{ $data: '${people}', title: '${name}', value: '${status}' }] },
  ] },
]);

export const CAMPAIGN_TEMPLATES = {
  'campaign-acknowledgement': ACKNOWLEDGEMENT_CARD,
  'campaign': CAMPAIGN_CARD,
  'campaign-form': CAMPAIGN_FORM,
  'campaign-question': QUESTION_FORM,
  'campaign-team': TEAM_CARD,
} as const;
