import { Command, CommanderError } from 'commander';
import { API_VERSION } from '../functions/src/http/openapi/document';
import { downloadCommands } from './commands/download';
import { governanceCommands } from './commands/governance';
import { loginCommand } from './commands/login';
import { pushCommand } from './commands/push';
import { readCommands } from './commands/read';
import { servingCommands } from './commands/serving';
import { writeCommands } from './commands/writes';
import { output } from './output';
import { CliError, EXIT } from './session';

/** `model-registry`: the registry from a terminal or a pipeline step, through the API's typed client. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('model-registry')
    .description('Model registry CLI: versions, pushes, deployment, aliases, policies, audit, downloads')
    .version(API_VERSION)
    .option('--json', 'print results as JSON (for scripts)')
    .exitOverride()
    .showHelpAfterError();
  const out = () => output(Boolean(program.opts().json));
  loginCommand(program, out);
  readCommands(program, out);
  pushCommand(program, out);
  writeCommands(program, out);
  servingCommands(program, out);
  downloadCommands(program, out);
  governanceCommands(program, out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      const fields = error.fields.map((f) => `\n  ${f.path}: ${f.message}`).join('');
      if (program.opts().json) process.stderr.write(`${JSON.stringify({ error: { code: error.code, message: error.message, fields: error.fields } })}\n`);
      else process.stderr.write(`error: ${error.message} [${error.code}]${fields}\n`);
      return error.exitCode;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return EXIT.internal;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
