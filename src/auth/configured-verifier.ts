import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { developmentIssuerKey, developmentIssuerKeys } from './development-issuer.js';
import { createTokenVerifier, issuerKeysFromFile, issuerKeysFromUrl, type TokenVerifier } from './token-verifier.js';

/** The verifier the AUTH_* settings describe: the issuer's JWKS from a file or a URL, else the development issuer. */
export async function tokenVerifierFor(config: Config, logger: Logger): Promise<TokenVerifier> {
  const { jwks } = config.auth;
  let keys;
  if (jwks.kind === 'file') keys = await issuerKeysFromFile(jwks.path);
  else if (jwks.kind === 'url') keys = issuerKeysFromUrl(jwks.url);
  else {
    logger.warn(
      { data_dir: config.dataDir },
      'AUTH_JWKS_FILE and AUTH_JWKS_URL are not set: using a development token issuer whose key is in DATA_DIR. ' +
        'Anyone with that file can mint tokens; never run like this in production. Mint tokens with `emswp token --role admin`.',
    );
    keys = developmentIssuerKeys(await developmentIssuerKey(config.dataDir));
  }
  return createTokenVerifier({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    keys,
    cacheSize: config.auth.tokenCacheSize,
  });
}
