/**
 * Builds the static dashboard into dashboard/dist: index.html, one JS bundle and one CSS file
 * (content-hashed names, so a browser never mixes an old script with new styles).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface DashboardBuild {
  outDir: string;
  bytes: { js: number; css: number; jsGzip: number; cssGzip: number };
}

const SRC = join(__dirname, 'src');
const OUT = join(__dirname, 'dist');

export async function buildDashboard(opts: { minify?: boolean } = {}): Promise<DashboardBuild> {
  const minify = opts.minify ?? true;
  const result = await build({
    entryPoints: { app: join(SRC, 'main.ts'), styles: join(SRC, 'styles', 'main.css') },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114', 'firefox125', 'safari17'],
    minify,
    sourcemap: minify ? false : 'inline',
    entryNames: '[name]-[hash]',
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outdir: OUT,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js || !css) throw new Error('esbuild produced no JS bundle or no CSS file');

  const template = await readFile(join(SRC, 'index.html'), 'utf8');
  const html = template
    .replace('<!--STYLES-->', `<link rel="stylesheet" href="${basename(css.path)}">`)
    .replace('<!--SCRIPTS-->', `<script src="${basename(js.path)}" defer></script>`);

  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await Promise.all([
    writeFile(js.path, js.contents),
    writeFile(css.path, css.contents),
    writeFile(join(OUT, 'index.html'), html),
  ]);
  return {
    outDir: OUT,
    bytes: {
      js: js.contents.byteLength,
      css: css.contents.byteLength,
      jsGzip: gzipSync(js.contents, { level: 9 }).byteLength,
      cssGzip: gzipSync(css.contents, { level: 9 }).byteLength,
    },
  };
}

if (require.main === module) {
  buildDashboard().then(
    (b) => console.log(`dashboard built in ${b.outDir}: JS ${b.bytes.js} B (${b.bytes.jsGzip} B gzipped), CSS ${b.bytes.css} B (${b.bytes.cssGzip} B gzipped)`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
