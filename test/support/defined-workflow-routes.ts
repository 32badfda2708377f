import type { WorkflowRoutes } from '../../src/bot/turn';
import { workflowRoutes } from '../../src/bot/workflow-routes';
import type { CardRenderer } from '../../src/cards/render';
import type { CaseService } from '../../src/cases/case-service';
import type { WorkflowTools } from '../../src/cases/definition';
import { createLogger } from '../../src/logger';
import { WORKFLOWS } from '../../src/workflows';

/**
 * The routes runtime.ts mounts for every workflow in `src/workflows/index.ts` (files sent in the chat and file
 * exports included), built over no storage: for tests that ask which verbs and commands exist. Nothing reached
 * through them may be called.
 */
export function definedWorkflowRoutes(renderer = {} as CardRenderer): WorkflowRoutes[] {
  const logger = createLogger('silent');
  const tools = { renderer, directory: {}, workingTime: {}, inbox: {}, staged: {}, logger } as unknown as WorkflowTools;
  return WORKFLOWS.map((module) => workflowRoutes({ definition: module.create(tools) } as unknown as CaseService, renderer, logger));
}
