import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.js';
import type { StoredJwk } from '../schools/tables.js';
import { documentEntry, keyEntry, schoolEntry } from './recorder.js';

interface BackfillRow {
  ordinal: number;
  kind: 'school' | 'key' | 'document';
  status: string;
  seq: number | null;
  reason_code: string | null;
  at: Date;
  kid: string | null;
  document_id: string | null;
  school_wdoms_id: string | null;
  school_name: string | null;
  school_country: string | null;
  key_school: string | null;
  thumbprint: string | null;
  alg: string | null;
  jwk: StoredJwk | null;
  compromised_at: Date | null;
  doc_school: string | null;
  type: string | null;
  sha256: string | null;
  size: number | null;
  key_id: string | null;
  manifest_sha256: string | null;
  signed_at: Date | null;
  supersedes: string | null;
}

const present = <T>(value: T | null, what: string): T => {
  if (value === null) throw new Error(`log backfill: ${what} is missing`);
  return value;
};

function render(row: BackfillRow): Buffer {
  if (row.kind === 'school') {
    return schoolEntry(
      {
        wdoms_id: present(row.school_wdoms_id, 'a school'),
        name: present(row.school_name, 'a school name'),
        country: present(row.school_country, 'a country'),
        status: row.status,
      },
      row.at,
    );
  }
  if (row.kind === 'key') {
    return keyEntry(
      {
        wdoms_id: present(row.key_school, "a key's school"),
        kid: present(row.kid, 'a kid'),
        thumbprint: present(row.thumbprint, 'a thumbprint'),
        alg: present(row.alg, 'an alg'),
        jwk: present(row.jwk, 'a jwk'),
        status: row.status === 'revoked' ? 'revoked' : 'active',
        compromised_at: row.compromised_at,
      },
      row.at,
    );
  }
  return documentEntry(
    {
      id: present(row.document_id, 'a document'),
      type: present(row.type, 'a type'),
      status: row.status,
      status_reason: row.reason_code,
      sha256: present(row.sha256, 'a sha256'),
      size: present(row.size, 'a size'),
      wdoms_id: present(row.doc_school, "a document's school"),
      key_id: present(row.key_id, 'a key id'),
      manifest_sha256: present(row.manifest_sha256, 'a manifest digest'),
      signed_at: present(row.signed_at, 'a signing time'),
      supersedes: row.supersedes,
      seq: present(row.seq, 'a seq'),
    },
    row.at,
  );
}

/**
 * Turns what existed before the log (queued by migration 0008, in a fixed order) into pending
 * entries, once. Runs under the sequencer's lock, so two processes starting together cannot both
 * do it; the queue is emptied in the same transaction. The entries get negative ids, so they are
 * integrated before anything written since the migration.
 */
export async function runBackfill(trx: Transaction<DB>): Promise<number> {
  const result = await sql<BackfillRow>`
    select b.ordinal, b.kind, b.status, b.seq, b.reason_code, b.at, b.kid, b.document_id,
      s.wdoms_id as school_wdoms_id, s.name as school_name, s.country as school_country,
      ks.wdoms_id as key_school, k.thumbprint, k.alg, k.jwk, k.compromised_at,
      ds.wdoms_id as doc_school, d.type, d.sha256, d.size, d.key_id, d.manifest_sha256, d.signed_at, d.supersedes
    from log_backfill b
    left join schools s on s.id = b.school_id
    left join school_keys k on k.kid = b.kid
    left join schools ks on ks.id = k.school_id
    left join documents d on d.id = b.document_id
    left join schools ds on ds.id = d.school_id
    order by b.ordinal
  `.execute(trx);
  const rows = result.rows;
  if (rows.length === 0) return 0;
  const total = rows.length;
  await sql`
    insert into log_pending (id, entry, document_id, created_at)
    select * from unnest(${rows.map((_, i) => i - total)}::bigint[], ${rows.map(render)}::bytea[],
      ${rows.map((r) => r.document_id)}::uuid[], ${rows.map((r) => r.at)}::timestamptz[])
  `.execute(trx);
  await trx.deleteFrom('log_backfill').execute();
  return total;
}
