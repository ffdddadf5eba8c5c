import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { buildDashboard, type DashboardBuild } from '../../dashboard/build';
import { startStack, type Stack } from '../../dev/stack';
import { QUICK_REDELIVERY } from '../support/event-delivery';

/**
 * End-to-end harness: the dashboard built, the local stack (Firestore emulator + API + static
 * site, demo registry) on a free port, and Debian's Chromium driven by playwright-core (which
 * never downloads a browser: it is given the executable).
 */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser's time zone in the tests: far from UTC, so a day-boundary bug shows. */
export const TIME_ZONE = 'Pacific/Auckland';
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

/**
 * Routes other engineers are still adding. Until they land the server answers 404 (or 405), the
 * browser logs "Failed to load resource", and the dashboard shows "not available yet": those
 * console errors, and only those, are expected.
 */
export const COMING_SOON_ROUTES = [
  /\/api\/models\/[^/]+\/(deploy|undeploy|deployments|download)$/, // deployment, its history, ZIP download
  /\/api\/families\/[^/]+\/versions:promote$/, // seed 003's promotion
];

export interface E2e {
  build: DashboardBuild;
  stack: Stack;
  browser: Browser;
  context: BrowserContext;
  token: string;
  /** GET on the API from Node, as the same user. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startE2e(): Promise<E2e> {
  // The stack points FIRESTORE_EMULATOR_HOST at its own emulator; other suites in this process use theirs.
  const savedEnv = { FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST };
  const build = await buildDashboard();
  const [stack, browser] = await Promise.all([
    startStack({ port: 0, dataDir: null, demo: true, buildDashboard: false, eventDelivery: QUICK_REDELIVERY }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  const token = await stack.token('deployer');
  // A new context is a fresh, temporary profile.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TIME_ZONE, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    build, stack, browser, context, token,
    async api<T>(path: string) {
      const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      await browser.close().catch(() => undefined);
      await stack.stop();
      if (savedEnv.FIRESTORE_EMULATOR_HOST === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
      else process.env.FIRESTORE_EMULATOR_HOST = savedEnv.FIRESTORE_EMULATOR_HOST;
    },
  };
}

function isComingSoon404(message: ConsoleMessage): boolean {
  return /status of 40[45]/.test(message.text()) && COMING_SOON_ROUTES.some((route) => route.test(new URL(message.location().url || 'http://x/').pathname));
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, minus 404/405 from the coming-soon routes. */
  errors: string[];
  /** Paths of the API requests made, in order. */
  apiCalls: string[];
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const apiCalls: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isComingSoon404(message)) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) apiCalls.push(url.pathname);
  });
  return { page, errors, apiCalls };
}

/** Opens the dashboard (optionally with a query string) and waits for its first meaningful paint. */
export async function openDashboard(e2e: E2e, query = '', opts: { withToken?: boolean } = {}): Promise<WatchedPage> {
  const watched = await watchedPage(e2e.context);
  const fragment = opts.withToken === false ? '' : `#token=${e2e.token}`;
  await watched.page.goto(`${e2e.stack.url}/${query}${fragment}`);
  await watched.page.waitForSelector('html[data-ready]');
  return watched;
}

/** Today's date in the browser's time zone, YYYY-MM-DD. */
/**
 * The hooks every browser suite needs: one local stack for the suite (handed to `started`), and an
 * `open` (or `track`, for a page opened otherwise) whose pages are closed after each test, which
 * fails if any of them logged a console error.
 */
export function browserSuite(started: (e2e: E2e) => void): { open: (query?: string) => Promise<WatchedPage>; track: (page: WatchedPage) => WatchedPage } {
  let e2e: E2e | undefined;
  let pages: WatchedPage[] = [];
  before(async () => {
    e2e = await startE2e();
    started(e2e);
  });
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors);
    await Promise.all(pages.map((p) => p.page.close()));
    pages = [];
    assert.deepEqual(errors, [], 'the page logged console errors');
  });
  after(async () => e2e?.stop());
  const track = (watched: WatchedPage) => {
    pages.push(watched);
    return watched;
  };
  return { open: async (query = '') => track(await openDashboard(e2e!, query)), track };
}

export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}
