import { readFile } from 'node:fs/promises';
import { compileErrors, validate } from '@readme/openapi-parser';
import t from 'tap';
import { parse } from 'yaml';
import { errorCodes } from '../src/http/error-codes.js';
import { openApiYaml } from '../src/cli/openapi-document.js';
import { buildTestApp } from './support/test-app.js';

const committedFile = new URL('../openapi.yaml', import.meta.url);

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
}

t.test('the committed openapi.yaml is what the code generates', async (t) => {
  const committed = await readFile(committedFile, 'utf8');
  const generated = await openApiYaml();
  t.equal(committed, generated, 'openapi.yaml is stale: run `npm run openapi` and commit the result');
});

t.test('openapi.yaml, and what the code generates now, are valid OpenAPI 3.x documents', async (t) => {
  for (const [name, text] of [
    ['openapi.yaml', await readFile(committedFile, 'utf8')],
    ['the generated document', await openApiYaml()],
  ]) {
    const document = parse(text as string) as Record<string, unknown>;
    t.match(document.openapi, /^3\.\d+\.\d+$/, `${name} is OpenAPI 3.x`);
    const result = await validate(structuredClone(document) as never);
    t.ok(result.valid, result.valid ? `${name} is valid` : `${name}: ${compileErrors(result)}`);
  }
});

t.test('every generated operation is described for a client author', async (t) => {
  const document = parse(await openApiYaml()) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties?: { code?: { enum?: string[] } } }> };
  };
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch']);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item).filter(([name]) => methods.has(name))) {
      const name = `${method.toUpperCase()} ${path}`;
      t.ok(operation.summary, `${name} has a summary`);
      t.ok(operation.tags?.length, `${name} has tags`);
      t.ok(operation.responses?.default, `${name} documents its problem+json errors`);
    }
  }
  t.same(
    document.components.schemas.Problem?.properties?.code?.enum,
    Object.keys(errorCodes).sort(),
    'every problem code is listed',
  );
  t.ok(document.paths['/v1/me']?.get, 'GET /v1/me is published');
});

t.test('the served /openapi.json is the committed contract, and /docs is a page to read it', async (t) => {
  const { app } = await buildTestApp(t);
  const served = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(served.statusCode, 200);
  t.match(served.headers['content-type'], /^application\/json/);
  t.same(served.json(), parse(await readFile(committedFile, 'utf8')), 'the served document deep-equals openapi.yaml');

  let docs = await app.inject({ method: 'GET', url: '/docs' });
  for (let hops = 0; docs.statusCode >= 300 && docs.statusCode < 400 && hops < 3; hops++) {
    docs = await app.inject({
      method: 'GET',
      url: new URL(String(docs.headers.location), 'http://localhost/docs').pathname,
    });
  }
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /^text\/html/);
  t.match(docs.body, /<html/i);
});
