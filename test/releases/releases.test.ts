import t from 'tap';
import type { DocumentView } from '../../src/documents/views.js';
import { pdf } from '../support/documents.js';
import { buildTestApp } from '../support/test-app.js';
import {
  call,
  get,
  outboxEvents,
  registerApplicant,
  release,
  releaseWorld,
  verifiedDocument,
  withdraw,
  type Release,
} from './helpers.js';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

t.test('an applicant releases a transcript to a program, which can then read it; withdrawing ends that', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const documentUrl = `/v1/documents/${transcript.document.id}`;

  t.equal((await get(ctx, program.token, documentUrl)).statusCode, 404, 'before the release the program cannot see it');

  const response = await call(ctx, applicant.token, {
    method: 'POST',
    url: `/v1/applicants/${applicant.id}/releases`,
    payload: { document_id: transcript.document.id, program_id: program.id },
  });
  t.equal(response.statusCode, 201, response.body);
  const made = response.json<Release>();
  t.match(made, {
    id: String,
    applicant_id: applicant.id,
    document_id: transcript.document.id,
    program_id: program.id,
    program: { id: program.id, acgme_id: /^\d{10}$/, name: 'Internal Medicine Residency' },
    status: 'active',
    withdrawn_at: null,
  });
  t.ok(Date.parse(made.created_at) <= Date.now());

  const read = await get(ctx, program.token, documentUrl);
  t.equal(read.statusCode, 200, 'the program reads the metadata');
  t.match(read.json(), { id: transcript.document.id, status: 'verified', ecfmg_id: applicant.ecfmg_id });
  const content = await get(ctx, program.token, `${documentUrl}/content`);
  t.equal(content.statusCode, 200, 'and downloads the content');
  t.same(content.rawPayload, transcript.file);
  t.equal((await get(ctx, program.token, `${documentUrl}/events`)).statusCode, 200, 'and its history');
  t.equal((await get(ctx, otherProgram.token, documentUrl)).statusCode, 404, 'another program still sees nothing');

  const listed = await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases`);
  t.same(listed.json(), { items: [made], next_cursor: null }, 'the applicant lists the release');
  const byAdmin = await get(ctx, await ctx.issuer.admin(), `/v1/applicants/${applicant.id}/releases`);
  t.same(byAdmin.json<Page<Release>>().items, [made], 'so does an operator');

  const withdrawn = await withdraw(ctx, applicant, made.id);
  t.equal(withdrawn.statusCode, 200);
  t.match(withdrawn.json(), { id: made.id, program: made.program, status: 'withdrawn', withdrawn_at: String });
  for (const url of [documentUrl, `${documentUrl}/content`, `${documentUrl}/receipt`, `${documentUrl}/events`]) {
    t.equal((await get(ctx, program.token, url)).statusCode, 404, `after withdrawal: ${url} is 404`);
  }
  t.same(
    (await get(ctx, program.token, `/v1/programs/${program.id}/documents`)).json(),
    { items: [], next_cursor: null },
    'and the list is empty',
  );

  const again = await withdraw(ctx, applicant, made.id);
  t.equal(again.statusCode, 200, 'withdrawing again is harmless');
  t.same(again.json(), withdrawn.json(), 'and changes nothing');

  const history = await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases`);
  t.match(
    history.json<Page<Release>>().items,
    [{ id: made.id, status: 'withdrawn' }],
    'the withdrawn release stays listed',
  );
  t.same(
    (await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases?status=active`)).json<Page<Release>>()
      .items,
    [],
  );
  t.equal(
    (await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases?status=withdrawn`)).json<Page<Release>>()
      .items.length,
    1,
  );

  const disclosures = await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/disclosures`);
  t.match(
    disclosures.json(),
    {
      items: [{ document_id: transcript.document.id, kind: 'content', program: { id: program.id } }],
      next_cursor: null,
    },
    'the download made before withdrawal stays on record',
  );

  t.test('a new release after a withdrawal gives the access back', async (t) => {
    const renewed = await release(ctx, applicant, transcript.document.id, program.id);
    t.not(renewed.id, made.id);
    t.equal((await get(ctx, program.token, documentUrl)).statusCode, 200);
  });

  t.test('webhook events: release.created and release.withdrawn, for the school and the program', async (t) => {
    const created = await outboxEvents(ctx, 'release.created');
    t.match(created[0], {
      data: {
        release_id: made.id,
        document_id: transcript.document.id,
        program_id: program.id,
        applicant_id: applicant.id,
      },
      audience_school_id: school.id,
      audience_program_ids: [program.id],
    });
    const ended = await outboxEvents(ctx, 'release.withdrawn');
    t.equal(ended.length, 1, 'one event, although the release was withdrawn twice');
    t.match(ended[0], {
      data: { release_id: made.id, program_id: program.id },
      audience_school_id: school.id,
      audience_program_ids: [program.id],
    });
  });
});

t.test('when the school replaces a released document, the release follows the replacement', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, transcript } = await releaseWorld(ctx);
  const made = await release(ctx, applicant, transcript.document.id, program.id);

  const replacement = await verifiedDocument(ctx, school, applicant, {
    supersedes: transcript.document.id,
    file: pdf('corrected transcript'),
  });
  t.equal(
    (await get(ctx, program.token, `/v1/documents/${replacement.document.id}`)).statusCode,
    200,
    'the program sees the replacement',
  );
  const content = await get(ctx, program.token, `/v1/documents/${replacement.document.id}/content`);
  t.same(content.rawPayload, replacement.file, 'and downloads its bytes');
  t.equal(
    (await get(ctx, program.token, `/v1/documents/${transcript.document.id}`)).statusCode,
    404,
    'no longer the replaced one',
  );

  const list = (await get(ctx, program.token, `/v1/programs/${program.id}/documents`)).json<Page<DocumentView>>();
  t.same(
    list.items.map((d) => d.id),
    [replacement.document.id],
  );
  t.match(list.items[0], { supersedes: transcript.document.id, status: 'verified' });

  const releases = (await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/releases`)).json<Page<Release>>();
  t.match(
    releases.items,
    [{ id: made.id, document_id: replacement.document.id, status: 'active' }],
    "the applicant's release now names the replacement",
  );
});

t.test('a program lists what was released to it, filtered and paged, and sees status changes', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const other = await registerApplicant(ctx, {
    given_name: 'Kwame',
    family_name: 'Mensah',
    date_of_birth: '1994-11-30',
  });
  const mspe = await verifiedDocument(ctx, school, applicant, { type: 'mspe' });
  const otherTranscript = await verifiedDocument(ctx, school, other);
  const notReleased = await verifiedDocument(ctx, school, applicant);
  for (const doc of [transcript, mspe]) await release(ctx, applicant, doc.document.id, program.id);
  await release(ctx, other, otherTranscript.document.id, program.id);
  await release(ctx, applicant, notReleased.document.id, otherProgram.id);

  const url = `/v1/programs/${program.id}/documents`;
  const ids = async (query = '') =>
    (await get(ctx, program.token, `${url}${query}`)).json<Page<DocumentView>>().items.map((d) => d.id);

  t.same(
    await ids(),
    [transcript.document.id, mspe.document.id, otherTranscript.document.id],
    'every released document, by (updated_at, id)',
  );
  t.same(await ids(`?applicant_id=${applicant.id}`), [transcript.document.id, mspe.document.id], 'one applicant');
  t.same(await ids(`?ecfmg_id=${other.ecfmg_id}`), [otherTranscript.document.id], 'by ECFMG ID');
  t.same(await ids('?ecfmg_id=00000000'), [], 'an ECFMG ID with no applicant');
  t.same(await ids('?type=mspe'), [mspe.document.id], 'by type');
  t.same(await ids(`?applicant_id=${applicant.id}&type=transcript`), [transcript.document.id], 'filters combine');
  const adminList = await get(ctx, await ctx.issuer.admin(), url);
  t.equal(adminList.json<Page<DocumentView>>().items.length, 3, 'an operator sees the same list');

  // Paging: one document per page, following next_cursor to the end.
  const seen: string[] = [];
  let next: string | null = '';
  while (next !== null) {
    const page: Page<DocumentView> = (
      await get(ctx, program.token, `${url}?limit=1${next ? `&cursor=${next}` : ''}`)
    ).json();
    t.ok(page.items.length <= 1);
    seen.push(...page.items.map((d) => d.id));
    next = page.next_cursor;
  }
  t.same(seen, await ids(), 'the pages together are the whole list, once each');

  const before = new Date().toISOString();
  t.same(await ids(`?updated_since=${encodeURIComponent(before)}`), [], 'nothing changed since');
  const revoked = await call(ctx, school.token, {
    method: 'POST',
    url: `/v1/documents/${transcript.document.id}/revoke`,
    payload: { reason: 'issued in error' },
  });
  t.equal(revoked.statusCode, 200);
  t.same(
    await ids(`?updated_since=${encodeURIComponent(before)}`),
    [transcript.document.id],
    'the revoked document shows up as changed',
  );
  t.same(
    await ids(),
    [mspe.document.id, otherTranscript.document.id, transcript.document.id],
    'and moves to the end of the list',
  );
  t.same(await ids('?status=revoked'), [transcript.document.id], 'with its new status');

  const beforeRelease = new Date().toISOString();
  await release(ctx, applicant, notReleased.document.id, program.id);
  t.same(
    await ids(`?updated_since=${encodeURIComponent(beforeRelease)}`),
    [notReleased.document.id],
    'an older document released since then counts as new to the program',
  );
});

t.test('an MSPE under embargo: the program sees its metadata and receipt, not its content', async (t) => {
  const ctx = await buildTestApp(t, { MSPE_RELEASE_AT: '2099-09-25T13:00:00Z' });
  const { school, applicant, program } = await releaseWorld(ctx);
  const mspe = await verifiedDocument(ctx, school, applicant, { type: 'mspe' });
  await release(ctx, applicant, mspe.document.id, program.id);

  const read = await get(ctx, program.token, `/v1/documents/${mspe.document.id}`);
  t.match(read.json(), { type: 'mspe', available_at: '2099-09-25T13:00:00.000Z' });
  const content = await get(ctx, program.token, `/v1/documents/${mspe.document.id}/content`);
  t.equal(content.statusCode, 403);
  t.equal(content.json<{ code: string }>().code, 'embargoed');
  t.equal(
    (await get(ctx, program.token, `/v1/documents/${mspe.document.id}/receipt`)).statusCode,
    200,
    'the receipt holds no content',
  );
  t.equal(
    (await get(ctx, applicant.token, `/v1/documents/${mspe.document.id}/content`)).statusCode,
    200,
    'the applicant is not embargoed',
  );

  const disclosures = (await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/disclosures`)).json<
    Page<{ kind: string }>
  >();
  t.same(
    disclosures.items.map((d) => d.kind),
    ['receipt'],
    'the refused download is not a disclosure; the receipt is',
  );
});
