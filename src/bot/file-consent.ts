import type { Attachment, FileUploadInfo } from 'botbuilder';

/**
 * Teams' way for a bot to hand someone a file in a 1:1 chat: a file consent card asks to save it in the
 * person's OneDrive; on "Allow" Teams sends `fileConsent/invoke` with an upload session, the bot PUTs the
 * bytes there and sends a file info card linking to the saved file. Consent cards only work in personal chats.
 */
export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

/** The upload must finish well inside the invoke's answer time (Teams retries after about 15 s). */
const UPLOAD_TIMEOUT_MS = 8000;

export interface ConsentOffer {
  readonly name: string;
  readonly description: string;
  readonly sizeInBytes: number;
  /** Sent back by Teams on "Allow", untouched and therefore untrusted: re-check everything it says. */
  readonly acceptContext: Record<string, unknown>;
}

export function fileConsentCard(offer: ConsentOffer): Attachment {
  return {
    contentType: FILE_CONSENT_CARD,
    name: offer.name,
    content: { description: offer.description, sizeInBytes: offer.sizeInBytes, acceptContext: offer.acceptContext, declineContext: {} },
  };
}

/** Links to the file Teams saved: what the person sees in the chat after the upload. */
export function fileInfoCard(uploadInfo: FileUploadInfo): Attachment {
  return {
    contentType: FILE_INFO_CARD,
    contentUrl: uploadInfo.contentUrl ?? '',
    name: uploadInfo.name ?? '',
    content: { uniqueId: uploadInfo.uniqueId, fileType: uploadInfo.fileType },
  };
}

export type UploadOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly status?: number };

/**
 * PUTs the whole file to the upload session Teams opened, in one range. The URL must be https (plain http
 * only to a loopback address, for local runs), like every other address the bot sends data to.
 */
export async function uploadConsentedFile(uploadInfo: FileUploadInfo | undefined, body: string, contentType: string): Promise<UploadOutcome> {
  const url = uploadUrl(uploadInfo?.uploadUrl);
  if (!url) return { ok: false, reason: 'no usable upload URL' };
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': contentType, 'Content-Length': String(bytes.length), 'Content-Range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
      body: bytes,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { ok: true } : { ok: false, reason: 'upload refused', status: response.status };
  } catch (error) {
    return { ok: false, reason: (error as Error).name === 'TimeoutError' ? 'upload timed out' : 'upload failed' };
  }
}

function uploadUrl(raw: unknown): URL | undefined {
  if (typeof raw !== 'string' || raw.length > 4000) return undefined;
  try {
    const url = new URL(raw);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url : undefined;
  } catch {
    return undefined;
  }
}
