import { spawn } from 'node:child_process';
import t from 'tap';
import { batchArgs, readResults, setup, submitBatch, transcripts, writeCsv } from '../support/batch-cli.js';
import { storedCounts } from '../support/documents.js';
import { builtEntry, childEnv, finished, startProcess } from '../support/run-process.js';

t.test(
  'an upload cut off half-way fails its row as unreachable and stores nothing of it; run again, only that row is sent',
  async (t) => {
    let posts = 0;
    const s = await setup(t, 1, ({ app }) =>
      app.addHook('onRequest', async (request, reply) => {
        // The second upload loses its connection, as a dropped Wi-Fi would.
        if (request.method === 'POST' && request.url === '/v1/documents' && ++posts === 2) {
          reply.hijack();
          request.raw.socket.destroy();
        }
      }),
    );
    await writeCsv(s, await transcripts(s, 4));
    const cut = await submitBatch(s, batchArgs(['--concurrency', '1']));
    t.equal(cut.code, 1);
    t.match(cut.stderr, /^Row 3 \(transcript-02\.pdf\): unreachable: /m);
    t.match(cut.stderr, /4 rows: 3 sent, 0 already stored by an earlier run, 1 failed, 0 not sent\./);
    t.match(cut.stderr, /Running the same command again sends only what is not stored yet\./);
    t.same(
      await storedCounts(s.ctx),
      { documents: 3, chunks: 3, events: 3, received_letters: 0 },
      'nothing half-stored',
    );

    const again = await submitBatch(s, batchArgs(['--concurrency', '1']));
    t.equal(again.code, 0, again.stderr);
    t.same(
      (await readResults(s)).map((r) => r.status),
      ['already_sent', 'sent', 'already_sent', 'already_sent'],
    );
    t.equal((await storedCounts(s.ctx))?.documents, 4);
  },
);

t.test('on a terminal, progress bars show the rows checked and sent', async (t) => {
  const s = await setup(t, 1);
  await writeCsv(s, await transcripts(s, 3));
  // script(1) gives the command a pseudo-terminal, as a person at a terminal has.
  const command = [process.execPath, builtEntry('cli/main.js'), 'submit-batch', ...batchArgs()]
    .map((arg) => `'${arg}'`)
    .join(' ');
  const run = await finished(
    spawn('script', ['-qec', command, '/dev/null'], {
      cwd: s.dir,
      env: childEnv({ EMSWP_URL: s.url, EMSWP_TOKEN: s.school.token, TERM: 'xterm' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  t.equal(run.code, 0, run.stdout);
  t.match(run.stdout, /Checking \[[█░]+\] 3\/3/);
  t.match(run.stdout, /Sending {2}\[[█░]+\] 3\/3 \| 0 failed/);
  t.match(run.stdout, /3 rows: 3 sent/);
});

t.test('Ctrl-C lets the upload in flight finish, sends nothing more, and still writes the results', async (t) => {
  let posts = 0;
  let secondArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (secondArrived = resolve));
  const s = await setup(t, 1, ({ app }) =>
    app.addHook('onRequest', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/documents' || ++posts !== 2) return;
      // Hold the second upload while the officer presses Ctrl-C.
      secondArrived();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }),
  );
  await writeCsv(s, await transcripts(s, 5));
  const child = startProcess(
    builtEntry('cli/main.js'),
    ['submit-batch', ...batchArgs(['--concurrency', '1'])],
    { EMSWP_URL: s.url, EMSWP_TOKEN: s.school.token },
    { cwd: s.dir },
  );
  const run = finished(child);
  await arrived;
  child.kill('SIGINT');
  const { code, stderr } = await run;
  t.equal(code, 1, stderr);
  t.match(stderr, /Stopping after the rows in flight/);
  t.match(stderr, /5 rows: 2 sent, 0 already stored by an earlier run, 0 failed, 3 not sent\./);
  t.same(
    (await readResults(s)).map((r) => [r.status, r.detail]),
    [['sent', ''], ['sent', ''], ...Array(3).fill(['not_sent', 'Not sent: the batch was stopped before this row.'])],
  );
  t.equal((await storedCounts(s.ctx))?.documents, 2);
});
