/**
 * How the bot reaches Microsoft Graph (GRAPH_AUTH and friends, src/config.ts): absent means Graph is not
 * configured, and everything that needs it (the directory sync, installing the app for people) says so and does nothing.
 */
export interface GraphSettings {
  /** `https://graph.microsoft.com/v1.0` unless GRAPH_BASE_URL says otherwise (a national cloud, or a stand-in in tests). */
  readonly baseUrl: string;
  readonly credential: GraphCredentialSettings;
}

/**
 * In Azure, the app's managed identity (a user-assigned one when `clientId` is given); elsewhere an app
 * registration's client secret or certificate. The Graph application permissions and the admin consent are
 * named in README ("Directory from Entra ID") and infra/README.md.
 */
export type GraphCredentialSettings =
  | { readonly kind: 'managedIdentity'; readonly clientId?: string }
  | { readonly kind: 'clientSecret'; readonly tenantId: string; readonly clientId: string; readonly secret: string }
  | { readonly kind: 'clientCertificate'; readonly tenantId: string; readonly clientId: string; readonly certificatePath: string };

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
