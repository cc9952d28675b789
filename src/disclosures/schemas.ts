import { Type } from '@sinclair/typebox';
import { documentTypes } from '../facts/documents.js';
import { PageQuery, StringEnum, Timestamp, Uuid } from '../http/schemas.js';
import { disclosureKinds } from './tables.js';

export const DisclosureSchema = Type.Object(
  {
    id: Uuid,
    document_id: Uuid,
    document_type: StringEnum(documentTypes),
    program: Type.Object({ id: Uuid, acgme_id: Type.String(), name: Type.String() }),
    kind: StringEnum(disclosureKinds, {
      description: 'content: the program downloaded the document; receipt: it fetched a signed receipt',
    }),
    count: Type.Integer({
      minimum: 1,
      description: 'Downloads (or receipt fetches) this disclosure counts: those within 10 minutes of the first',
    }),
    created_at: Timestamp,
    last_disclosed_at: Timestamp,
  },
  { title: 'Disclosure' },
);

export const DisclosureListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
