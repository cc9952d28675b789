#!/usr/bin/env node
import { Command } from 'commander';
import { packageVersion } from '../version.js';
import { keygenCommand } from './keygen.js';
import { logCommand } from './log.js';
import { migrateCommand } from './migrate.js';
import { openapiCommand } from './openapi.js';
import { signCommand } from './sign.js';
import { submitCommand } from './submit.js';
import { submitBatchCommand } from './submit-batch.js';
import { tokenCommand } from './token.js';
import { verifyReceiptCommand } from './verify-receipt.js';
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
program.addCommand(keygenCommand());
program.addCommand(signCommand());
program.addCommand(submitCommand());
program.addCommand(submitBatchCommand());
program.addCommand(verifyReceiptCommand());
program.addCommand(logCommand());

await program.parseAsync();
