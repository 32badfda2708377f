import type { CardRenderer } from '../cards/render';
import { isPersonId } from '../data-protection/case-people';
import { erasePerson, ErasurePlan, planErasure } from '../data-protection/erasure';
import { hasRole } from '../domain/people';
import type { Logger } from '../logger';
import type { Tables } from '../store/tables';
import { messageCard, replyWithCard, Turn, WorkflowRoutes } from './turn';

export interface AdminRouteDeps {
  readonly tables: Tables;
  readonly renderer: CardRenderer;
  readonly logger: Logger;
}

/** "erase person <id>" shows what would happen; "erase person <id> confirm" does it. */
const ERASE = /^erase person (\S+?)( confirm)?$/;

/**
 * Administrators' commands (DESIGN.md, "People and roles"). `erase person`: the same erasure as
 * `npm run erase-person` (src/data-protection/erasure.ts). Erasure cannot be undone, so the command first
 * shows whom it would erase and what it would keep, and acts only on "... confirm". The actor's admin
 * role comes from the directory, never from the message; only in a 1:1 chat; never on oneself.
 * Logs carry the administrator's id, the opaque erasure id and counts: never the erased person's id.
 */
export function adminRoutes(deps: AdminRouteDeps): WorkflowRoutes {
  const { renderer } = deps;
  const reply = (turn: Turn, title: string, message: string, style: 'warning' | 'good' | 'attention' | 'emphasis' = 'warning', hint = '') =>
    replyWithCard(turn.context, messageCard(renderer, { title, message, style, hint }));

  async function erase(turn: Turn, match: RegExpExecArray): Promise<void> {
    if (!hasRole(turn.actor, 'admin')) {
      deps.logger.warn({ actorId: turn.actor.id }, 'erase person refused: not an administrator');
      return reply(turn, 'Administrators only', 'Only an administrator can erase a person\'s data. Nothing was changed.');
    }
    if (turn.context.activity.conversation?.conversationType !== 'personal') {
      return reply(turn, 'Erase in your chat with me', 'Type "erase person" in your 1:1 chat with the Social Media Desk. Nothing was changed.');
    }
    const subjectId = originalId(turn.context.activity.text, match[1] ?? '');
    if (!isPersonId(subjectId)) return reply(turn, 'Not a person id', 'Give the person\'s Entra ID object id, e.g. "erase person 00000000-0000-0000-0000-000000000000".');
    if (subjectId === turn.actor.id) return reply(turn, 'Not your own', 'Another administrator must erase your data. Nothing was changed.');

    if (!match[2]) {
      const plan = await planErasure(deps.tables, subjectId);
      // The id as typed goes in the message (plain text), never in the hint: a TextBlock renders markdown.
      const goAhead = plan.open.length > 0 ? '' : `\nTo go ahead, type: erase person ${subjectId} confirm`;
      return reply(turn, `Erase ${plan.name ?? 'a person not in the directory'}?`, `${describePlan(plan)}${goAhead}`, plan.open.length > 0 ? 'warning' : 'attention',
        plan.open.length > 0 ? 'Nothing can be erased until those cases are closed.' : 'This cannot be undone.');
    }
    const result = await erasePerson(deps.tables, subjectId, { id: turn.actor.id, name: turn.actor.name }, turn.now);
    if (result.outcome === 'refused') {
      deps.logger.info({ adminId: turn.actor.id, open: result.plan.open.length }, 'erasure refused: open cases');
      return reply(turn, 'Not erased', describePlan(result.plan), 'warning', 'Nothing was changed. The refusal is recorded in the audit trail.');
    }
    deps.logger.info({
      adminId: turn.actor.id, erasureId: result.erasureId, anonymised: result.plan.anonymise.length, retained: result.plan.retained.length,
    }, 'person erased');
    const retained = result.plan.retained.length > 0 ? ` Kept: ${references(result.plan.retained)} (${result.plan.retained.length === 1 ? 'an incident record' : 'incident records'}, retained: legal obligation).` : '';
    return reply(turn, 'Erased', `Erased as ${result.erasureId}. Anonymised: ${references(result.plan.anonymise) || 'no cases'}.${retained} `
      + `Removed: directory entry, chat reference, ${result.removed.inboxRows} case list line(s), staged files and form claims.`, 'good',
    'Recorded in the audit trail. Remove the person from the directory seed file too, or the next "npm run seed" adds them back.');
  }

  return { actions: {}, commands: [{ pattern: ERASE, handle: erase }] };
}

function describePlan(plan: ErasurePlan): string {
  const lines: string[] = [];
  if (plan.open.length > 0) lines.push(`Open cases (must be closed, or given another approver, first): ${references(plan.open)}.`);
  lines.push(`Closed access requests and takedown notices to anonymise: ${references(plan.anonymise) || 'none'}.`);
  lines.push(`Incident records kept (retained: legal obligation, at least 3 years after closure): ${references(plan.retained) || 'none'}.`);
  lines.push('Removed: directory entry, chat reference, case lists, staged files, form claims.');
  return lines.join('\n');
}

function references(items: readonly { reference: string }[]): string {
  return items.map((item) => item.reference).join(', ');
}

/** The id as typed (commands are matched lower-cased; an id's case is kept). */
function originalId(text: string | undefined, lowered: string): string {
  const typed = /erase\s+person\s+(\S+)/i.exec(text ?? '')?.[1]?.replace(/["'.,!?;:]+$/, '');
  return typed && typed.toLowerCase() === lowered ? typed : lowered;
}
