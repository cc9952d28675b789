import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { applicantRoutes } from './applicants/routes.js';
import { tokenVerifierFor } from './auth/configured-verifier.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import type { Config } from './config.js';
import { serviceJwksRoutes } from './receipts/jwks-routes.js';
import { loadServiceKey, type ServiceKey } from './crypto/service-key.js';
import type { Database } from './db/database.js';
import { disclosureRoutes } from './disclosures/routes.js';
import { migrationsFolder } from './db/migrator.js';
import { matchWaitingDocuments, revokeSignedWithCompromisedKey } from './documents/cascades.js';
import { programDocumentRoutes } from './documents/program-routes.js';
import { documentRoutes } from './documents/routes.js';
import { actorOf } from './documents/status-changes.js';
import { healthRoutes } from './health/routes.js';
import { authentication } from './http/authentication.js';
import { closeConnectionsWhenClosing } from './http/closing.js';
import { authenticateCursors, cursorKey } from './http/cursor.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerMetrics } from './http/metrics.js';
import { parseJsonBodies } from './http/json-body.js';
import { registerOpenApi } from './http/openapi.js';
import { closeAfterEarlyAnswers, limitConnections, transportOptions } from './http/transport.js';
import { validatorCompilers } from './http/validation.js';
import { letterRoutes } from './letters/routes.js';
import { meRoutes } from './me/routes.js';
import { portalAppRoutes } from './portal/app-routes.js';
import { devOidcPath, devOidcProvider } from './portal/dev-oidc-provider.js';
import { logRoutes } from './log/routes.js';
import { loadLogKey, type LogKey } from './log/signing-key.js';
import { programRoutes } from './programs/routes.js';
import { receiptRoutes } from './receipts/routes.js';
import { releaseRoutes } from './releases/routes.js';
import { schoolKeyRoutes } from './schools/key-routes.js';
import { schoolRoutes } from './schools/routes.js';
import { packageVersion } from './version.js';
import { verificationRoutes } from './verification/routes.js';
import { webhookRoutes } from './webhooks/routes.js';

export interface AppDependencies {
  config: Config;
  db: Database;
  logger: Logger;
  /** Tests may pass their own; by default one is built from the AUTH_* settings. */
  verifier?: TokenVerifier;
  /** The service's signing key; by default loaded (or made on first start) as SERVICE_SIGNING_KEY_FILE and DATA_DIR say. */
  serviceKey?: ServiceKey;
  /** The transparency log's checkpoint key; by default loaded (or made) as LOG_SIGNING_KEY_FILE and DATA_DIR say. */
  logKey?: LogKey;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    config: Config;
    /** The service's own signing key (receipts, checkpoints), loaded once at start. */
    serviceKey: ServiceKey;
  }
}

const acceptedRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

function latestMigration(): string | undefined {
  return readdirSync(migrationsFolder)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => name.replace(/\.sql$/, ''))
    .at(-1);
}

/** The whole HTTP service, ready for listen() or inject(). */
export async function buildApp({
  config,
  db,
  logger,
  verifier,
  serviceKey,
  logKey,
}: AppDependencies): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    loggerInstance: logger,
    requestIdHeader: false,
    // A caller's id is kept when it is a plain token, so their logs and ours line up; anything else is replaced.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && acceptedRequestId.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    schemaController: { compilersFactory: validatorCompilers() },
    ...transportOptions(config.http),
  };
  const app = Fastify(options) as unknown as FastifyInstance;
  limitConnections(app.server, config.http);

  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('serviceKey', serviceKey ?? (await loadServiceKey(config, logger)));
  authenticateCursors(app, cursorKey(app.serviceKey.privateKey));
  app.decorate('logKey', logKey ?? (await loadLogKey(config, logger)));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  closeConnectionsWhenClosing(app);
  closeAfterEarlyAnswers(app);
  parseJsonBodies(app);
  await registerOpenApi(app, packageVersion);
  await app.register(authentication, { verifier: verifier ?? (await tokenVerifierFor(config, logger)) });
  app.decorate('metricsRegistry', registerMetrics(app, config.metricsToken));
  // Parsing only: each multipart route reads its parts itself, with its own limits.
  await app.register(multipart, { limits: { fileSize: config.maxDocumentBytes, files: 2, fields: 2, parts: 4 } });

  await app.register(healthRoutes, { latestMigration: latestMigration() });
  await app.register(meRoutes, { prefix: '/v1' });
  await app.register(schoolRoutes, { prefix: '/v1' });
  // The registry never imports documents: the documents rules its changes set off are wired in here,
  // and run in the registry change's own transaction.
  await app.register(schoolKeyRoutes, {
    prefix: '/v1',
    onCompromised: (trx, key, caller) =>
      revokeSignedWithCompromisedKey(trx, key.kid, key.compromised_at, actorOf(caller)),
  });
  await app.register(applicantRoutes, {
    prefix: '/v1',
    onRegistered: (trx, applicant, caller) => matchWaitingDocuments(trx, applicant, actorOf(caller)),
  });
  await app.register(programRoutes, { prefix: '/v1' });
  await app.register(serviceJwksRoutes);
  await app.register(webhookRoutes, { prefix: '/v1' });
  await app.register(documentRoutes, { prefix: '/v1' });
  await app.register(letterRoutes, { prefix: '/v1' });
  await app.register(releaseRoutes, { prefix: '/v1' });
  await app.register(programDocumentRoutes, { prefix: '/v1' });
  await app.register(disclosureRoutes, { prefix: '/v1' });
  await app.register(receiptRoutes, { prefix: '/v1' });
  await app.register(verificationRoutes, { prefix: '/v1' });
  // The portal for people (web/) and, with the development issuer only, the OpenID provider it signs in with.
  await app.register(portalAppRoutes, { config });
  if (config.auth.jwks.kind === 'development') {
    await app.register(devOidcProvider, {
      prefix: devOidcPath,
      apiIssuer: config.auth.issuer,
      audience: config.auth.audience,
      clientId: config.portal.oidcClientId,
      scopes: config.portal.oidcScopes,
      baseUrl: config.portal.baseUrl,
      dataDir: config.dataDir,
      trustProxy: config.trustProxy,
    });
  }
  await app.register(logRoutes, { prefix: '/log' });

  return app;
}
