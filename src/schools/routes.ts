import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import {
  ChangeSchoolStatusBody,
  CreateSchoolBody,
  ListQuery,
  School,
  SchoolDirectoryEntry,
  SchoolDirectoryQuery,
  SchoolListQuery,
  SchoolStatusEvent,
} from './schemas.js';
import {
  changeSchoolStatus,
  listSchoolsFor,
  registerSchool,
  schoolDirectory,
  schoolVisibleTo,
  statusHistoryOf,
} from './service.js';
import { schoolDirectoryView, schoolEventView, schoolView } from './views.js';

const tags = ['schools'];

export const schoolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/schools',
    {
      schema: {
        tags,
        summary: 'Register a school (admin); it starts pending',
        description: 'A `wdoms_id` that is already registered is `409 school_exists`.',
        body: CreateSchoolBody,
        response: { 201: School },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, 'admin');
      const school = await registerSchool(app.db, request.body, caller.sub);
      return reply.status(201).send(schoolView(school));
    },
  );

  app.get(
    '/schools',
    {
      schema: {
        tags,
        summary: 'List schools: every school for an admin, only itself for a school',
        description: [
          "Oldest first, cursor-paged. `status` lists only the schools with that status (an operator's",
          '`?status=pending` is the schools waiting for vetting); any other value is `400 validation_failed`.',
        ].join(' '),
        querystring: SchoolListQuery,
        response: { 200: pageOf(School) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      const { status, limit, cursor } = request.query;
      const rows = await listSchoolsFor(app.db, caller, { status }, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), schoolView);
    },
  );

  app.get(
    '/schools/directory',
    {
      schema: {
        tags,
        summary:
          'The directory of active schools: search by World Directory id, name or country (any signed-in caller)',
        description: [
          'Public facts only (id, wdoms_id, name, country): no contact e-mail, and only active schools.',
          'A `q` that is a whole WDOMS id finds that school; any other text finds the schools with a word of the name',
          'starting with each word typed, ignoring case and accents. Oldest first, cursor-paged.',
          'A `q` longer than 200 characters, or with control characters, is `400 validation_failed`.',
        ].join(' '),
        querystring: SchoolDirectoryQuery,
        response: { 200: pageOf(SchoolDirectoryEntry) },
      },
    },
    async (request) => {
      callerOf(request);
      const { q, country, limit, cursor } = request.query;
      const rows = await schoolDirectory(app.db, { q, country }, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), schoolDirectoryView);
    },
  );

  app.get(
    '/schools/:id',
    {
      schema: {
        tags,
        summary: 'Read a school (admin, or the school itself)',
        params: IdParams,
        response: { 200: School },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      return schoolView(await schoolVisibleTo(app.db, caller, request.params.id));
    },
  );

  app.patch(
    '/schools/:id',
    {
      schema: {
        tags,
        summary: "Change a school's status (admin)",
        description: [
          'Moves the school between `pending`, `active` and `suspended`; only an active school can submit documents.',
          'A `reason` is required to suspend. Every change is kept with who made it and when (`GET /v1/schools/{id}/events`).',
          'Asking for the status the school already has changes nothing and is `409 school_status_unchanged`.',
        ].join(' '),
        params: IdParams,
        body: ChangeSchoolStatusBody,
        response: { 200: School },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin');
      return schoolView(await changeSchoolStatus(app.db, request.params.id, request.body, caller.sub));
    },
  );

  app.get(
    '/schools/:id/events',
    {
      schema: {
        tags,
        summary: "A school's status history, oldest first (admin, or the school itself)",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: pageOf(SchoolStatusEvent) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      const { limit, cursor } = request.query;
      const rows = await statusHistoryOf(app.db, caller, request.params.id, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), schoolEventView);
    },
  );
};
