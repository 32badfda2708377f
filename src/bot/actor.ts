import type { TurnContext } from 'botbuilder';
import type { Directory } from '../directory/directory';
import { cleanLine } from '../domain/free-text';
import type { Actor } from '../domain/people';

/**
 * Who is acting: the Entra ID object id Teams puts on every activity, with name and team roles from the
 * directory. Card data never says who acts. Without an object id (only possible in local anonymous
 * mode) the channel user id stands in.
 */
export async function resolveActor(context: TurnContext, directory: Directory): Promise<Actor | undefined> {
  const from = context.activity.from;
  const id = from?.aadObjectId || from?.id;
  if (!id || id.length > 100) return undefined;
  const person = await directory.find(id);
  const name = person?.name || cleanLine(from?.name).slice(0, 100) || 'A colleague';
  return { id, name, roles: person?.roles ?? [] };
}
