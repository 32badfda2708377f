import type { WorkflowModule } from '../cases/definition';
import { takedown } from './takedown';

/** Every workflow the bot runs: adding one is a folder exporting its module, and a line here. */
export const WORKFLOWS: readonly WorkflowModule[] = [takedown];
