/** `npm run events`: prints every registry event published by the running local stack. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENTS_TAIL, STACK_FILE } from './stack';

async function main() {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const stackFile = join(resolve(process.env.REGISTRY_DATA_DIR ?? '.data'), STACK_FILE);
  if (!existsSync(stackFile)) throw new Error(`no running stack found (${stackFile}); start it with \`npm start\``);
  const { pubsubHost, projectId } = JSON.parse(readFileSync(stackFile, 'utf8')) as { pubsubHost: string; projectId: string };
  process.env.PUBSUB_EMULATOR_HOST = pubsubHost;
  const { PubSub } = await import('@google-cloud/pubsub');
  const subscription = new PubSub({ projectId }).subscription(EVENTS_TAIL);
  console.log(`listening to ${EVENTS_TAIL} on the Pub/Sub emulator (${pubsubHost}); Ctrl-C stops`);
  subscription.on('message', (message) => {
    const event = JSON.parse(message.data.toString('utf8')) as { type: string; id: string; subject?: string; time: string; data: unknown };
    console.log(`${event.time}  ${event.type.padEnd(40)} ${event.subject ?? ''}  id=${event.id}`);
    console.log(`  ${JSON.stringify(event.data)}`);
    message.ack();
  });
  subscription.on('error', (error) => { console.error(`subscription error: ${error.message}`); process.exit(1); });
}

main().catch((error) => { console.error(`events failed: ${error instanceof Error ? error.message : error}`); process.exit(1); });
