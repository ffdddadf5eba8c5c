/**
 * The GCS twin in a process of its own, for benchHashing: Cloud Storage does its work on other
 * machines, so the twin's disk reads and HTTP writes must not share the measured process's thread.
 * Argument: the data directory. Tells the parent its URL.
 */
import { startGcsTwin } from '../dev/twins/gcs';

startGcsTwin({ dataDir: process.argv[2]!, buckets: ['pushes', 'registry'], log: () => undefined })
  .then((twin) => process.send!({ url: twin.url }))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
