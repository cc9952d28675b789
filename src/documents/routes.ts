import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { reprDigest } from '../crypto/digest.js';
import { callerOf, requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, pageOf } from '../http/schemas.js';
import { downloadDocument, visibleDocument } from './access.js';
import { documentHistory, listApplicantDocuments, listDocumentsFor } from './lists.js';
import { readSubmissionParts } from './multipart.js';
import { revokeDocument, reviewDocument } from './decisions.js';
import {
  DocumentEventSchema,
  IdentityCheckSchema,
  DocumentListQuery,
  DocumentRef,
  DocumentSchema,
  ReviewBody,
  RevokeBody,
  SubmissionParts,
} from './schemas.js';
import { receiveSubmission } from './submission.js';
import { identityCheck } from './identity-check.js';
import { documentEventView, documentView, identityCheckView } from './views.js';

const tags = ['documents'];

/** A server-made name: nothing from the manifest reaches the header but checked characters. */
const downloadName = (doc: { type: string; ecfmg_id: string; id: string }) =>
  `${doc.type}-${doc.ecfmg_id}-${doc.id.slice(0, 8)}.pdf`;

export const documentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(DocumentSchema);

  app.post(
    '/documents',
    {
      schema: {
        tags,
        summary: 'Submit a signed document (school)',
        description:
          'multipart/form-data with a field `manifest` (compact JWS) and a file part `file`. 201 for a new document, 200 with the same document when the same submission (school, jti, bytes) is sent again.',
        consumes: ['multipart/form-data'],
        response: { 200: DocumentRef, 201: DocumentRef },
      },
      config: { multipartBody: SubmissionParts },
    },
    async (request, reply) => {
      const { document, created } = await receiveSubmission(app.db, {
        caller: requireRole(request, 'school'),
        readParts: () => readSubmissionParts(request, app.config.maxDocumentBytes),
        mspeReleaseAt: app.config.mspeReleaseAt,
        manifestMaxAgeSeconds: app.config.manifestMaxAgeSeconds,
      });
      return reply.status(created ? 201 : 200).send(documentView(document));
    },
  );

  app.get(
    '/documents',
    {
      schema: {
        tags,
        summary: 'List documents (a school: its own; admin: all)',
        querystring: DocumentListQuery,
        response: { 200: pageOf(DocumentRef) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'school');
      const { cursor, ...query } = request.query;
      const rows = await listDocumentsFor(app.db, caller, query, decodeCursor(cursor));
      return pageFrom(rows, query.limit, (row) => ({ at: row.updated_at, id: row.id }), documentView);
    },
  );

  app.get(
    '/documents/:id',
    {
      schema: {
        tags,
        summary: 'Read a document (the school, the applicant, a program it is released to, admin)',
        params: IdParams,
        response: { 200: DocumentRef },
      },
    },
    async (request) => documentView(await visibleDocument(app.db, callerOf(request), request.params.id)),
  );

  app.get(
    '/documents/:id/content',
    {
      schema: {
        tags,
        summary: 'Download the document bytes',
        description:
          'The bytes as received, with `Repr-Digest` (RFC 9530) holding their SHA-256. Refused with 403 `identity_unconfirmed` to an applicant while the document is not verified as theirs (`needs_review`: waiting for an operator), with 403 `letter_waived` to an applicant who waived the right to view a letter, and with 403 `embargoed` to a program before `available_at`.',
        params: IdParams,
        response: {
          200: {
            description: 'The document',
            content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
        },
      },
    },
    async (request, reply) => {
      // HEAD tells a client the size and digest, not the content: it is not a disclosure.
      const headOnly = request.method === 'HEAD';
      const { document: doc, bytes } = await downloadDocument(app.db, callerOf(request), request.params.id, headOnly);
      return reply
        .header('content-type', doc.media_type)
        .header('content-length', doc.size)
        .header('content-disposition', `attachment; filename="${downloadName(doc)}"`)
        .header('repr-digest', reprDigest(doc.sha256))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(bytes));
    },
  );

  app.get(
    '/documents/:id/events',
    {
      schema: {
        tags,
        summary: 'Status history of a document',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(DocumentEventSchema) }) },
      },
    },
    async (request) => {
      const events = await documentHistory(app.db, callerOf(request), request.params.id);
      return { items: events.map(documentEventView) };
    },
  );

  app.post(
    '/documents/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a document (the school that sent it)',
        params: IdParams,
        body: RevokeBody,
        response: { 200: DocumentRef },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'school');
      return documentView(await revokeDocument(app.db, caller, request.params.id, request.body.reason));
    },
  );

  app.get(
    '/documents/:id/identity-check',
    {
      schema: {
        tags,
        summary: "The manifest's applicant identity beside the registered applicant's (admin)",
        description:
          'What an operator compares before `POST /v1/documents/{id}/review`: the names and date of birth the school signed, and the applicant registered with that ECFMG ID (`null` when none is). Documents shown to anyone else never carry the manifest identity.',
        params: IdParams,
        response: { 200: IdentityCheckSchema },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return identityCheckView(await identityCheck(app.db, request.params.id));
    },
  );

  app.post(
    '/documents/:id/review',
    {
      schema: {
        tags,
        summary: 'Accept or reject a document whose identity did not match (admin)',
        params: IdParams,
        body: ReviewBody,
        response: { 200: DocumentRef },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin');
      return documentView(
        await reviewDocument(app.db, caller, request.params.id, request.body.decision, request.body.note),
      );
    },
  );

  app.get(
    '/applicants/:id/documents',
    {
      schema: {
        tags,
        summary: 'Every document about an applicant (admin, that applicant)',
        params: IdParams,
        querystring: Type.Omit(DocumentListQuery, ['applicant_id', 'ecfmg_id']),
        response: { 200: pageOf(DocumentRef) },
      },
    },
    async (request) => {
      const caller = requireRole(request, 'admin', 'applicant');
      const { cursor, ...query } = request.query;
      const rows = await listApplicantDocuments(app.db, caller, request.params.id, query, decodeCursor(cursor));
      return pageFrom(rows, query.limit, (row) => ({ at: row.updated_at, id: row.id }), documentView);
    },
  );
};
