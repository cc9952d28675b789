import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { ServiceKey } from '../crypto/service-key.js';
import type { Database } from '../db/database.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    config: Config;
    /** The service's own signing key (receipts, checkpoints), loaded once at start. */
    serviceKey: ServiceKey;
  }
  interface FastifyRequest {
    /** The verified caller; null only on public routes. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without an access token. */
    public?: boolean;
    /** For the published contract only: the parts of a multipart/form-data body, read by the handler itself. */
    multipartBody?: Record<string, unknown>;
  }
}
