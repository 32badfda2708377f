import type { Directory } from '../../directory/directory';
import { managementChain, standingIn } from '../../directory/management-chain';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import { reject, Rejection } from '../../domain/outcome';
import type { Actor, Person } from '../../domain/people';
import type { WorkflowTools } from '../../cases/definition';
import { routeTo } from '../../directory/delegation';
import { AccessRequestFormInput, validateAccessRequestForm } from './form';
import type { AccessRequestCommand, ApproverChoice, ApproverStanding } from './model';

/** A request form read into the command that sends it; the engine gives it its reference. */
export type Submission = Extract<AccessRequestCommand, { type: 'submit' }>;

/**
 * The request form as a submission: its fields checked, the approver found in the directory (picker first,
 * then the list), and where they stand in the requester's management chain (the directory decides, not the form).
 */
export async function submissionFrom(
  input: AccessRequestFormInput, actor: Actor, now: Date, tools: Pick<WorkflowTools, 'directory' | 'delegations' | 'workingTime'>,
): Promise<Submission | Rejection> {
  const { directory, workingTime } = tools;
  const form = validateAccessRequestForm(input, workingTime.londonDate(now));
  if (!form.ok) return form;
  const chosen = await findChosenPerson(directory, input.approverSearch, input.approver);
  if (!chosen) return reject('invalid', 'Please check the highlighted fields.', { approver: PERSON_NOT_FOUND });
  const choice = await approverChoiceFor(tools, actor, { id: chosen.id, name: chosen.name }, form.approverReason, now);
  return { type: 'submit', reference: '', details: form.details, ...choice };
}

/**
 * Where the person named stands in the requester's chain, and who decides: the person named, or their delegate
 * while they are away (never the requester: no one approves their own request).
 */
async function approverChoiceFor(
  tools: Pick<WorkflowTools, 'directory' | 'delegations' | 'workingTime'>, actor: Actor, named: Person, reason: string, now: Date,
): Promise<ApproverChoice> {
  const chain = managementChain(await tools.directory.everyone(), actor.id);
  const lineManager = chain[0] && { id: chain[0].id, name: chain[0].name };
  const route = await routeTo(tools.delegations, named, tools.workingTime.londonDate(now), actor.id);
  return {
    approver: route.to, approverStanding: standingIn(chain, named.id), ...(reason ? { approverReason: reason } : {}),
    ...(lineManager ? { lineManager } : {}), ...(route.actingFor ? { actingFor: route.actingFor } : {}),
  };
}

/** A new approver as a change of approver: their standing to the requester, and their delegate while they are away. */
export async function approverChangeFor(
  tools: Pick<WorkflowTools, 'directory' | 'delegations' | 'workingTime'>, requester: Actor, named: Person, now: Date,
): Promise<Pick<ApproverChoice, 'approver' | 'approverStanding' | 'actingFor'>> {
  const route = await routeTo(tools.delegations, named, tools.workingTime.londonDate(now), requester.id);
  return { approver: route.to, approverStanding: await standingOf(tools.directory, requester, named), ...(route.actingFor ? { actingFor: route.actingFor } : {}) };
}

/** Where a new approver stands to the requester (only the requester may change it: the model refuses anyone else). */
export async function standingOf(directory: Directory, actor: Actor, approver: Person): Promise<ApproverStanding> {
  return standingIn(managementChain(await directory.everyone(), actor.id), approver.id);
}
