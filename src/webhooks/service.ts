import type { Kysely } from 'kysely';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { checkEndpointUrl } from './endpoint-url.js';
import * as repository from './repository.js';
import type { DeliveryListRow, Owner } from './repository.js';
import { newSecret } from './signature.js';
import type { EndpointStatus, WebhookEndpointRow, WebhookEventType } from './tables.js';

/** Each delivery is one row per endpoint, so endpoints per owner are capped to keep fan-out bounded. */
export const maxEndpointsPerOwner = 20;
/** Events one replay call queues; the answer says where to continue. */
export const maxReplayEvents = 10_000;

export type WebhookCaller = PrincipalOf<'admin' | 'school' | 'program'>;

export function ownerOf(caller: WebhookCaller): Owner {
  if (caller.role === 'school') return { role: 'school', id: caller.school_id };
  if (caller.role === 'program') return { role: 'program', id: caller.program_id };
  return { role: 'admin', id: null };
}

export interface NewEndpoint {
  url: string;
  events: WebhookEventType[];
  description?: string;
}

/** Registers an endpoint; its secret is returned here and by rotateEndpointSecret only. */
export async function createEndpoint(
  db: Kysely<DB>,
  owner: Owner,
  input: NewEndpoint,
  allowPrivateNetworks: boolean,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const url = checkEndpointUrl(input.url, allowPrivateNetworks);
  const secret = newSecret();
  const endpoint = await db.transaction().execute(async (trx) => {
    await repository.lockOwner(trx, owner);
    if ((await repository.countEndpoints(trx, owner)) >= maxEndpointsPerOwner) {
      throw problem(
        'webhook_limit_reached',
        `At most ${maxEndpointsPerOwner} webhook endpoints per owner; delete one first.`,
      );
    }
    return repository.insertEndpoint(trx, owner, {
      url,
      events: input.events,
      description: input.description ?? null,
      secret,
    });
  });
  return { endpoint, secret };
}

export interface EndpointChanges {
  url?: string;
  events?: WebhookEventType[];
  description?: string | null;
  status?: EndpointStatus;
}

/**
 * Changes an endpoint. Enabling it (again) clears why it was disabled and its failure clock, so
 * an endpoint disabled after 5 days of failures gets a fresh 5 days.
 */
export async function changeEndpoint(
  db: Kysely<DB>,
  owner: Owner,
  id: string,
  changes: EndpointChanges,
  allowPrivateNetworks: boolean,
): Promise<WebhookEndpointRow> {
  const status =
    changes.status === 'enabled'
      ? { status: 'enabled' as const, disabled_reason: null, failing_since: null }
      : changes.status === 'disabled'
        ? { status: 'disabled' as const, disabled_reason: 'owner' as const }
        : {};
  const updated = await db.transaction().execute(async (trx) => {
    const current = await repository.findEndpoint(trx, owner, id, { lock: true });
    if (!current) return undefined;
    // Setting the status it already has changes nothing (a disabled one keeps its reason).
    const statusChange = changes.status === current.status ? {} : status;
    const values = {
      ...(changes.url === undefined ? {} : { url: checkEndpointUrl(changes.url, allowPrivateNetworks) }),
      ...(changes.events === undefined ? {} : { events: changes.events }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...statusChange,
    };
    return Object.keys(values).length === 0 ? current : repository.updateEndpoint(trx, owner, id, values);
  });
  if (!updated) throw notFound('webhook endpoint');
  return updated;
}

export async function rotateEndpointSecret(
  db: Kysely<DB>,
  owner: Owner,
  id: string,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = newSecret();
  const endpoint = await repository.rotateSecret(db, owner, id, secret);
  if (!endpoint) throw notFound('webhook endpoint');
  return { endpoint, secret };
}

/** Queues again every event since `since` (RFC 3339) that the endpoint may hear and subscribes to. */
export async function replayEndpoint(
  db: Kysely<DB>,
  owner: Owner,
  id: string,
  sinceText: string,
): Promise<{ replayed: number; next_since: Date | null }> {
  const since = new Date(sinceText);
  if (Number.isNaN(since.getTime())) throw problem('validation_failed', 'since is not a valid time.');
  return db.transaction().execute(async (trx) => {
    const endpoint = await repository.findEndpoint(trx, owner, id);
    if (!endpoint) throw notFound('webhook endpoint');
    if (endpoint.status !== 'enabled')
      throw problem('webhook_disabled', 'A disabled endpoint receives nothing; enable it with PATCH, then replay.');
    return repository.replayEvents(trx, endpoint, since, maxReplayEvents);
  });
}

/** The owner's endpoints; another owner's are never listed. */
export async function endpointsOf(db: Executor, owner: Owner, { after, limit }: PageRequest) {
  return repository.listEndpoints(db, owner, limit, after);
}

/** One of the owner's endpoints; another owner's answers as if it did not exist. */
export async function endpointOf(db: Executor, owner: Owner, id: string): Promise<WebhookEndpointRow> {
  const endpoint = await repository.findEndpoint(db, owner, id);
  if (!endpoint) throw notFound('webhook endpoint');
  return endpoint;
}

/** Deletes one of the owner's endpoints and its deliveries. */
export async function removeEndpoint(db: Executor, owner: Owner, id: string): Promise<void> {
  if (!(await repository.deleteEndpoint(db, owner, id))) throw notFound('webhook endpoint');
}

/** Deliveries to one of the owner's endpoints, newest first. */
export async function deliveriesOf(
  db: Executor,
  owner: Owner,
  id: string,
  { after, limit }: PageRequest,
): Promise<DeliveryListRow[]> {
  const endpoint = await endpointOf(db, owner, id);
  return repository.listDeliveries(db, endpoint.id, limit, after);
}
