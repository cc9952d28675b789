import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { submit } from '../support/documents.js';
import { registerApplicant, registerProgram, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import {
  allEvents,
  eventually,
  registerEndpoint,
  startDispatcher,
  startReceiver,
  type ReceivedRequest,
} from './support.js';

const verify = (secret: string, request: ReceivedRequest) =>
  new Webhook(secret).verify(
    request.body,
    Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
  ) as {
    type: string;
    data: Record<string, unknown>;
  };

t.test(
  'a school and a program hear, signed and over real HTTP, what happens to a document through the API',
  async (t) => {
    const ctx = await buildTestApp(t, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const program = await registerProgram(ctx);
    const schoolReceiver = await startReceiver(t);
    const programReceiver = await startReceiver(t);
    const schoolHook = await registerEndpoint(ctx.app, school.token, { url: schoolReceiver.url, events: allEvents });
    const programHook = await registerEndpoint(ctx.app, program.token, { url: programReceiver.url, events: allEvents });
    startDispatcher(t, ctx.database.url);

    const { document } = await submit(ctx, school, applicant);
    t.equal(document.status, 'verified');
    const [verified] = await eventually(
      () => schoolReceiver.requests.length === 1 && schoolReceiver.requests,
      5_000,
      'document.verified at the school',
    );
    if (!verified) throw new Error('nothing received');
    t.match(verify(schoolHook.secret, verified), {
      type: 'document.verified',
      data: { document_id: document.id, status: 'verified' },
    });

    const released = await ctx.app.inject({
      method: 'POST',
      url: `/v1/applicants/${applicant.id}/releases`,
      headers: bearer(applicant.token),
      payload: { document_id: document.id, program_id: program.id },
    });
    t.equal(released.statusCode, 201, released.body);
    const revoked = await ctx.app.inject({
      method: 'POST',
      url: `/v1/documents/${document.id}/revoke`,
      headers: bearer(school.token),
      payload: { reason: 'issued in error' },
    });
    t.equal(revoked.statusCode, 200, revoked.body);

    await eventually(
      () => programReceiver.requests.length === 2 && schoolReceiver.requests.length === 3,
      5_000,
      'the release and the revocation',
    );
    const programHeard = programReceiver.requests.map((r) => verify(programHook.secret, r));
    t.same(
      new Set(programHeard.map((e) => e.type)),
      new Set(['release.created', 'document.revoked']),
      'the program hears from its release on, not the verification before it',
    );
    for (const event of programHeard) t.equal(event.data.document_id, document.id);
    const schoolHeard = schoolReceiver.requests.map((r) => verify(schoolHook.secret, r).type);
    t.same(new Set(schoolHeard), new Set(['document.verified', 'release.created', 'document.revoked']));
  },
);
