import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { databaseUnavailableProblem } from '../http/error-handler.js';

const Health = Type.Object({ status: Type.Literal('ok') });

export interface HealthOptions {
  /** The newest migration on disk: ready means the database has applied at least this one. */
  latestMigration: string | undefined;
}

/** Liveness (the process answers) and readiness (the database answers and is migrated). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { latestMigration }) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: { tags: ['operations'], summary: 'The database is reachable and migrated', response: { 200: Health } },
    },
    async (request) => {
      let applied: string | undefined;
      try {
        const result = await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(app.db);
        applied = result.rows[0]?.name ?? undefined;
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: database not reachable');
        throw databaseUnavailableProblem('The database is not reachable or not migrated.');
      }
      if (latestMigration !== undefined && (applied === undefined || applied < latestMigration)) {
        throw databaseUnavailableProblem(`The database is not migrated to ${latestMigration}.`);
      }
      return { status: 'ok' as const };
    },
  );
};
