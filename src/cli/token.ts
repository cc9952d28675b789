import { Command, Option } from 'commander';
import { loadDevelopmentIssuerKey, mintAccessToken } from '../auth/development-issuer.js';
import { roles, type Principal } from '../auth/principal.js';
import { cliConfig } from './config.js';
import { fail } from './fail.js';
import { isUuid } from '../facts/uuid.js';

interface TokenOptions {
  role: Principal['role'];
  sub?: string;
  schoolId?: string;
  applicantId?: string;
  programId?: string;
  ttl: string;
}

function principalFor(options: TokenOptions): Principal {
  const sub = options.sub ?? `dev-${options.role}`;
  const entity = (flag: string, value: string | undefined): string => {
    if (value === undefined) fail(`--role ${options.role} needs ${flag}`);
    if (!isUuid(value)) fail(`${flag} must be a UUID, got "${value}"`);
    return value;
  };
  switch (options.role) {
    case 'admin':
      return { sub, role: 'admin' };
    case 'school':
      return { sub, role: 'school', school_id: entity('--school-id', options.schoolId) };
    case 'applicant':
      return { sub, role: 'applicant', applicant_id: entity('--applicant-id', options.applicantId) };
    case 'program':
      return { sub, role: 'program', program_id: entity('--program-id', options.programId) };
  }
}

export function tokenCommand(): Command {
  return new Command('token')
    .description('print an access token from the development issuer (only when AUTH_JWKS_FILE/AUTH_JWKS_URL are unset)')
    .addOption(new Option('--role <role>', 'who the token speaks for').choices(roles).makeOptionMandatory())
    .option('--school-id <uuid>', 'the school a school token acts for')
    .option('--applicant-id <uuid>', 'the applicant an applicant token acts for')
    .option('--program-id <uuid>', 'the program a program token acts for')
    .option('--sub <subject>', 'the caller recorded in audit trails (default dev-<role>)')
    .option('--ttl <seconds>', 'lifetime in seconds', '43200')
    .action(async (options: TokenOptions) => {
      const config = cliConfig();
      if (config.auth.jwks.kind !== 'development') {
        fail('AUTH_JWKS_FILE or AUTH_JWKS_URL is set: the service trusts your issuer, so mint tokens there');
      }
      const ttlSeconds = Number(options.ttl);
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) fail(`--ttl must be a positive whole number of seconds`);
      const principal = principalFor(options);
      const { key, file, created } = await loadDevelopmentIssuerKey(config.dataDir);
      // A token from another DATA_DIR's key is refused by the server (401): say which key signed it.
      if (created) {
        console.error(
          `emswp: warning: DATA_DIR ${config.dataDir} had no development issuer key, so a new one was made in ${file}; a server using another DATA_DIR will refuse this token (401): run \`emswp token\` with the server's DATA_DIR`,
        );
      } else {
        console.error(`emswp: token signed with the development issuer key in ${file}`);
      }
      const token = await mintAccessToken(key, {
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        principal,
        ttlSeconds,
      });
      console.log(token);
    });
}
