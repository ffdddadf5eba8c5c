import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  assertFails, initializeTestEnvironment, type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc, deleteDoc, collection, getDocs } from 'firebase/firestore';
import { startFirestoreEmulator, type FirestoreEmulator } from '../../../dev/emulators/firestore';
import { COLLECTIONS } from '../../../functions/src/adapters/firestore/collections';

const RULES = join(__dirname, '../../../firestore.rules');

describe('firestore.rules (Google emulator evaluating the rules file)', () => {
  let emulator: FirestoreEmulator;
  let env: RulesTestEnvironment;

  before(async () => {
    emulator = await startFirestoreEmulator({ projectId: 'demo-rules', rulesFile: RULES });
    env = await initializeTestEnvironment({
      projectId: 'demo-rules',
      firestore: { host: '127.0.0.1', port: emulator.port, rules: readFileSync(RULES, 'utf8') },
    });
    // A real document in each collection, written past the rules, so reads are denied by rules
    // rather than answered "not found".
    await env.withSecurityRulesDisabled(async (ctx) => {
      for (const name of Object.values(COLLECTIONS)) await setDoc(doc(ctx.firestore(), name, 'seed'), { x: 1 });
    });
  });

  after(async () => {
    await env?.cleanup();
    await emulator?.stop();
  });

  const clients = () => [
    ['an unauthenticated client', env.unauthenticatedContext().firestore()],
    ['a signed-in client', env.authenticatedContext('alice', { email: 'alice@example.com', email_verified: true }).firestore()],
  ] as const;

  for (const name of [...Object.values(COLLECTIONS), 'anything-else']) {
    it(`denies clients every read and write on ${name}`, async () => {
      for (const [, db] of clients()) {
        await assertFails(getDoc(doc(db, name, 'seed')));
        await assertFails(getDocs(collection(db, name)));
        await assertFails(setDoc(doc(db, name, 'new'), { x: 2 }));
        await assertFails(setDoc(doc(db, name, 'seed'), { x: 3 }));
        await assertFails(deleteDoc(doc(db, name, 'seed')));
        await assertFails(getDoc(doc(db, name, 'seed', 'sub', 'child')));
      }
    });
  }
});
