/**
 * Writes firestore.indexes.json from the query shapes the code runs (npm run indexes).
 * The index test fails when the file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldOverrides, requiredIndexes } from '../functions/src/adapters/firestore/index-spec';

const file = join(__dirname, '..', 'firestore.indexes.json');
writeFileSync(file, JSON.stringify({ indexes: requiredIndexes(), fieldOverrides: fieldOverrides() }, null, 2) + '\n');
console.log(`wrote ${requiredIndexes().length} composite indexes to ${file}`);
