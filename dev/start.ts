/** `npm start`: the whole local stack on its embedded defaults. Ctrl-C saves state and stops. */
import { parseArgs } from 'node:util';
import { exportLines } from './lib/gcloud-env';
import { startStack } from './stack';

async function main() {
  const { values } = parseArgs({
    options: { 'no-demo': { type: 'boolean', default: false }, port: { type: 'string' } },
    allowPositionals: false,
  });
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port, got ${values.port ?? process.env.PORT}`);
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const stack = await startStack({ port, demo: !values['no-demo'], log: (l) => console.log(`• ${l}`) });
  const viewer = await stack.token('viewer');
  const deployer = await stack.token('deployer');
  console.log(`
Model registry running (data in ${stack.dataDir})
  Dashboard   ${stack.url}/#token=${deployer}
  API         ${stack.url}/api/models
  Firestore   ${stack.firestore.host} (emulator)

  Viewer token    ${viewer}
  Deployer token  ${deployer}
  More tokens:    npm run token -- --role=editor

  curl -H "Authorization: Bearer ${viewer.slice(0, 12)}…" ${stack.url}/api/models

  Vertex AI   ${stack.vertex.restUrl} (REST)  ${stack.vertex.address} (gRPC)
  Scheduler   ${stack.scheduler.restUrl} (REST)  ${stack.scheduler.address} (gRPC)
  Storage     ${stack.gcs.url}

Point gcloud at the stack (paste into a shell; a throwaway CLOUDSDK_CONFIG keeps your own gcloud settings apart):
${[...exportLines(stack.manifest.gcloudEnv), 'export CLOUDSDK_CONFIG=$(mktemp -d)'].join('\n')}
  gcloud ai models list --region=${stack.location}
  gcloud scheduler jobs list --location=${stack.location}

Ctrl-C saves the data and stops everything.`);
  let stopping = false;
  // The terminal (or npm, or tsx relaying it) may deliver the signal more than once: save once.
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return console.log(`(${signal}: still saving, please wait)`);
    stopping = true;
    console.log(`\n${signal}: saving data and stopping…`);
    try {
      await stack.stop();
      console.log('data saved; stopped.');
      process.exit(0);
    } catch (error) {
      console.error(`saving failed, the previous save is kept: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().catch((error) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
