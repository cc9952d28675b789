// The direction of dependencies in src/ ("Rules of the house" in the design notes; README, "How the
// code is organised"). `npm run lint` runs it. Only imports that survive compilation count: an
// `import type` is erased and ties nothing together at run time (db/types.ts gathers the features'
// table types that way).

const platform = '^src/(http|db|crypto|auth|facts)/';
const registry = '^src/(schools|applicants|programs)/';
const documentsDomain = '^src/(documents|letters|releases|disclosures|receipts|verification)/';
const sinks = '^src/(webhooks|log)/';
/**
 * Pure facts: modules safe in a browser that the portal's batch check shares with the service (facts/,
 * the manifest rules, the document limits, the PDF magic bytes) or the /verify page (the log's inclusion
 * proof check). No I/O, no Node, no server code.
 */
const pure =
  '^src/(facts/|documents/manifest-schema\\.ts$|crypto/pdf-magic\\.ts$|log/inclusion-path\\.ts$|log/receipt-entry\\.ts$)';
/** Every folder that is not the platform: the features, the sinks, and the other entry points. */
const notPlatform = '^src/(?!(http|db|crypto|auth|facts)/)[^/]+/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders of src/ import one another in one direction only. The root files are kept out of cycles by ' +
        'the two rules below (only entry points import app.ts; the other root files import no folder).',
      scope: 'folder',
      from: { pathNot: '^src$' },
      to: { circular: true, viaNot: '^src$' },
    },
    {
      name: 'platform-imports-no-feature',
      severity: 'error',
      comment:
        'http/, db/, crypto/, auth/ and facts/ are the platform: they know no feature. A feature hands them what ' +
        'they need (app.ts is the composition root).',
      from: { path: platform },
      to: { path: [notPlatform, '^src/(app|server)\\.ts$'] },
    },
    {
      name: 'registry-never-imports-documents',
      severity: 'error',
      comment:
        'schools/, applicants/ and programs/ never import the documents domain. When a registry change must trigger ' +
        'a documents rule, the registry use case takes a hook and app.ts wires the rule in.',
      from: { path: registry },
      to: { path: documentsDomain },
    },
    {
      name: 'sinks-import-no-feature',
      severity: 'error',
      comment: 'Everything may write to the sinks (webhooks outbox, transparency log); the sinks know no feature.',
      from: { path: sinks },
      to: { path: [registry, documentsDomain, '^src/(health|me|portal|batch|cli)/'] },
    },
    {
      name: 'releases-import-documents-types-only',
      severity: 'error',
      comment:
        'releases/ keeps release writes; documents as a program sees them live in documents/. From documents/ ' +
        'releases/ imports at most a type.',
      from: { path: '^src/releases/' },
      to: { path: '^src/documents/' },
    },
    {
      name: 'pure-modules-stay-pure',
      severity: 'error',
      comment:
        'Pure facts (facts/, and the manifest rules every signer shares) import nothing but other pure ' +
        'facts and TypeBox: no I/O, no server code, safe in a browser.',
      from: { path: pure },
      to: { pathNot: [pure, '^node_modules/@sinclair/typebox/'] },
    },
    {
      name: 'batch-imports-only-pure-facts',
      severity: 'error',
      comment: 'batch/ runs in the browser as well as in the CLI: from src/ it may import only pure facts.',
      from: { path: '^src/batch/' },
      to: { path: '^src/', pathNot: ['^src/batch/', pure] },
    },
    {
      name: 'browser-code-imports-no-node-builtins',
      severity: 'error',
      comment: 'batch/ and the pure facts run in the browser as well as in Node.',
      from: { path: ['^src/batch/', pure] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'portal-is-static-serving',
      severity: 'error',
      comment: 'portal/ wires the static serving of web/ into the server: it uses the platform, never a feature.',
      from: { path: '^src/portal/' },
      to: { path: [registry, documentsDomain, sinks, '^src/(health|me|batch|cli)/'] },
    },
    {
      name: 'only-entry-points-import-app',
      severity: 'error',
      comment: 'app.ts is the composition root: only server.ts and the CLI build the app.',
      from: { pathNot: '^src/(server\\.ts|cli/)' },
      to: { path: '^src/(app|server)\\.ts$' },
    },
    {
      name: 'root-files-are-leaves',
      severity: 'error',
      comment:
        'config.ts, logger.ts, version.ts and free-port.ts are imported everywhere, so they import no folder ' +
        'but the pure facts (config.ts takes the default document size limit from there).',
      from: { path: '^src/[^/]+\\.ts$', pathNot: '^src/(app|server)\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: '^src/facts/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'cli/ is an entry point (the emswp command): the service never depends on it.',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'routes-are-wired-by-app',
      severity: 'error',
      comment:
        'Routes are the top of a feature: only app.ts registers them, and no use case, repository or other ' +
        'feature reaches into another route file.',
      from: { pathNot: '^src/app\\.ts$' },
      to: { path: '^src/[^/]+/[^/]*routes\\.ts$' },
    },
    {
      name: 'routes-call-use-cases',
      severity: 'error',
      comment:
        'A route says who may call it, makes one use-case call and returns a view: it never runs SQL of its own ' +
        'through a repository.',
      from: { path: 'routes\\.ts$' },
      to: { path: 'repository\\.ts$' },
    },
    {
      name: 'repositories-do-not-reach-up',
      severity: 'error',
      comment: 'routes -> use cases -> repositories -> db/: a repository imports no use case and no route.',
      from: { path: 'repository\\.ts$' },
      to: { path: '(service|routes)\\.ts$' },
    },
  ],
  options: {
    // Imports as they are after compilation: `import type` is erased and does not count.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
