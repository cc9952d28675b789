import { Option, type Command } from 'commander';

/** Where the service is and who calls it: the options every command that uploads as a school officer takes. */
export function withSchoolOfficerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <base-url>', "the service's base URL, e.g. https://emswp.example.org")
        .env('EMSWP_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--token <token>',
        "the school officer's access token (better in EMSWP_TOKEN: flags show in the process list)",
      )
        .env('EMSWP_TOKEN')
        .makeOptionMandatory(),
    );
}
