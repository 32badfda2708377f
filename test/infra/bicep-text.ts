/**
 * Just enough Bicep reading for the template tests, without a Bicep compiler (none is published on the
 * npm registry or in Debian): comments stripped, top-level declarations split at column 0 (as the Bicep
 * formatter lays them out), brackets matched with strings and interpolations skipped.
 */

export interface BicepParam {
  readonly name: string;
  readonly type: string;
  /** The default value's text, if any. */
  readonly defaultValue?: string;
  /** Values of an @allowed([...]) decorator, unquoted. */
  readonly allowed?: readonly string[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly maxLength?: number;
}

export interface BicepResource {
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  /** Everything after `=`, up to the next top-level declaration. */
  readonly body: string;
}

export interface BicepTemplate {
  readonly text: string;
  readonly params: ReadonlyMap<string, BicepParam>;
  readonly vars: ReadonlyMap<string, string>;
  readonly resources: readonly BicepResource[];
  readonly outputs: ReadonlyMap<string, { readonly type: string; readonly value: string }>;
}

const TOP_LEVEL = /^(?:@|param\s|var\s|resource\s|output\s|module\s|targetScope\b|type\s|func\s|metadata\s|import\s)/;

/** Removes // and /* *\/ comments outside strings. */
export function stripComments(source: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += source[++i] ?? '';
      else if (ch === "'") inString = false;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end - 1;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    if (ch === "'") inString = true;
    out += ch;
  }
  return out;
}

/** The balanced `{...}`, `[...]` or `(...)` that opens at `open`, skipping strings and `${...}` interpolations. */
export function blockAt(text: string, open: number): string {
  const closers: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const first = text[open];
  if (!first || !(first in closers)) throw new Error(`no bracket at ${open}: "${text.slice(open, open + 20)}"`);
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    const top = stack[stack.length - 1];
    if (top === "'") {
      if (ch === '\\') i++;
      else if (ch === "'") stack.pop();
      else if (ch === '$' && text[i + 1] === '{') {
        stack.push('interpolation');
        i++;
      }
      continue;
    }
    if (ch === "'") stack.push("'");
    else if (ch in closers) stack.push(closers[ch]!);
    else if (ch === '}' && top === 'interpolation') stack.pop();
    else if (ch === top) {
      stack.pop();
      if (stack.length === 0) return text.slice(open, i + 1);
    }
  }
  throw new Error(`unbalanced bracket at ${open}: "${text.slice(open, open + 40)}"`);
}

/** The `{...}` objects directly inside an array's text `[...]`. */
export function objectsIn(arrayText: string): string[] {
  const objects: string[] = [];
  for (let i = 1; i < arrayText.length - 1; i++) {
    const ch = arrayText[i];
    if (ch === "'") {
      // Skip a string at the array's own level.
      i = skipString(arrayText, i);
    } else if (ch === '{' || ch === '[' || ch === '(') {
      const block = blockAt(arrayText, i);
      if (ch === '{') objects.push(block);
      i += block.length - 1;
    }
  }
  return objects;
}

function skipString(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === "'") return i;
  }
  return text.length;
}

/** The single-quoted strings in `text`, unquoted. */
export function quotedStrings(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((match) => match[1]!);
}

/** Splits the template into its top-level declarations. */
export function parseBicep(source: string): BicepTemplate {
  const text = stripComments(source);
  const lines = text.split('\n');
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (TOP_LEVEL.test(line) && current.length > 0) {
      statements.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) statements.push(current.join('\n'));

  const params = new Map<string, BicepParam>();
  const vars = new Map<string, string>();
  const resources: BicepResource[] = [];
  const outputs = new Map<string, { type: string; value: string }>();
  for (const statement of joinDecorators(statements)) {
    const body = statement.replace(/^(?:@[\s\S]*?\n)*(?=(?:param|var|resource|output|module)\s)/, '');
    const decorators = statement.slice(0, statement.length - body.length);
    let match: RegExpMatchArray | null;
    if ((match = body.match(/^param\s+(\w+)\s+(\w+)(?:[ \t]*=[ \t]*([\s\S]+?))?\s*$/))) {
      const allowed = decorators.match(/@allowed\(\s*(\[[\s\S]*?\])\s*\)/);
      params.set(match[1]!, {
        name: match[1]!,
        type: match[2]!,
        ...(match[3] !== undefined ? { defaultValue: match[3].trim() } : {}),
        ...(allowed ? { allowed: quotedStrings(allowed[1]!) } : {}),
        ...numberDecorator(decorators, 'minValue'),
        ...numberDecorator(decorators, 'maxValue'),
        ...numberDecorator(decorators, 'maxLength'),
      });
    } else if ((match = body.match(/^var\s+(\w+)\s*=\s*([\s\S]*?)\s*$/))) {
      vars.set(match[1]!, match[2]!);
    } else if ((match = body.match(/^resource\s+(\w+)\s+'([^'@]+)@([^']+)'(?:\s+existing)?\s*=\s*([\s\S]*?)\s*$/))) {
      resources.push({ symbol: match[1]!, type: match[2]!, apiVersion: match[3]!, body: match[4]! });
    } else if ((match = body.match(/^output\s+(\w+)\s+(\w+)\s*=\s*([\s\S]*?)\s*$/))) {
      outputs.set(match[1]!, { type: match[2]!, value: match[3]! });
    }
  }
  return { text, params, vars, resources, outputs };
}

/** Decorator lines are their own "statements" after the split: attach them to the declaration below. */
function joinDecorators(statements: readonly string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const statement of statements) {
    if (statement.startsWith('@')) {
      pending += `${statement}\n`;
      continue;
    }
    joined.push(pending + statement);
    pending = '';
  }
  return joined;
}

function numberDecorator(decorators: string, name: 'minValue' | 'maxValue' | 'maxLength'): Partial<Record<typeof name, number>> {
  const match = decorators.match(new RegExp(`@${name}\\(\\s*(-?\\d+)\\s*\\)`));
  return match ? { [name]: Number(match[1]) } : {};
}

/** `name: value` of a property in an object's text (the first one, at any depth), or undefined. */
export function property(objectText: string, name: string): string | undefined {
  const match = objectText.match(new RegExp(`(?:^|[\\s{])${name}:\\s*([^\\n]+)`));
  return match?.[1]?.trim();
}

/** The resources of one type. */
export function resourcesOfType(template: BicepTemplate, type: string): BicepResource[] {
  return template.resources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

/** The one resource of a type; throws if there is none or several. */
export function onlyResource(template: BicepTemplate, type: string): BicepResource {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/**
 * The Web App's app settings, name -> value expression: an inline array, or `concat(...)` / a variable
 * naming arrays declared with `var` (each may be `cond ? [] : [...]`).
 */
export function appSettings(template: BicepTemplate, webApp: BicepResource): Map<string, string> {
  const start = webApp.body.search(/\bappSettings:\s*/);
  if (start < 0) throw new Error(`${webApp.symbol} has no appSettings`);
  const after = webApp.body.slice(start).replace(/^appSettings:\s*/, '');
  const expression = after.startsWith('[') ? blockAt(after, 0) : after.split('\n')[0]!;
  const arrays: string[] = [];
  const collect = (text: string, seen: Set<string>) => {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "'") {
        i = skipString(text, i);
      } else if (text[i] === '[') {
        const block = blockAt(text, i);
        arrays.push(block);
        i += block.length - 1;
      }
    }
    for (const identifier of text.replace(/'(?:[^'\\]|\\.)*'/g, "''").match(/\b[A-Za-z_]\w*\b/g) ?? []) {
      const value = template.vars.get(identifier);
      if (value !== undefined && !seen.has(identifier)) {
        seen.add(identifier);
        collect(value, seen);
      }
    }
  };
  collect(expression, new Set());
  const settings = new Map<string, string>();
  for (const array of arrays) {
    for (const object of objectsIn(array)) {
      const name = property(object, 'name');
      const value = property(object, 'value');
      if (name === undefined || value === undefined) continue;
      const unquoted = name.match(/^'([^']*)'$/)?.[1];
      if (unquoted === undefined) throw new Error(`app setting name is not a literal: ${name}`);
      if (settings.has(unquoted)) throw new Error(`app setting ${unquoted} is set twice`);
      settings.set(unquoted, value);
    }
  }
  return settings;
}
