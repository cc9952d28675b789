import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { requireRole } from '../http/authentication.js';
import { decodeCursor, pageFrom } from '../http/cursor.js';
import { IdParams, PageQuery, pageOf } from '../http/schemas.js';
import {
  CreateWebhookBody,
  ReplayBody,
  ReplayResult,
  UpdateWebhookBody,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  WebhookEndpointWithSecretSchema,
} from './schemas.js';
import {
  changeEndpoint,
  createEndpoint,
  deliveriesOf,
  endpointOf,
  endpointsOf,
  ownerOf,
  removeEndpoint,
  replayEndpoint,
  rotateEndpointSecret,
} from './service.js';
import { deliveryView, endpointView, iso } from './views.js';

const tags = ['webhooks'];
/** Schools, programs and admins own endpoints; applicants may not use webhooks at all. */
const ownerOfRequest = (request: FastifyRequest) => ownerOf(requireRole(request, 'admin', 'school', 'program'));

const owners = '(school, program, admin; each sees only its own endpoints)';

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(WebhookEndpointSchema);
  app.addSchema(WebhookEndpointWithSecretSchema);
  app.addSchema(WebhookDeliverySchema);
  const Endpoint = Type.Ref(WebhookEndpointSchema);
  const EndpointWithSecret = Type.Ref(WebhookEndpointWithSecretSchema);
  const Delivery = Type.Ref(WebhookDeliverySchema);
  const allowPrivate = app.config.webhooks.allowPrivateNetworks;

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: `Register a webhook endpoint ${owners}`,
        description:
          'A school hears about its own documents, a program about documents released to it (from the release on), an admin about everything. ' +
          'The `secret` is shown only in this answer.',
        body: CreateWebhookBody,
        response: { 201: EndpointWithSecret },
      },
    },
    async (request, reply) => {
      const owner = ownerOfRequest(request);
      const { endpoint, secret } = await createEndpoint(app.db, owner, request.body, allowPrivate);
      return reply.status(201).send({ ...endpointView(endpoint), secret });
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: `Your webhook endpoints ${owners}`,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: pageOf(Endpoint) },
      },
    },
    async (request) => {
      const owner = ownerOfRequest(request);
      const { limit, cursor } = request.query;
      const rows = await endpointsOf(app.db, owner, { after: decodeCursor(cursor), limit });
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), endpointView);
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: `One of your webhook endpoints ${owners}`,
        params: IdParams,
        response: { 200: Endpoint },
      },
    },
    async (request) => {
      return endpointView(await endpointOf(app.db, ownerOfRequest(request), request.params.id));
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: `Change a webhook endpoint's url, events, description or status ${owners}`,
        params: IdParams,
        body: UpdateWebhookBody,
        response: { 200: Endpoint },
      },
    },
    async (request) =>
      endpointView(
        await changeEndpoint(app.db, ownerOfRequest(request), request.params.id, request.body, allowPrivate),
      ),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: `Delete a webhook endpoint and its deliveries ${owners}`,
        params: IdParams,
        response: { 204: Type.Null({ description: 'Deleted' }) },
      },
    },
    async (request, reply) => {
      await removeEndpoint(app.db, ownerOfRequest(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: `Give a webhook endpoint a new secret ${owners}`,
        description:
          'Deliveries are signed with both the new and the old secret for 24 hours, then with the new one only.',
        params: IdParams,
        response: { 200: EndpointWithSecret },
      },
    },
    async (request) => {
      const { endpoint, secret } = await rotateEndpointSecret(app.db, ownerOfRequest(request), request.params.id);
      return { ...endpointView(endpoint), secret };
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: `Deliveries to a webhook endpoint, newest first, with every attempt ${owners}`,
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: pageOf(Delivery) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = { after: decodeCursor(cursor), limit };
      const rows = await deliveriesOf(app.db, ownerOfRequest(request), request.params.id, page);
      return pageFrom(rows, limit, (row) => ({ at: row.created_at, id: row.id }), deliveryView);
    },
  );

  app.post(
    '/webhooks/:id/replay',
    {
      schema: {
        tags,
        summary: `Send again every event since a time ${owners}`,
        description:
          'Queues a new delivery of every event since `since` that this endpoint may hear and now subscribes to, oldest first, ' +
          'at most 10,000 per call; when more remain, `next_since` is the time to call again with. Each keeps its webhook-id.',
        params: IdParams,
        body: ReplayBody,
        response: { 202: ReplayResult },
      },
    },
    async (request, reply) => {
      const result = await replayEndpoint(app.db, ownerOfRequest(request), request.params.id, request.body.since);
      return reply.status(202).send({ replayed: result.replayed, next_since: iso(result.next_since) });
    },
  );
};
