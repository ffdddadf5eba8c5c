/**
 * Bundles the deployed functions into dist/bundle (package.json `main`): a new instance reads a
 * few files instead of resolving and compiling ~1,200 modules, which shortens its first list
 * (npm run bench, cold start). The entry stays small; each function's own code (for the API: its
 * routes, config schemas and the Firestore client) is a file of its own, required after the
 * instance listens, so a new instance still listens as soon as a bare function does.
 */
import { basename, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const SRC = join(__dirname, 'src');
export const BUNDLE_DIR = join(__dirname, '..', 'dist', 'bundle');

/** Output file name → source; `index` is the entry, the others are required lazily by it. */
const ENTRIES: Record<string, string> = {
  index: join(SRC, 'index.ts'),
  api: join(SRC, 'functions/api-load.ts'),
  register: join(SRC, 'functions/register.ts'),
  trigger: join(SRC, 'functions/trigger.ts'),
  'sync-runs': join(SRC, 'functions/sync-runs.ts'),
  'outbox-drainer': join(SRC, 'functions/outbox-drainer.ts'),
};

/** The modules whose lazy requires name another entry: those become requires of that entry's file. */
const LAZY_REQUIRERS = new Set([join(SRC, 'index.ts'), join(SRC, 'functions/api-entry.ts')]);

/**
 * Left in node_modules: the framework, whose registry the entry must share with the framework that
 * loads it, and the Google clients no first request needs (Vertex AI alone is ~20 MB of protos:
 * bundled, every instance would compile it). They are required when a route first uses them.
 */
export const EXTERNAL = [
  '@google-cloud/functions-framework',
  '@google-cloud/aiplatform',
  '@google-cloud/kms',
  '@google-cloud/monitoring',
  '@google-cloud/pubsub',
  '@google-cloud/scheduler',
  '@google-cloud/storage',
];

const lazyEntries: Plugin = {
  name: 'lazy-entries',
  setup(b) {
    const files = new Map(Object.entries(ENTRIES).map(([name, file]) => [file, name]));
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (!LAZY_REQUIRERS.has(args.importer) || args.pluginData === 'inner') return undefined;
      const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'inner' });
      const name = files.get(resolved.path);
      return name ? { path: `./${name}.js`, external: true } : resolved;
    });
  },
};

export async function buildFunctionsBundle(outDir = BUNDLE_DIR, opts: { minify?: boolean } = {}): Promise<string[]> {
  const result = await build({
    entryPoints: ENTRIES,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Less to read and compile at start; stack traces map back through the .map files.
    minify: opts.minify ?? true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: EXTERNAL,
    plugins: [lazyEntries],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).map((f) => basename(f));
}

if (require.main === module) {
  buildFunctionsBundle().then((files) => console.log(`dist/bundle: ${files.join(', ')}`), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
