import type { CaseRules, WorkflowModule } from '../cases/definition';
import { abuseReportModule } from './abuse-report';
import type { AbuseReportSettings } from './abuse-report/settings';
import { accessRequest } from './access-request';
import { takedown } from './takedown';
import { customerPost } from './customer-post';
import { infoRequest } from './info-request';
import { concern } from './concern';
import { campaignModule, CampaignPorts } from './campaign';

/**
 * Every workflow the bot runs, with the settings the environment gives some of them (src/config.ts): adding
 * one is a folder exporting its module, and a line here.
 */
export function workflowModules(settings: { readonly abuseReport?: AbuseReportSettings; readonly campaign?: CampaignPorts } = {}): readonly WorkflowModule[] {
  // Reporting abuse first: its help lines lead the list, safety before everything else.
  return [abuseReportModule(settings.abuseReport), accessRequest, takedown, customerPost, infoRequest, concern, campaignModule(settings.campaign)];
}

/** Every workflow with its default settings: for tests that only ask which verbs and commands exist. */
export const WORKFLOWS: readonly WorkflowModule[] = workflowModules();

/** Each kind of case's rules (closed states, who a case names), for data protection and retention. */
export const CASE_RULES: readonly CaseRules[] = WORKFLOWS.map((module) => module.rules);
