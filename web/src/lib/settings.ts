/** What the service tells the portal at start: where to sign in, the largest document it takes. */
export interface PortalSettings {
  oidc: { issuer: string; client_id: string; scopes: string } | null;
  max_document_bytes: number;
}

let loaded: Promise<PortalSettings> | undefined;

export function portalSettings(): Promise<PortalSettings> {
  loaded ??= fetch('/portal-config.json').then((response) => {
    if (!response.ok) throw new Error(`The portal's settings could not be loaded (${response.status}).`);
    return response.json() as Promise<PortalSettings>;
  });
  return loaded;
}
