import { odata } from '@azure/data-tables';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { adminRoutes } from '../../src/bot/admin-routes';
import { myCasesRoutes } from '../../src/bot/my-cases';
import { definedWorkflowRoutes } from '../support/defined-workflow-routes';
import { createCaseStore } from '../../src/store/case-store';
import { BotHarness, cardText, PEOPLE, PersonKey, TENANT } from '../support/bot-harness';
import { activityFrom, NOW, referencesIn, validForm, validReport } from '../bot/conversation-helpers';

/**
 * Hostile input (DESIGN.md, "Security" and "Known Teams pitfalls"): generated HTTP bodies, message activities
 * and card actions, thousands with `npm run fuzz`, a few hundred in `npm test`. Every answer must be a clear
 * message or a 4xx, never a 500, a hang or an apology for a crash; every card the bot sends must bind every
 * template expression, keep people's text out of markdown (TextBlock, FactSet: only TextRun shows it) and carry
 * no `javascript:` link; and afterwards every stored case must still open and a normal request still work.
 *
 * Replay: the seed is printed when anything fails. `FUZZ_SEED=<seed> FUZZ_RUNS=<n>` repeats the same inputs;
 * each generated request has its own generator (seed, index), so `FUZZ_SEED=<seed> FUZZ_ONLY=<index>` sends that
 * one alone (printing it) to a fresh bot, where a case reference it aims at may name another case or none.
 * Inputs that once found a fault are kept as fixed cases in the first test.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32)) >>> 0;
const ONLY = process.env.FUZZ_ONLY !== undefined ? Number(process.env.FUZZ_ONLY) : undefined;
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 512 * 1024;
const ALLOWED_STATUSES = [200, 400, 401, 413, 415];

/** Put at the start of every hostile string: it must never reach markdown (TextBlock, FactSet, message text). */
const MARK = 'fzmark';
/** What a template expression in people's text would turn into if it were ever evaluated. */
const EVALUATED = 'EVALUATEDBYTEMPLATE';

/* ---- A small seeded generator (mulberry32) ---- */

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** One generator per request, from the run's seed and the request's index. */
const randomFor = (index: number) => new Random((Math.imul(SEED ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);

/* ---- Hostile material ---- */

const PIECES: readonly string[] = [
  // markdown and HTML: must never become a link, a heading or markup
  '[click me](https://evil.example/phish)', '**bold** _italic_ ~~strike~~', '# Heading\n- item\n1. one', '![img](https://evil.example/x.png)',
  '<https://evil.example>', '`code` ```block```', '<script>alert(1)</script>', '<a href="javascript:alert(1)">x</a>',
  '<img src=x onerror=alert(1)>', '&lt;b&gt; &amp; &#x6a;avascript:alert(1)', '<at>Megan Bowen</at>', '[x](javascript:alert(1))', '> quote\n---',
  // template syntax: must stay text
  `\${concat('${EVALUATED.slice(0, 9)}','${EVALUATED.slice(9)}')}`, '${$root.reference}', '${title}', '${json($root)}', '${$data}', '${reference}',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}', '{{TIME(2017-02-14T06:08:39Z)}}', '$when', '${', '}', `\${if(true, concat('${EVALUATED.slice(0, 9)}', '${EVALUATED.slice(9)}'), 'x')}`,
  // links people should not get
  'javascript:alert(1)', 'JaVaScRiPt:alert(document.domain)', ' javascript:alert(1)', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)', 'https://user:pass@evil.example/', 'http://127.0.0.1:1/admin', 'file:///etc/passwd', '//evil.example/x', 'https://evil.example/\u202egnp.exe',
  // control characters, bidi, emoji, other scripts
  '\u0000\u0001\u0007\u001b[31m\u007f', '\r\n\r\n\r\n\r\n', '\u2028\u2029', '\ufeff\u200b\u200d', '\u202eevil\u202c', '\u2066isolate\u2069', '\u0085\u00a0',
  'مرحبا بالعالم', 'שלום עולם', '👩🏽‍💻🏳️‍🌈🇬🇧', '\ud83d', '\udc00x', 'Z̷̢̛a̶l̵g̴o̷', 'ｆｕｌｌｗｉｄｔｈ', 'İıŞş', '\t\v\f',
  // keys, queries, paths, references
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', "' or PartitionKey ne '' or '", "PartitionKey eq 'x'", '../../etc/passwd',
  '%00%2e%2e/', 'a/b\\c#d?e', 'AR-2026-00001', 'ainm-2026-00001 ', 'TD-2026-999999999999999999999', 'team:comms', 'system', '*',
  // numbers and words as text
  'NaN', '-0', '1e309', '9007199254740993', 'true', 'null', 'undefined', '[object Object]',
];

const WORDS = ['tenant', 'housing', 'Facebook', 'post', 'please', 'help', 'approve', 'report', 'export', 'show', 'my', 'cases'];

function hostileString(random: Random, maxChars = 2000): string {
  const parts = [MARK];
  const count = random.int(1, 4);
  for (let i = 0; i < count; i++) parts.push(random.chance(0.8) ? random.pick(PIECES) : random.pick(WORDS));
  let text = parts.join(random.pick([' ', '', '\n', '\t']));
  if (random.chance(0.05)) text += random.pick(['x', 'é', '😀', '[a](b)', '\u202e']).repeat(random.int(100, 4000));
  return text.slice(0, maxChars);
}

/** A huge string (under the body limit: the body must still arrive), multi-byte now and then. */
function hugeString(random: Random): string {
  const unit = random.pick(['A', 'é', '😀', '[x](javascript:alert(1))', '\u0000', '\\']);
  const bytesPerUnit = Buffer.byteLength(JSON.stringify(unit)) - 2;
  return MARK + unit.repeat(Math.floor(random.int(20_000, 300_000) / bytesPerUnit));
}

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '$root', '${title}', 'a'.repeat(60), '', ' ', '\u0000', 'reference'];

/** An object with own keys such as `__proto__` (set as own, enumerable properties so they are sent). */
function hostileObject(random: Random, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const count = random.int(0, 5);
  for (let i = 0; i < count; i++) {
    const key = random.chance(0.6) ? random.pick(HOSTILE_KEYS) : hostileString(random, 40);
    Object.defineProperty(object, key, { value: hostileValue(random, depth + 1), enumerable: true, configurable: true, writable: true });
  }
  return object;
}

function deeplyNested(random: Random, levels = random.int(50, 3000)): unknown {
  let value: unknown = MARK;
  for (let i = 0; i < levels; i++) value = random.chance(0.5) ? [value] : { a: value };
  return value;
}

function hostileValue(random: Random, depth = 0): unknown {
  const roll = random.float();
  if (depth > 3 || roll < 0.5) return hostileString(random);
  if (roll < 0.6) return random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1e-320]);
  if (roll < 0.65) return random.chance(0.5);
  if (roll < 0.7) return null;
  if (roll < 0.8) return Array.from({ length: random.int(0, 5) }, () => hostileValue(random, depth + 1));
  if (roll < 0.9) return hostileObject(random, depth);
  if (roll < 0.95) return hugeString(random);
  return deeplyNested(random);
}

/** A value that would pass the field's own check, with hostile text inside, so that it is stored and shown later. */
const acceptedText = (random: Random, prefix: string, max: number) => `${prefix} ${hostileString(random, max - prefix.length - 1)}`.slice(0, max);

function hostileLink(random: Random): string {
  return random.pick([
    `https://example.com/${MARK}/${encodeURIComponent(random.pick(PIECES).replace(/[\ud800-\udfff]/g, ''))}`, `https://example.com/${MARK}?q=[x](javascript:alert(1))`,
    `http://example.com/${MARK}#\${title}`, `${random.pick(PIECES)} ${MARK}`, `${MARK} javascript:alert(1)`, `https://user:pass@example.com/${MARK}`,
    `https://example.com/${MARK}/${'a'.repeat(random.int(400, 600))}`, `https://example.com/${MARK}\nhttps://example.org/${MARK}`,
  ]);
}

/** Any generated value as text (an object with an own `toString` that is not a function has no String()). */
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/* ---- The card actions of the three forms, each field hostile in turn ---- */

const PERSON_IDS = Object.values(PEOPLE).map((person) => person.id);
const people = Object.keys(PEOPLE) as PersonKey[];

type FieldGenerator = (random: Random) => unknown;

/** For each form field: a hostile value that the form would still accept (so it is stored), besides any hostile value. */
const FORM_FIELDS: Record<string, Record<string, FieldGenerator>> = {
  'accessRequest.submit': {
    businessCase: (r) => acceptedText(r, 'I answer tenants on Facebook for the housing team.', 2000),
    otherSite: (r) => hostileString(r, 60),
    sites: (r) => r.pick(['other', 'facebook,other', hostileString(r, 100)]),
    kind: (r) => r.pick(['view', 'post', hostileString(r, 20)]),
    startDate: (r) => r.pick(['', '2026-11-25', hostileString(r, 30), '2026-02-30', '9999-12-31']),
    endDate: (r) => r.pick(['', '2027-01-31', hostileString(r, 30), '0000-00-00']),
    approver: (r) => r.pick([...PERSON_IDS, hostileString(r, 100)]),
    approverSearch: (r) => r.pick(['', PEOPLE.megan.id, hostileString(r, 100)]),
    ackPolicy: (r) => r.pick(['true', true, hostileString(r, 10)]),
    ackMonitoring: (r) => r.pick(['true', true, hostileString(r, 10)]),
    formId: (r) => r.pick([randomUUID(), hostileString(r, 60), { toString: 1 }, ['a']]),
  },
  'abuseReport.submit': {
    description: (r) => acceptedText(r, 'He keeps writing to me.', 4000),
    platformOther: (r) => hostileString(r, 60),
    platform: (r) => r.pick(['other', 'facebook', hostileString(r, 20)]),
    links: hostileLink,
    category: (r) => r.pick(['threat', 'other', hostileString(r, 20)]),
    source: (r) => r.pick(['unknown', hostileString(r, 20)]),
    happenedOn: (r) => r.pick(['', '2026-11-24', hostileString(r, 30)]),
    immediateDanger: (r) => r.pick(['true', 'false', true, hostileString(r, 10)]),
    wantsSupport: (r) => r.pick(['true', 'false', hostileString(r, 10)]),
    manager: (r) => r.pick([...PERSON_IDS, hostileString(r, 100)]),
    managerSearch: (r) => r.pick(['', hostileString(r, 100)]),
    formId: (r) => r.pick([randomUUID(), hostileString(r, 60), { toString: 1 }]),
  },
  'takedown.issue': {
    explanation: (r) => acceptedText(r, 'The post names a tenant and their home.', 2000),
    platformOther: (r) => hostileString(r, 60),
    platform: (r) => r.pick(['other', 'x', hostileString(r, 20)]),
    link: hostileLink,
    clauses: (r) => r.pick(['other', 'copyright,other', hostileString(r, 100)]),
    recipient: (r) => r.pick([...PERSON_IDS, hostileString(r, 100)]),
    recipientSearch: (r) => r.pick(['', hostileString(r, 100)]),
    deadline: (r) => r.pick(['days1', 'hours4', hostileString(r, 20)]),
    formId: (r) => r.pick([randomUUID(), hostileString(r, 60), { toString: 1 }]),
  },
};
FORM_FIELDS['accessRequest.resubmit'] = FORM_FIELDS['accessRequest.submit']!;

const takedownForm = () => ({
  formId: randomUUID(), recipient: PEOPLE.alex.id, recipientSearch: '', link: 'https://www.facebook.com/alex.wilber/posts/pfbid02xyz',
  platform: 'facebook', platformOther: '', clauses: 'about_stakeholders', explanation: 'The post names a tenant and shows their front door.', deadline: 'days1',
});

const BASE_FORMS: Record<string, () => Record<string, unknown>> = {
  'accessRequest.submit': () => validForm({ startDate: '', endDate: '' }),
  'accessRequest.resubmit': () => validForm({ startDate: '', endDate: '' }),
  'abuseReport.submit': () => validReport({ happenedOn: '' }),
  'takedown.issue': takedownForm,
};

/** Who presses, for each form: someone whose press gets past the role check, so the hostile text is stored. */
const FORM_ACTORS: Record<string, readonly PersonKey[]> = {
  'accessRequest.submit': ['alex', 'stranger', 'isaiah', 'adele'],
  'accessRequest.resubmit': ['alex'],
  'abuseReport.submit': ['alex', 'stranger', 'adele'],
  'takedown.issue': ['adele', 'patti'],
};

/** Every verb the routes register (the same list the authorisation matrix covers). */
function registeredVerbs(): string[] {
  const stub = {} as never;
  const workflows = definedWorkflowRoutes();
  return [...new Set([...[...workflows, myCasesRoutes(stub, stub, workflows), adminRoutes(stub)].flatMap((routes) => Object.keys(routes.actions)), 'case.show'])];
}

const COMMANDS = [
  'request access', 'my requests', 'approvals', 'report abuse', 'my reports', 'incidents', 'export', 'export register 2026-01-01 2026-12-31 json',
  'issue takedown', 'takedowns', 'my cases', 'help', 'show', 'open', 'erase person', 'status', 'pending',
];

/* ---- What is generated ---- */

interface Generated {
  readonly kind: string;
  readonly body: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** A complete adaptiveCard/action invoke: the answer must be a 200 with a card. */
  readonly cardAction?: boolean;
  /** Its serviceUrl points nowhere: replies fail, and the bot rightly logs the failed turn. */
  readonly unreachable?: boolean;
  /** The one status the answer must have (e.g. 413 over the body limit, 415 for a compressed or non-JSON body). */
  readonly mustAnswer?: number;
}

let bot: BotHarness;
const known = new Set<string>();
const VERBS = registeredVerbs();
const reference = (random: Random): unknown => {
  const references = [...known];
  if (references.length > 0 && random.chance(0.7)) return random.pick(references);
  return random.chance(0.5) ? random.pick(['AR-2026-00001', 'AINM-2026-00001', 'TD-2026-00001', 'ar-2026-00002 ', 'TD-2026-99999']) : hostileValue(random);
};

function sender(random: Random): { id: string; name: string } {
  if (random.chance(0.85)) return PEOPLE[random.pick(people)];
  // Someone not in the directory: their name comes from Teams (from.name), so it is untrusted text too.
  return { id: random.pick([`aad-${randomUUID()}`, `${MARK}-${random.int(0, 1e6)}`, hostileString(random, 90)]), name: hostileString(random, 120) };
}

function conversationFor(random: Random, person: { id: string }): Record<string, unknown> {
  if (random.chance(0.85)) return { id: `personal-${person.id.replace(/[/%]/g, '')}`, conversationType: 'personal', tenantId: TENANT };
  return random.pick([
    { id: `19:${MARK}@thread.v2`, conversationType: 'groupChat', isGroup: true, tenantId: TENANT },
    { id: `19:${MARK}@thread.tacv2;messageid=1`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    // Not '/' or '%': the connector stand-in reads ids from its URL path (the real service would answer 404 too).
    { id: hostileString(random, 200).replace(/[/%]/g, ''), conversationType: hostileString(random, 20), tenantId: hostileString(random, 40) },
  ]);
}

function envelope(random: Random, fields: Record<string, unknown>, person = sender(random)): Record<string, unknown> {
  const activity = activityFrom(bot, person, fields);
  activity.conversation = conversationFor(random, person);
  if (random.chance(0.1)) activity.channelData = random.chance(0.5) ? { tenant: { id: hostileString(random, 40) }, ...hostileObject(random, 0) } : hostileValue(random);
  if (random.chance(0.05)) activity.entities = [{ type: 'mention', text: `<at>${hostileString(random, 60)}</at>`, mentioned: { id: '28:desk-bot', name: hostileString(random, 60) } }];
  if (random.chance(0.05)) activity.locale = hostileString(random, 40);
  return activity;
}

/** (a) Raw bodies: not JSON, not objects, broken or oversized activities. */
function rawBody(random: Random): Generated {
  const valid = () => activityFrom(bot, PEOPLE[random.pick(people)], { type: 'message', text: 'help' });
  const roll = random.int(0, 15);
  switch (roll) {
    case 0: return { kind: 'not JSON', body: random.pick(['not json', '{', '{"type":"message",', '', '\u0000', 'undefined', "{'a':1}", '[1,2', '{"a":1}}']) };
    case 1: return { kind: 'JSON, not an object', body: JSON.stringify(random.pick([1, 'message', true, null, [], [valid()], -0, 1e308])) };
    case 2: return { kind: 'random bytes', body: Buffer.from(Array.from({ length: random.int(1, 2000) }, () => random.int(0, 255))) };
    case 3: return {
      kind: 'another content type', body: random.pick(['type=message&text=help', '<activity/>', 'help', JSON.stringify(valid())]),
      contentType: random.pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/html']),
      mustAnswer: 415,
    };
    case 4: return { kind: 'over the body limit', body: JSON.stringify({ ...valid(), text: 'x'.repeat(MAX_BODY_BYTES + random.int(1, 600_000)) }), mustAnswer: 413 };
    case 5: {
      const levels = random.int(5_000, 12_000);
      return random.chance(0.5)
        ? { kind: 'deep nesting, bare', body: '['.repeat(levels) + ']'.repeat(levels) }
        : { kind: 'deep nesting, in an activity', body: JSON.stringify({ ...valid(), channelData: { tenant: { id: TENANT } } }).replace(/}$/, `,"value":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`) };
    }
    case 6: {
      // `__proto__` and friends as own keys, where the bot reads: top level, from, card data, channel data.
      const payload = '{"roles":["admin","comms","incident"],"isAdmin":true,"polluted":"yes"}';
      const body = JSON.stringify(valid());
      return {
        kind: '__proto__ keys', body: random.pick([
          body.replace(/^{/, `{"__proto__":${payload},`),
          body.replace('"from":{', `"from":{"__proto__":${payload},"constructor":{"prototype":${payload}},`),
          body.replace('"channelData":{', `"channelData":{"__proto__":${payload},"prototype":${payload},`),
          JSON.stringify({ ...valid(), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'menu.myCases', data: {} } } })
            .replace('"data":{', `"data":{"__proto__":${payload},"constructor":${payload},`),
        ]),
      };
    }
    case 7: case 8: case 9: {
      // A real activity with one field missing or of the wrong type.
      const activity: Record<string, unknown> = valid();
      const fields = ['type', 'id', 'channelId', 'serviceUrl', 'conversation', 'from', 'recipient', 'timestamp', 'text', 'channelData', 'locale', 'entities', 'attachments', 'value', 'name', 'replyToId'];
      const field = random.pick(fields);
      if (random.chance(0.3)) delete activity[field];
      else activity[field] = field === 'serviceUrl' ? random.pick([hostileString(random), 'javascript:alert(1)', 'ftp://x', 1, null, 'http://127.0.0.1:1/']) : hostileValue(random);
      if (random.chance(0.3)) {
        const inner = random.pick(['conversation', 'from', 'recipient']);
        activity[inner] = { ...(activity[inner] as object), [random.pick(['id', 'aadObjectId', 'name', 'tenantId', 'conversationType'])]: hostileValue(random) };
      }
      // Replies name the conversation and the activity in the connector's URL path; the stand-in reads them back decoded (so no '/' or '%').
      const conversation = activity.conversation as { id?: unknown } | undefined;
      if (typeof conversation?.id === 'string') conversation.id = conversation.id.replace(/[/%]/g, '');
      if (typeof activity.id === 'string') activity.id = activity.id.replace(/[/%]/g, '');
      return { kind: `activity with a bad ${field}`, body: JSON.stringify(activity), unreachable: activity.serviceUrl !== bot.connector.url };
    }
    case 10: return { kind: 'a token that is not one', body: JSON.stringify(valid()), headers: { Authorization: random.pick(['Bearer abc', 'Bearer ', 'Basic dXNlcjpwYXNz', hostileString(random, 200).replace(/[^\x20-\x7e]/g, '')]) } };
    case 11: return { kind: 'charset and BOM', body: `\ufeff${JSON.stringify(valid())}`, contentType: random.pick(['application/json; charset=utf-8', 'application/json; charset=latin1', 'application/JSON']) };
    case 13: return compressedBody(random, Buffer.from(JSON.stringify(valid())));
    case 14: return multipartBody(random, JSON.stringify(valid()));
    case 12: return { kind: 'other activity types', body: JSON.stringify(envelope(random, {
      type: random.pick(['conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'endOfConversation', 'messageUpdate', 'messageDelete', hostileString(random, 100)]),
      action: hostileValue(random), membersAdded: random.chance(0.5) ? [{ id: '28:desk-bot' }, hostileValue(random)] : hostileValue(random), name: hostileValue(random), value: hostileValue(random),
    })) };
    default: return { kind: 'other invokes', body: JSON.stringify(envelope(random, {
      type: 'invoke', name: random.pick(['fileConsent/invoke', 'composeExtension/query', 'task/fetch', 'signin/verifyState', 'adaptiveCard/action', 'actionableMessage/executeAction', hostileString(random, 60)]),
      value: random.chance(0.5) ? { action: random.pick(['accept', 'decline', hostileString(random, 20)]), context: hostileValue(random), uploadInfo: {
        uploadUrl: random.pick(['http://127.0.0.1:1/upload', 'javascript:alert(1)', 'file:///etc/passwd', `${bot.connector.url}/v3/conversations/upload/activities/1`, hostileString(random)]),
        contentUrl: random.pick(['javascript:alert(1)', `https://contoso.sharepoint.com/${MARK}`, hostileString(random)]), name: hostileString(random, 100), uniqueId: hostileValue(random),
      } } : hostileValue(random),
    }, PEOPLE[random.pick(people)])) };
  }
}

/** A body with a Content-Encoding: never inflated, always 415 (restify 11 crashed on broken gzip and inflated bombs). */
function compressedBody(random: Random, json: Buffer): Generated {
  const encoding = random.pick(['gzip', 'deflate', 'br', 'x-gzip', 'compress', 'gzip, identity', 'GZip', 'identity, gzip', hostileString(random, 30).replace(/[^\x21-\x7e]/g, '') || 'zz']);
  const body = random.pick([
    gzipSync(json), deflateSync(json), Buffer.from('not compressed at all'), gzipSync(Buffer.alloc(random.int(1, 4) * 1024 * 1024)),
    Buffer.concat([gzipSync(json).subarray(0, 20), Buffer.from(hostileString(random, 50))]),
  ]);
  return { kind: `Content-Encoding ${encoding}`, body, headers: { 'Content-Encoding': encoding }, mustAnswer: 415 };
}

/** A multipart/form-data body with files (restify 11 wrote them to the temp folder past the body limit): 415. */
function multipartBody(random: Random, json: string): Generated {
  const boundary = random.pick(['x', '----WebKitFormBoundary7MA4YWxkTrZu0gW', hostileString(random, 40).replace(/[^\w'()+,./:=?-]/g, '') || 'b']);
  const parts = Array.from({ length: random.int(1, 4) }, (_, index) => random.chance(0.5)
    ? `--${boundary}\r\nContent-Disposition: form-data; name="activity${index}"\r\nContent-Type: application/json\r\n\r\n${json}\r\n`
    : `--${boundary}\r\nContent-Disposition: form-data; name="file${index}"; filename="${hostileString(random, 30).replace(/["\r\n]/g, '')}.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'a'.repeat(random.int(0, 2 * MAX_BODY_BYTES))}\r\n`);
  return { kind: 'multipart/form-data', body: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}`, mustAnswer: 415 };
}

/** (b) Message activities with a valid envelope and hostile text, attachments or sender. */
function hostileMessage(random: Random): Generated {
  const roll = random.float();
  const text = roll < 0.35 ? hostileString(random)
    : roll < 0.75 ? `${random.pick(COMMANDS)}${random.pick([' ', '', ' ', '!'])}${random.chance(0.6) ? hostileString(random, 200) : asText(reference(random))}`
      : roll < 0.85 ? random.pick(['', ' ', '\u0000', '\n\n', hugeString(random)])
        : hostileValue(random);
  const fields: Record<string, unknown> = { type: 'message', text };
  if (random.chance(0.2)) {
    fields.attachments = Array.from({ length: random.int(1, 25) }, () => (random.chance(0.7) ? {
      contentType: random.pick(['application/vnd.microsoft.teams.file.download.info', 'image/png', 'text/html', hostileString(random, 60)]),
      name: hostileString(random, 300), contentUrl: random.chance(0.5) ? hostileLink(random) : `https://contoso.sharepoint.com/${MARK}/${random.int(0, 1e6)}.png`,
      content: random.chance(0.7) ? { downloadUrl: hostileLink(random), uniqueId: hostileValue(random), fileType: hostileValue(random) } : hostileValue(random),
    } : hostileValue(random)));
  }
  if (random.chance(0.05)) fields.value = hostileValue(random);
  return { kind: 'message', body: JSON.stringify(envelope(random, fields)) };
}

/** A form sent back with hostile text in `field` (accepted by the form, so it is stored) and now and then more. */
function hostileForm(random: Random, verb: string, field: string): { data: Record<string, unknown>; person: { id: string; name: string } } {
  const fields = FORM_FIELDS[verb]!;
  const names = Object.keys(fields);
  const form: Record<string, unknown> = BASE_FORMS[verb]!();
  form[field] = fields[field]!(random);
  if (field === 'otherSite') form.sites = 'facebook,other';
  if (field === 'platformOther') form.platform = 'other';
  for (let i = random.int(0, 2); i > 0; i--) form[random.pick(names)] = random.chance(0.5) ? fields[random.pick(names)]!(random) : hostileValue(random);
  if (verb === 'accessRequest.resubmit') form.reference = reference(random);
  const person = random.chance(0.8) ? PEOPLE[random.pick(FORM_ACTORS[verb]!)] : sender(random);
  return { data: form, person };
}

/** (c) Card actions: every verb, with hostile data. */
function hostileCardAction(random: Random, form?: { verb: string; field: string }): Generated {
  const verbRoll = random.float();
  const verb: unknown = form?.verb ?? (verbRoll < 0.9 ? random.pick(VERBS) : verbRoll < 0.95 ? hostileString(random, 80) : hostileValue(random));
  let data: unknown;
  let person: { id: string; name: string } = sender(random);
  const fields = typeof verb === 'string' ? FORM_FIELDS[verb] : undefined;
  if (form) {
    ({ data, person } = hostileForm(random, form.verb, form.field));
  } else if (fields && random.chance(0.85)) {
    ({ data, person } = hostileForm(random, verb as string, random.pick(Object.keys(fields))));
  } else if (random.chance(0.9)) {
    const base: Record<string, unknown> = {
      reference: reference(random), comment: acceptedText(random, 'Reason:', 500), note: acceptedText(random, 'Note: done.', 1000),
      outcome: random.pick(['no_further_action', 'other', hostileString(random, 40)]), deadline: random.pick(['days1', hostileString(random, 20)]),
      approver: random.pick([...PERSON_IDS, hostileString(random, 100)]),
    };
    for (let i = random.int(0, 3); i > 0; i--) base[random.pick([...Object.keys(base), ...HOSTILE_KEYS, 'approverSearch', 'formId'])] = hostileValue(random);
    data = random.chance(0.1) ? Object.assign(hostileObject(random, 0), base) : base;
  } else {
    data = hostileValue(random);
  }
  const actionRoll = form ? 0 : random.float();
  const action = actionRoll < 0.9 ? { type: 'Action.Execute', verb, data, ...(random.chance(0.05) ? { id: hostileValue(random), title: hostileValue(random) } : {}) }
    : actionRoll < 0.95 ? { type: random.pick(['Action.Submit', hostileString(random, 20)]), data } : hostileValue(random);
  const value = form || random.chance(0.97) ? { action, trigger: random.pick(['manual', 'automatic', hostileString(random, 20)]) } : hostileValue(random);
  const fieldsOf = { type: 'invoke', name: 'adaptiveCard/action', replyToId: random.chance(0.9) ? `card-${random.int(0, 1e6)}` : hostileValue(random), value };
  return { kind: `card action ${typeof verb === 'string' ? verb.slice(0, 40) : typeof verb}${form ? ` (${form.field})` : ''}`, body: JSON.stringify(envelope(random, fieldsOf, person)), cardAction: true };
}

const FORM_VERBS = Object.keys(FORM_FIELDS);

function generate(index: number): Generated {
  const random = randomFor(index);
  // Every fourth request fills in one of the forms, each field of each form hostile in turn.
  if (index % 4 === 0) {
    const verb = FORM_VERBS[(index / 4) % FORM_VERBS.length]!;
    const names = Object.keys(FORM_FIELDS[verb]!);
    return hostileCardAction(random, { verb, field: names[Math.floor(index / (4 * FORM_VERBS.length)) % names.length]! });
  }
  const roll = random.float();
  if (roll < 0.25) return rawBody(random);
  if (roll < 0.5) return hostileMessage(random);
  return hostileCardAction(random);
}

/* ---- What every card must be ---- */

const BAD_SCHEME = /^\s*(?:javascript|data|vbscript|file):/i;
const CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/** What is wrong with a card (or a message's text) the bot produced; empty when nothing is. */
function cardProblems(card: unknown, where: string): string[] {
  const problems: string[] = [];
  const say = (problem: string): void => {
    problems.push(`${where}: ${problem}`);
  };
  if (typeof card !== 'object' || card === null) return [`${where}: not a JSON object`];
  const checkUrl = (url: unknown, what: string) => {
    if (typeof url !== 'string') say(`${what} is not a string`);
    else if (BAD_SCHEME.test(url) || CREDENTIALS.test(url) || !/^https?:\/\//i.test(url.trim())) say(`${what} is not a plain http(s) link: ${url.slice(0, 80)}`);
  };
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      if (node.includes('${') && !node.includes(MARK)) say(`unbound template expression at ${path}: ${node.slice(0, 80)}`);
      if (node.includes(EVALUATED)) say(`people's text was evaluated as a template at ${path}`);
      return;
    }
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string' && element.text.includes(MARK)) say(`people's text in a TextBlock (markdown) at ${path}: ${element.text.slice(0, 80)}`);
    if (element.type === 'FactSet' && JSON.stringify(element.facts ?? '').includes(MARK)) say(`people's text in a FactSet (markdown) at ${path}`);
    if (element.type === 'Action.OpenUrl') checkUrl(element.url, `Action.OpenUrl at ${path}`);
    for (const key of ['url', 'contentUrl', 'iconUrl', 'backgroundImage']) {
      if (key in element && typeof element[key] !== 'object') checkUrl(element[key], `${key} at ${path}`);
    }
    for (const [key, value] of Object.entries(element)) walk(value, `${path}.${key}`);
  };
  walk(card, '$');
  return problems;
}

function adaptiveCardProblems(card: unknown, where: string): string[] {
  const element = card as { type?: unknown; version?: unknown } | undefined;
  const shape = element?.type === 'AdaptiveCard' && typeof element.version === 'string' ? [] : [`${where}: not an Adaptive Card`];
  return [...shape, ...cardProblems(card, where)];
}

/** Everything the bot sent to the connector since `from`: cards checked, plain text (markdown in Teams) free of people's text. */
function connectorProblems(from: number): string[] {
  return bot.connector.calls.slice(from).flatMap((call, i) => {
    const where = `connector call ${from + i} (${call.method} ${call.conversationId.slice(0, 60)})`;
    const problems: string[] = [];
    if (typeof call.body.text === 'string' && call.body.text.includes(MARK)) problems.push(`${where}: people's text in a message's text (markdown)`);
    if (typeof call.body.text === 'string' && /Something went wrong|went wrong on our side/.test(call.body.text)) problems.push(`${where}: an apology for a failed turn: ${call.body.text}`);
    for (const attachment of (call.body.attachments ?? []) as { contentType?: string; content?: unknown; contentUrl?: unknown }[]) {
      if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') problems.push(...adaptiveCardProblems(attachment.content, where));
      else problems.push(...cardProblems(attachment, where));
    }
    return problems;
  });
}

/* ---- Sending ---- */

const baseUrl = () => `http://127.0.0.1:${(bot.runtime.server.address() as AddressInfo).port}`;

async function send(generated: Generated): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl()}/api/messages`, {
    method: 'POST', body: generated.body,
    headers: { 'Content-Type': generated.contentType ?? 'application/json', ...generated.headers },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, text: await response.text() };
}

function errorLogs(from: number): string[] {
  return bot.logLines.slice(from).flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; failure?: unknown };
      return (entry.level ?? 0) >= 50 ? [`${entry.msg}: ${JSON.stringify(entry.failure ?? {}).slice(0, 300)}`] : [];
    } catch {
      return [];
    }
  });
}

/** Sends one generated request and says what went wrong, if anything. */
async function probe(index: number): Promise<string[]> {
  const generated = generate(index);
  const where = `#${index} ${generated.kind}`;
  if (ONLY !== undefined) console.log(`${where}, ${generated.contentType ?? 'application/json'}:\n${String(generated.body).slice(0, 3000)}`);
  return check(generated, where, generated.mustAnswer);
}

/** Sends a request and says what went wrong, if anything (`expected`: the one status it must get). */
async function check(generated: Generated, where: string, expected?: number): Promise<string[]> {
  const logsFrom = bot.logLines.length;
  const callsFrom = bot.connector.calls.length;
  const problems: string[] = [];
  let answer: { status: number; text: string };
  try {
    answer = await send(generated);
  } catch (error) {
    return [`${where}: no answer (${(error as Error).name}: ${(error as Error).message})`];
  }
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  if (expected !== undefined && answer.status !== expected) problems.push(`${where}: HTTP ${answer.status}, not ${expected}: ${answer.text.slice(0, 200)}`);
  if (!ALLOWED_STATUSES.includes(answer.status)) problems.push(`${where}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  if (/\n\s+at .+\(|node_modules|\.ts:\d+/.test(answer.text)) problems.push(`${where}: the answer shows a stack trace`);
  if (generated.cardAction && answer.status === 200) {
    let body: { statusCode?: unknown; type?: unknown; value?: unknown } | undefined;
    try {
      body = JSON.parse(answer.text) as typeof body;
    } catch {
      problems.push(`${where}: the invoke answer is not JSON: ${answer.text.slice(0, 100)}`);
    }
    if (body) {
      if (body.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') problems.push(`${where}: not a card answer: ${answer.text.slice(0, 200)}`);
      problems.push(...adaptiveCardProblems(body.value, `${where} answer`));
      if (/Something went wrong/.test(cardText(body.value))) problems.push(`${where}: the turn failed: ${cardText(body.value).slice(0, 200)}`);
      for (const ref of referencesIn(body.value)) known.add(ref);
    }
  }
  await bot.idle();
  problems.push(...connectorProblems(callsFrom).map((problem) => `${where}: ${problem}`));
  if (!generated.unreachable) problems.push(...errorLogs(logsFrom).map((line) => `${where}: error logged: ${line}`));
  const health = await fetch(`${baseUrl()}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then((r) => r.status, () => 0);
  if (health !== 200) problems.push(`${where}: /healthz answered ${health}`);
  return problems;
}

const statuses = new Map<number, number>();

const UNCLEAN = /[\u0000-\u0008\u000B-\u001F\u007F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsIn);
}

const replay = () => `replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`;

describe(`hostile input: ${RUNS} generated requests (seed ${SEED})`, function () {
  this.timeout(Math.max(120_000, RUNS * 2_000));
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  before(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of people) await bot.install(person);
    // A case of each workflow to aim at, besides the ones the run opens itself.
    for (const [person, verb, data] of [
      ['alex', 'accessRequest.submit', validForm({ startDate: '', endDate: '' })], ['alex', 'abuseReport.submit', validReport()], ['adele', 'takedown.issue', takedownForm()],
    ] as const) {
      const { card } = await bot.click(person, verb, data);
      for (const ref of referencesIn(card)) known.add(ref);
    }
    await bot.idle();
  });
  after(async () => bot?.stop());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`\n  fuzz seed ${SEED}: ${replay()}\n`);
  });

  it('handles the inputs earlier runs found faults with', async () => {
    const ar = [...known].find((ref) => ref.startsWith('AR-'))!;
    const ainm = [...known].find((ref) => ref.startsWith('AINM-'))!;
    const as = (person: PersonKey, fields: Record<string, unknown>) => activityFrom(bot, PEOPLE[person], fields);
    const press = (person: PersonKey, verb: string, data: unknown, extra: Record<string, unknown> = {}) =>
      as(person, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' }, ...extra });
    const invalidForm = { ...validForm({ businessCase: `${MARK} too short` }) };
    const found: [string, unknown, number, boolean?][] = [
      // A form shown again with errors: a token that has no String() (own `toString: 1`), and no token at all (was `${formId}` unbound).
      ['formId with no String()', press('alex', 'accessRequest.submit', { ...invalidForm, formId: { toString: 1 } }), 200, true],
      ['no formId', press('alex', 'accessRequest.submit', { ...invalidForm, formId: undefined }), 200, true],
      ['no formId (report)', press('alex', 'abuseReport.submit', { ...validReport({ description: 'x' }), formId: '' }), 200, true],
      ['no formId (takedown)', press('adele', 'takedown.issue', { ...takedownForm(), explanation: 'x', formId: [] }), 200, true],
      ['sites as a list of objects with no String()', press('alex', 'accessRequest.submit', { ...invalidForm, sites: [[{ toString: 'x' }], 'other'] }), 200, true],
      // A reference to another workflow's case: "can't find" (it crashed half-way through the other workflow's rules).
      ['takedown verb on an access request', press('adele', 'takedown.withdraw', { reference: ar, note: '' }), 200, true],
      ['access-request verb on a report', press('alex', 'accessRequest.withdraw', { reference: ainm }), 200, true],
      ['report verb on an access request', press('isaiah', 'abuseReport.addNote', { reference: ar, note: `${MARK} a note` }), 200, true],
      // Text fields of the wrong type, and a mention the text cannot lose: refused at the door.
      ['text not text', as('alex', { type: 'message', text: 42 }), 400],
      ['text an object', as('alex', { type: 'message', text: { toString: 1 } }), 400],
      ['mention with no text', as('alex', { type: 'message', text: null, entities: [{ type: 'mention', text: '<at>Desk</at>', mentioned: { id: '28:desk-bot' } }] }), 400],
      ['mention with no one mentioned', as('alex', { type: 'message', text: 'help', entities: [{ type: 'mention', text: '<at>Desk</at>' }] }), 400],
      ['attachments not a list', as('alex', { type: 'message', text: 'help', attachments: 'file' }), 400],
      ['entities not a list', as('alex', { type: 'message', text: 'help', entities: null }), 400],
      ['activity id too long', as('alex', { type: 'message', text: 'help', id: 'x'.repeat(100_000) }), 400],
      ['conversation id not ASCII', { ...as('alex', { type: 'message', text: 'help' }), conversation: { id: 'personal-😀\u0000', conversationType: 'personal', tenantId: TENANT } }, 400],
      ['replyToId with a line separator', press('megan', 'case.show', { reference: ar }, { replyToId: 'card\u2028x' }), 400],
      // Ids a table refuses as keys (or no text at all): nobody, answered without a failed turn.
      ['from id with a slash', { ...as('alex', { type: 'message', text: 'my cases' }), from: { id: '29:a/b#c', aadObjectId: 'a/b#c', name: 'Someone' } }, 200],
      ['from id half a surrogate pair', { ...press('alex', 'menu.myCases', {}), from: { id: '29:x\ud83d', aadObjectId: 'x\ud83d', name: 'Someone' } }, 200, true],
      ['from id a number', { ...press('alex', 'menu.myCases', {}), from: { id: 12345, aadObjectId: 12345 } }, 400],
      // People's text with a line separator is stored cleaned (an Azurite transaction holding one fails, and stays failing).
      ['a reason with line separators', press('megan', 'accessRequest.reject', { reference: ar, comment: `${MARK} not\u2028needed\u2029now` }), 200, true],
      // An invoke nothing handles: 200, not botbuilder's 501.
      ['unknown invoke', as('alex', { type: 'invoke', name: 'composeExtension/query', value: {} }), 200],
      ['file consent with no known action', as('isaiah', { type: 'invoke', name: 'fileConsent/invoke', value: { action: 'maybe', context: {} } }), 200],
      // The id an administrator typed is shown as plain text, never in a (markdown) TextBlock.
      ['erase preview', as('patti', { type: 'message', text: `erase person ${MARK}_x_` }), 200],
    ];
    const problems: string[] = [];
    for (const [what, activity, status, cardAction] of found) {
      problems.push(...await check({ kind: what, body: JSON.stringify(activity), cardAction: cardAction ?? false }, what, status));
    }
    assert.deepEqual(problems, []);
    const rejected = await createCaseStore(bot.tables.cases).load<{ state: string; history: { comment?: string }[] }>(ar);
    assert.equal(rejected?.snapshot.state, 'rejected', 'the reason with line separators was stored');
    assert.equal(rejected?.snapshot.history.at(-1)?.comment, `${MARK} not\nneeded\nnow`);
  });

  it('answers every generated request with a clear message or a 4xx, and every card is safe', async () => {
    const problems: string[] = [];
    const indexes = ONLY !== undefined ? [ONLY] : Array.from({ length: RUNS }, (_, i) => i);
    for (const index of indexes) {
      problems.push(...await probe(index));
      if (problems.length >= 25) break;
    }
    console.log(`      ${indexes.length} requests, seed ${SEED}; HTTP ${[...statuses].sort().map(([status, n]) => `${status}: ${n}`).join(', ')}; ${known.size} cases seen`);
    assert.deepEqual(problems, [], `${problems.length} problem(s); ${replay()}\n${problems.join('\n')}`);
  });

  it('leaves Object.prototype as it was', () => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).roles, undefined);
  });

  it('stores only snapshots that parse, and every stored case still opens for someone who may see it', async () => {
    const callsFrom = bot.connector.calls.length;
    let count = 0;
    let hostile = 0;
    for await (const row of bot.tables.cases.listEntities<{ body: string }>({ queryOptions: { filter: odata`RowKey eq 'case'` } })) {
      count++;
      if (row.body.includes(MARK)) hostile++;
      const ref = row.partitionKey as string;
      const snapshot = JSON.parse(row.body) as { reference?: unknown; state?: unknown };
      assert.equal(snapshot.reference, ref, `${ref} parses and names itself`);
      assert.equal(typeof snapshot.state, 'string', `${ref} has a state`);
      // People's text is stored cleaned (domain/free-text.ts): no control, bidi-override or line-separator characters.
      const dirty = stringsIn(snapshot).find((text) => UNCLEAN.test(text));
      assert.equal(dirty, undefined, `${ref} stores uncleaned text; ${replay()}`);
      // Patti is in the Communications Team and an administrator: she may see every case of every workflow.
      const { card } = await bot.click('patti', 'case.show', { reference: ref });
      assert.ok(cardText(card).includes(ref), `${ref} opens: ${cardText(card).slice(0, 200)}`);
      assert.deepEqual(adaptiveCardProblems(card, ref), [], replay());
      for (const person of ['alex', 'isaiah', 'megan'] as const) {
        const again = await bot.click(person, 'case.show', { reference: ref });
        assert.deepEqual(adaptiveCardProblems(again.card, `${ref} as ${person}`), [], replay());
        assert.doesNotMatch(cardText(again.card), /Something went wrong/, `${ref} as ${person}`);
      }
    }
    assert.ok(count >= 3, 'the cases opened before the run are there');
    // The run is only worth something if hostile text got past the forms into stored cases, to be shown again above.
    if (RUNS >= 200 && ONLY === undefined) assert.ok(hostile > 0, `no stored case holds generated text (${count} cases)`);
    for (const person of people) {
      for (const command of ['my cases', 'my requests', 'approvals', 'my reports', 'takedowns', 'incidents']) {
        const answer = await bot.say(person, command);
        assert.equal(answer.status, 200, `${person}: ${command}`);
      }
    }
    await bot.idle();
    assert.deepEqual(connectorProblems(callsFrom), [], replay());
  });

  it('still takes a normal request from start to approval', async () => {
    const { card: sent } = await bot.click('alex', 'accessRequest.submit', validForm({ startDate: '', endDate: '' }));
    const ref = referencesIn(sent).find((candidate) => candidate.startsWith('AR-'));
    assert.ok(ref, `a new request: ${cardText(sent)}`);
    await bot.idle();
    const { card: approved } = await bot.click('megan', 'accessRequest.approve', { reference: ref, comment: '' });
    assert.match(cardText(approved), /You approved this request/);
    assert.match(cardText(approved), /Active/);
    await bot.idle();
    assert.equal((await bot.get('/healthz')).status, 200);
  });
});
