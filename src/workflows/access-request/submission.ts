import type { Directory } from '../../directory/directory';
import { managementChain, standingIn } from '../../directory/management-chain';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import { reject, Rejection } from '../../domain/outcome';
import type { Actor, Person } from '../../domain/people';
import type { WorkingTime } from '../../domain/working-time';
import { AccessRequestFormInput, validateAccessRequestForm } from './form';
import type { AccessRequestCommand, ApproverChoice, ApproverStanding } from './model';

/** A request form read into the command that sends it; the engine gives it its reference. */
export type Submission = Extract<AccessRequestCommand, { type: 'submit' }>;

/**
 * The request form as a submission: its fields checked, the approver found in the directory (picker first,
 * then the list), and where they stand in the requester's management chain (the directory decides, not the form).
 */
export async function submissionFrom(
  input: AccessRequestFormInput, actor: Actor, now: Date, directory: Directory, workingTime: WorkingTime,
): Promise<Submission | Rejection> {
  const form = validateAccessRequestForm(input, workingTime.londonDate(now));
  if (!form.ok) return form;
  const chosen = await findChosenPerson(directory, input.approverSearch, input.approver);
  if (!chosen) return reject('invalid', 'Please check the highlighted fields.', { approver: PERSON_NOT_FOUND });
  const choice = await approverChoiceFor(directory, actor, { id: chosen.id, name: chosen.name }, form.approverReason);
  return { type: 'submit', reference: '', details: form.details, ...choice };
}

async function approverChoiceFor(directory: Directory, actor: Actor, approver: Person, reason: string): Promise<ApproverChoice> {
  const chain = managementChain(await directory.everyone(), actor.id);
  const lineManager = chain[0] && { id: chain[0].id, name: chain[0].name };
  return { approver, approverStanding: standingIn(chain, approver.id), ...(reason ? { approverReason: reason } : {}), ...(lineManager ? { lineManager } : {}) };
}

/** Where a new approver stands to the requester (only the requester may change it: the model refuses anyone else). */
export async function standingOf(directory: Directory, actor: Actor, approver: Person): Promise<ApproverStanding> {
  return standingIn(managementChain(await directory.everyone(), actor.id), approver.id);
}
