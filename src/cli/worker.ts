import closeWithGrace from 'close-with-grace';
import { Command } from 'commander';
import { createLogger } from '../logger.js';
import { sequencerFromConfig } from '../log/sequencer.js';
import { loadLogKey } from '../log/signing-key.js';
import { dispatcherFromConfig } from '../webhooks/dispatcher.js';
import { cliConfig } from './config.js';
import { fail } from './fail.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description(
      'send webhook deliveries and sequence the transparency log until stopped (SIGINT/SIGTERM); run as many as you like beside servers started with WEBHOOK_WORKER=false and LOG_SEQUENCER=false',
    )
    .action(async () => {
      const config = cliConfig();
      if (config.databaseUrl === undefined) {
        fail(
          'the worker needs DATABASE_URL, the PostgreSQL the API servers use (without it, the server sends webhooks itself)',
          2,
        );
      }
      const logger = createLogger(config.logLevel);
      const dispatcher = dispatcherFromConfig(config, { url: config.databaseUrl }, logger);
      // The same key as the servers': a checkpoint signed with another would not verify against /log/vkey.
      const sequencer = sequencerFromConfig(
        config,
        { url: config.databaseUrl },
        await loadLogKey(config, logger),
        logger,
      );
      closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
        if (err) logger.error({ err }, 'webhook worker: stopping after an error');
        else logger.info({ signal }, 'webhook worker: stopping; finishing deliveries in flight');
        await dispatcher.stop();
        await sequencer.stop();
        logger.info('webhook worker: stopped');
      });
      dispatcher.start();
      sequencer.start();
      logger.info(
        { allow_private_networks: config.webhooks.allowPrivateNetworks },
        'webhook worker: sending deliveries',
      );
    });
}
