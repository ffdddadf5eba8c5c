/**
 * Builds the static dashboard into dashboard/dist: index.html with one JS bundle and one CSS file, and
 * the API reference docs.html (content-hashed names, so a browser never mixes an old script with new styles).
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
    entryPoints: { app: join(SRC, 'main.ts'), styles: join(SRC, 'styles', 'main.css'), docs: join(SRC, 'docs', 'main.ts'), 'docs-styles': join(SRC, 'styles', 'docs.css') },
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
  const output = (name: string, ext: string) => result.outputFiles.find((f) => new RegExp(`^${name}-[A-Z0-9]+\\${ext}$`).test(basename(f.path)));
  const js = output('app', '.js');
  const css = output('styles', '.css');
  const docsJs = output('docs', '.js');
  const docsCss = output('docs-styles', '.css');
  if (!js || !css || !docsJs || !docsCss) throw new Error('esbuild produced no JS bundle or no CSS file');

  const page = async (template: string, styles: string[], script: string) => (await readFile(template, 'utf8'))
    .replace('<!--STYLES-->', styles.map((s) => `<link rel="stylesheet" href="${basename(s)}">`).join(''))
    .replace('<!--SCRIPTS-->', `<script src="${basename(script)}" defer></script>`);
  const html = await page(join(SRC, 'index.html'), [css.path], js.path);
  // The API reference: the dashboard's look plus its own few rules.
  const docsHtml = await page(join(SRC, 'docs', 'docs.html'), [css.path, docsCss.path], docsJs.path);

  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await Promise.all([
    writeFile(js.path, js.contents),
    writeFile(css.path, css.contents),
    writeFile(docsJs.path, docsJs.contents),
    writeFile(docsCss.path, docsCss.contents),
    writeFile(join(OUT, 'index.html'), html),
    writeFile(join(OUT, 'docs.html'), docsHtml),
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
