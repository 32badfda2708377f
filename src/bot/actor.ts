import type { TurnContext } from 'botbuilder';
import type { Directory } from '../directory/directory';
import { cleanLine } from '../domain/free-text';
import { isUsableKey } from '../store/entity-limits';
import type { Actor } from '../domain/people';

/**
 * Who is acting: the Entra ID object id Teams puts on every activity, with name and team roles from the
 * directory. Card data never says who acts. Without an object id (only possible in local anonymous
 * mode) the channel user id stands in.
 */
export async function resolveActor(context: TurnContext, directory: Directory): Promise<Actor | undefined> {
  const from = context.activity.from;
  const id = actorIdOf(context);
  if (!id) return undefined;
  const person = await directory.find(id);
  const name = person?.name || cleanLine(from?.name).slice(0, 100) || 'A colleague';
  return { id, name, roles: person?.roles ?? [] };
}

/** The acting person's id (Entra ID object id, else the channel user id), if it can be one: it keys their
 * inbox, chat reference and form claims, so an id a table would refuse as a key (or not text) is nobody's. */
export function actorIdOf(context: TurnContext): string | undefined {
  const from = context.activity.from as { aadObjectId?: unknown; id?: unknown } | undefined;
  const id = from?.aadObjectId || from?.id;
  return isUsableKey(id) && id.length > 0 && id.length <= 100 ? id : undefined;
}
