import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ImageManifest, IMAGES, MANIFEST, ROOT, templateDigest } from '../../scripts/docs-screenshots';
import { COMMAND_HELP } from '../../src/bot/welcome';
import { howTheBotTakes } from '../support/how-the-bot-takes';

/*
 * docs/guide.md stays true: its pictures show the current cards, and every command it tells people to type is one
 * the real bot knows. A command to type is written <kbd>like this</kbd> in the guide (one form, so it can be found);
 * the README's command tables ("## Using it") list commands and their other forms in their first two columns, as code.
 * A command counts as known when one of the bot's command patterns takes it (test/support/how-the-bot-takes.ts): words the bot
 * might only guess at are no command to teach.
 */

const GUIDE = path.join(ROOT, 'docs', 'guide.md');
const README = path.join(ROOT, 'README.md');

/** Every <kbd>...</kbd> of a Markdown text, entities decoded. */
export function typedCommands(markdown: string): string[] {
  return [...markdown.matchAll(/<kbd>([^<]*)<\/kbd>/g)].map(([, text]) => (text ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

/** The commands in README's "## Using it" tables: the code in their first two columns (command, also). */
function readmeCommands(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Using it')) ?? '';
  return [...section.matchAll(/^\|([^|]*)\|([^|]*)\|/gm)]
    .flatMap(([, command, also]) => [...`${command}|${also}`.matchAll(/`([^`]+)`/g)].map(([, code]) => code ?? ''));
}

function manifest(): ImageManifest {
  return JSON.parse(readFileSync(MANIFEST, 'utf8')) as ImageManifest;
}

describe('the user guide (docs/guide.md)', () => {
  const guide = readFileSync(GUIDE, 'utf8');

  it('shows only pictures that exist and that the screenshot script made', () => {
    const linked = [...guide.matchAll(/!\[[^\]]*\]\(images\/([^)\s]+)\)/g)].map(([, file]) => file ?? '');
    assert.ok(linked.length > 0, 'the guide shows no pictures');
    const listed = manifest().images;
    const missing = linked.filter((file) => !existsSync(path.join(IMAGES, file)));
    assert.deepEqual(missing, [], `docs/guide.md shows pictures that are missing from docs/images/: ${missing.join(', ')}. Run npm run docs:screenshots.`);
    const unlisted = linked.filter((file) => !listed[file]);
    assert.deepEqual(unlisted, [], `pictures not made by npm run docs:screenshots (not in docs/images/manifest.json): ${unlisted.join(', ')}`);
  });

  it('has no picture older than a card template it shows', () => {
    const stale = Object.entries(manifest().images).flatMap(([file, image]) => Object.entries(image.templates)
      .filter(([template, digest]) => !existsSync(path.join(ROOT, template)) || templateDigest(template) !== digest)
      .map(([template]) => `docs/images/${file} (shows ${template}, changed since)`));
    assert.deepEqual(stale, [], `Pictures to take again with npm run docs:screenshots: ${stale.join('; ')}`);
  });

  it('quotes every command of the bot\'s help card', () => {
    const quoted = new Set(typedCommands(guide).map((command) => command.toLowerCase()));
    const absent = COMMAND_HELP.map((entry) => entry.command).filter((command) => !quoted.has(command.toLowerCase()));
    assert.deepEqual(absent, [], `docs/guide.md does not show these commands as <kbd>...</kbd>: ${absent.join(', ')}`);
  });

  it('links the guide and lists every help-card command in README\'s "Using it"', () => {
    const readme = readFileSync(README, 'utf8');
    const section = readme.split(/^## /m).find((part) => part.startsWith('Using it')) ?? '';
    assert.match(section, /\]\(docs\/guide\.md\)/, 'README\'s "Using it" links docs/guide.md');
    const listed = new Set(readmeCommands(readme).map((command) => command.toLowerCase()));
    const absent = COMMAND_HELP.map((entry) => entry.command).filter((command) => !listed.has(command.toLowerCase()));
    assert.deepEqual(absent, [], `README's command table does not list: ${absent.join(', ')}`);
  });

  describe('commands, asked of the real command matchers', () => {
    it('tells a made-up command from a real one (the check itself works)', async () => {
      assert.equal(await howTheBotTakes('fetch me a coffee'), 'unrecognised');
      assert.equal(await howTheBotTakes('my cases'), 'command');
      assert.equal(await howTheBotTakes('Help!'), 'help');
    });

    it('knows every command the guide and the README tell people to type', async () => {
      const commands = [...new Set([...typedCommands(guide), ...readmeCommands(readFileSync(README, 'utf8'))])];
      assert.ok(commands.length >= COMMAND_HELP.length, 'the guide quotes the commands');
      const unknown: string[] = [];
      for (const command of commands) if (await howTheBotTakes(command) === 'unrecognised') unknown.push(command);
      assert.deepEqual(unknown, [], `The bot has no command for these, quoted in docs/guide.md or README.md: ${unknown.join(', ')}`);
    });
  });
});
