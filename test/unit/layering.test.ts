import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

/**
 * The layering the lint holds (eslint.config.mjs, README "Project layout"), asked of the real config: a change
 * that breaks it fails `npm test`. Each case is a line someone might add, linted as if it were in that file.
 */
describe('the lint keeps the layers apart', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });
  const refusals = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
    return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
  };

  const refused: [string, string, RegExp][] = [
    ['src/workflows/takedown/index.ts', 'import { x } from \'botbuilder\';', /Only the Teams folder \(src\/bot\) imports the Bot Framework SDKs/],
    ['src/workflows/takedown/index.ts', 'import { x } from \'@microsoft/teams-ai\';', /Bot Framework SDKs/],
    ['src/workflows/access-request/actions.ts', 'import { x } from \'../../bot/turn\';', /Only the composition root .* import the Teams folder/],
    ['src/workflows/abuse-report/index.ts', 'import { x } from \'@azure/data-tables\';', /Only src\/store touches tables/],
    ['src/cases/relay.ts', 'import { x } from \'../bot/notifier\';', /import the Teams folder/],
    ['src/cases/case-service.ts', 'import { x } from \'../workflows/takedown\';', /The case engine knows no workflow/],
    ['src/data-protection/erasure.ts', 'import { x } from \'@azure/data-tables\';', /Only src\/store touches tables/],
    ['src/store/inbox.ts', 'import { x } from \'../cases/relay\';', /The store knows tables, not Teams, cases or workflows/],
    ['src/domain/working-time.ts', 'import { x } from \'../store/tables\';', /src\/domain is pure/],
    ['src/bot/app.ts', 'import { x } from \'@azure/data-tables\';', /Only src\/store touches tables/],
    ['src/workflows/campaign/fan-out.ts', 'import { x } from \'@azure/storage-queue\';', /Only src\/store touches queues/],
    ['src/bot/campaign-sender.ts', 'import { x } from \'@azure/storage-queue\';', /Only src\/store touches queues/],
  ];
  for (const [file, line, message] of refused) {
    it(`refuses in ${file}: ${line}`, async () => {
      const found = await refusals(file, line);
      assert.equal(found.length, 1, `one refusal expected, got ${JSON.stringify(found)}`);
      assert.match(found[0]!, message);
    });
  }

  const allowed: [string, string][] = [
    ['src/bot/app.ts', 'import { x } from \'botbuilder\';'],
    ['src/runtime.ts', 'import { x } from \'./bot/workflow-routes\';'],
    ['src/store/inbox.ts', 'import { x } from \'@azure/data-tables\';'],
    ['src/store/campaign-queue.ts', 'import { x } from \'@azure/storage-queue\';'],
    ['src/workflows/takedown/index.ts', 'import { x } from \'../../cases/definition\';'],
  ];
  for (const [file, line] of allowed) {
    it(`allows in ${file}: ${line}`, async () => assert.deepEqual(await refusals(file, line), []));
  }
});
