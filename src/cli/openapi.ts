import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { userPath } from './user-path.js';

export function openapiCommand(): Command {
  return new Command('openapi')
    .description('print the OpenAPI document generated from the route schemas, or write it to a file')
    .option('--out <file>', 'write here instead of standard output', userPath)
    .action(async (options: { out?: string }) => {
      // Loaded only here: it pulls in the whole service, which the other commands do not need.
      const { openApiYaml } = await import('./openapi-document.js');
      const yaml = await openApiYaml();
      if (options.out) await writeFile(options.out, yaml);
      else process.stdout.write(yaml);
    });
}
