import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';
import type { GraphCredentialSettings } from './settings';

/** Gives a bearer token for Graph; tests pass their own instead of an Entra credential. */
export type GraphTokenProvider = () => Promise<string>;

/** Application permissions are asked for with the `.default` scope: whatever an administrator consented to. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** A token provider from the settings, through `@azure/identity` (which caches and refreshes the token). */
export function graphTokenProvider(settings: GraphCredentialSettings): GraphTokenProvider {
  const credential = credentialFor(settings);
  return async () => {
    const token = await credential.getToken(GRAPH_SCOPE);
    if (!token) throw new Error('Entra ID gave no token for Microsoft Graph');
    return token.token;
  };
}

function credentialFor(settings: GraphCredentialSettings): TokenCredential {
  switch (settings.kind) {
    case 'managedIdentity':
      return settings.clientId ? new ManagedIdentityCredential({ clientId: settings.clientId }) : new ManagedIdentityCredential();
    case 'clientSecret':
      return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.secret);
    case 'clientCertificate':
      return new ClientCertificateCredential(settings.tenantId, settings.clientId, settings.certificatePath);
  }
}
