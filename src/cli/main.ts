#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../version.js';
import { migrateCommand } from './migrate.js';
import { openapiCommand } from './openapi.js';
import { tokenCommand } from './token.js';
import { workerCommand } from './worker.js';

const program = new Command()
  .name('emswp')
  .description('EMSWP credential verification: operate the service and sign, submit and check documents')
  .version(packageVersion)
  .showHelpAfterError();

program.addCommand(migrateCommand());
program.addCommand(tokenCommand());
program.addCommand(openapiCommand());
program.addCommand(workerCommand());

await program.parseAsync();
