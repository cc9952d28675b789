#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../version.js';

/**
 * Each command's module, loaded only when it runs: `emswp keygen` need not load the server, the
 * database driver and the batch sender first. All of them together cost about four times the CPU
 * of the smallest one at every start, which a registrar's script running `emswp sign` per file pays.
 * Listed in the order `emswp --help` shows them.
 */
const commands: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./migrate.js')).migrateCommand(),
  token: async () => (await import('./token.js')).tokenCommand(),
  openapi: async () => (await import('./openapi.js')).openapiCommand(),
  worker: async () => (await import('./worker.js')).workerCommand(),
  keygen: async () => (await import('./keygen.js')).keygenCommand(),
  sign: async () => (await import('./sign.js')).signCommand(),
  submit: async () => (await import('./submit.js')).submitCommand(),
  'submit-batch': async () => (await import('./submit-batch.js')).submitBatchCommand(),
  'verify-receipt': async () => (await import('./verify-receipt.js')).verifyReceiptCommand(),
  log: async () => (await import('./log.js')).logCommand(),
};

const program = new Command()
  .name('emswp')
  .description('EMSWP credential verification: operate the service and sign, submit and check documents')
  .version(packageVersion)
  .showHelpAfterError();

// A command named first loads alone; anything else (help, a typo to suggest a name for) loads them all.
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
for (const name of wanted) program.addCommand(await (commands[name] as () => Promise<Command>)());

await program.parseAsync();
