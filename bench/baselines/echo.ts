import { startBaseline } from './baseline';

/** Baseline (a): a bare teams-ai bot that echoes a card, no storage. */
startBaseline('echo', async () => undefined);
