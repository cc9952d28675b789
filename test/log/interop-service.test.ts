import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../support/test-app.js';
import { buildGoVerifier, goMissing } from './go-verifier.js';
import { integrateAll, queueEntries } from './support.js';

// The service's own /log, over real HTTP, checked by Go's sumdb/note and sumdb/tlog.

const missing = await goMissing();
if (missing) t.plan(0, missing);
else {
  t.test("Go's sumdb packages verify the service's log and its growth between two checkpoints", async (t) => {
    const verify = await buildGoVerifier();
    const { app, db } = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log`;
    const vkey = app.logKey.vkey;
    const old = join(t.testdir({}), 'old-checkpoint');

    await queueEntries(db, 300, 'first');
    await integrateAll(db, app.logKey, 100);
    await writeFile(old, (await app.inject({ url: '/log/checkpoint' })).body);
    await queueEntries(db, 700, 'second');
    await integrateAll(db, app.logKey, 333);

    const result = await verify(['-url', base, '-vkey', vkey, '-old', old]);
    t.ok(result.ok, result.output);
    t.match(result.output, 'ok checkpoint: size 1000');
    t.match(result.output, 'ok entries: all 1000 hash to their leaves');
    t.match(result.output, 'ok consistency: size 1000 extends size 300');
  });
}
