import type { IncomingHttpHeaders } from 'node:http';

/** Why a request is refused before its body is read: the status, a code and a short sentence. */
export interface HttpRefusal {
  readonly status: 400 | 408 | 413 | 415;
  readonly error: string;
  readonly message: string;
}

/**
 * Refuses, from the headers alone, what the bot never reads: a compressed body (restify 11 pipes it into
 * zlib with no error listener, so a broken gzip body ends the process, and a small gzip body can inflate to
 * gigabytes: restify issues #1975 and #1785) and any body that is not JSON (restify hands multipart bodies to
 * formidable, which writes them to the temp folder). Teams and the Bot Framework send uncompressed JSON.
 */
export function headerRefusal(headers: IncomingHttpHeaders, expectsJsonBody: boolean): HttpRefusal | undefined {
  const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return { status: 415, error: 'unsupported_encoding', message: 'send the body uncompressed (Content-Encoding: identity)' };
  }
  const carriesBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  if ((expectsJsonBody || carriesBody) && !isJsonUtf8(headers['content-type'])) {
    return { status: 415, error: 'unsupported_media_type', message: 'send the body as application/json (UTF-8)' };
  }
  return undefined;
}

/** `application/json`, with no parameter but an optional UTF-8 charset (what Teams sends). */
export function isJsonUtf8(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => parameter === '' || /^charset="?utf-8"?$/.test(parameter));
}
