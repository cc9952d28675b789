import { Command } from 'commander';
import { addManifestFlags, signFile, type ManifestFlags } from './manifest-input.js';
import { userPath } from './user-path.js';

interface SignOptions extends ManifestFlags {
  issuer: string;
}

/** Kept here for callers that read a key the way `emswp sign` does. */
export { readPrivateJwk } from './manifest-input.js';

export function signCommand(): Command {
  const command = new Command('sign')
    .description("print a school's signed manifest (compact JWS) for a PDF, ready for POST /v1/documents")
    .argument('<file>', 'the PDF to sign', userPath)
    .requiredOption('--issuer <wdoms-id>', "the school's World Directory id (F and 7 digits): the manifest's iss");
  return addManifestFlags(command).action(async (file: string, options: SignOptions) => {
    const { manifest } = await signFile(file, options, options.issuer);
    process.stdout.write(`${manifest}\n`);
  });
}
