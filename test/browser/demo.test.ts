/**
 * The browser demo (examples/browser) end to end: builds it with Vite, serves the build on
 * 127.0.0.1, and drives Debian's Chromium with playwright-core (no browser download). Checks
 * that the worker trains without blocking the page, that a typed sentence is translated, and that
 * the attention heatmap is drawn; saves examples/output/browser-demo.png. Skipped where
 * /usr/bin/chromium is missing (CI installs it: apt-get install -y chromium).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `skipping the browser demo test: ${CHROMIUM} is missing (apt-get install -y chromium)`,
  );
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const distDir = join(root, 'examples', 'browser', 'dist');
// Written where git ignores it; docs/images/browser-demo.png is a committed copy of one run.
const screenshot = join(root, 'examples', 'output', 'browser-demo.png');
/** The mean loss of the last 20 steps falls below this near step 130 of 400 (about 4 s). */
const LOSS_THRESHOLD = 0.42;
/** Served for paths under /strict/: a CSP header, which (unlike index.html's meta tag) reaches the worker. */
const NO_EVAL_CSP = "default-src 'none'; script-src 'self'; style-src 'self'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', // module workers need a JavaScript MIME type
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** A static server for `dir`; paths it cannot serve are pushed to `missing`. */
function serve(dir: string, missing: string[]): Promise<Server> {
  const server = createServer(async (request, response) => {
    let path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const strict = path.startsWith('/strict/');
    if (strict) path = path.slice('/strict'.length);
    if (path.endsWith('/')) path += 'index.html';
    const file = join(dir, normalize(path));
    const type = MIME[extname(file)];
    try {
      if (!file.startsWith(dir + sep) || type === undefined) throw new Error('not servable');
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': type,
        'cache-control': 'no-store',
        ...(strict ? { 'content-security-policy': NO_EVAL_CSP } : {}),
      });
      response.end(body);
    } catch {
      missing.push(path);
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Page errors, console errors and failed requests of `page`, as they happen. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return problems;
}

/** `promise`, or a failure naming `what` when it takes longer than `ms` (a blocked page answers late). */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  const late = Symbol('late');
  const result = await Promise.race([promise, delay(ms, late)]);
  if (result === late)
    throw new Error(`${what} took over ${ms} ms: the page's main thread is busy`);
  return result as T;
}

const statusOf = (page: Page) =>
  page.$eval('#status', (status) => ({
    state: status.getAttribute('data-state'),
    step: Number(status.getAttribute('data-step')),
    meanLoss: Number(status.getAttribute('data-mean-loss')),
  }));

describe.skipIf(!haveChromium)(`browser demo in Chromium (needs ${CHROMIUM})`, () => {
  const missing: string[] = [];
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  let base = '';

  beforeAll(async () => {
    await build({
      configFile: join(root, 'examples', 'browser', 'vite.config.ts'),
      logLevel: 'warn',
    });
    server = await serve(distDir, missing);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    userDataDir = await mkdtemp(join(tmpdir(), 'seqgrad-chromium-'));
    // playwright-core refuses --user-data-dir in args; launchPersistentContext passes it.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
      viewport: { width: 820, height: 780 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it(`trains in a worker to a mean loss below ${LOSS_THRESHOLD} without blocking the page, translates "the big red dog" to "le gros chien rouge" and draws its 4×4 attention heatmap`, {
    timeout: 180_000,
  }, async () => {
    const page = await (context as BrowserContext).newPage();
    const problems = watch(page);
    await page.goto(`${base}/`);
    await page
      .waitForSelector('#status[data-state="training"]', { timeout: 30_000 })
      .catch((error: unknown) => {
        throw new Error('no training step shown within 30 s (worker not started, or page busy)', {
          cause: error,
        });
      });

    // While the worker trains, the page answers at once and its own timers (50 of 10 ms) fire on time.
    const before = await within(3_000, 'reading the status while training', statusOf(page));
    const worstTimerGap = await within(
      5_000,
      'running 50 timers of 10 ms while training',
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            let last = performance.now();
            let worst = 0;
            let ticks = 0;
            const tick = () => {
              const now = performance.now();
              worst = Math.max(worst, now - last);
              last = now;
              if (++ticks < 50) setTimeout(tick, 10);
              else resolve(worst);
            };
            setTimeout(tick, 10);
          }),
      ),
    );
    expect(worstTimerGap, 'a page timer fired late while training').toBeLessThan(250);
    const after = await statusOf(page);
    expect(after.state).toBe('training');
    expect(after.step).toBeGreaterThan(before.step);

    // The worker answers between training chunks, long before training ends.
    await page.fill('#sentence', 'the cat');
    await page.click('#translate');
    await page.waitForSelector('#translation[data-state="shown"]', { timeout: 5_000 });
    const midStep = Number(await page.getAttribute('#translation', 'data-step'));
    const midTranslation = await page.textContent('#translation');
    expect(midStep).toBeGreaterThan(0);
    expect(midStep).toBeLessThan(400);
    expect((await statusOf(page)).state).toBe('training');

    await expect
      .poll(async () => (await statusOf(page)).meanLoss, { timeout: 120_000, interval: 100 })
      .toBeLessThan(LOSS_THRESHOLD);
    const reached = await statusOf(page);
    // Translate with the finished model, so the expected words do not depend on timing.
    await page.waitForSelector('#status[data-state="done"]', { timeout: 120_000 });
    const final = await statusOf(page);
    expect(final.meanLoss).toBeLessThan(LOSS_THRESHOLD);
    const bar = await page.$eval('#progress', (p) => [
      p.getAttribute('value'),
      p.getAttribute('max'),
    ]);
    expect(bar).toEqual(['400', '400']);

    await page.fill('#sentence', 'the big red dog');
    await page.click('#translate');
    await page.waitForSelector('#translation[data-state="shown"]', { timeout: 10_000 });
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(
      `browser demo: mean loss ${reached.meanLoss.toFixed(3)} at step ${reached.step}, ` +
        `${final.meanLoss.toFixed(3)} at step ${final.step}; translation during training ` +
        `(step ${midStep}): "the cat" → "${midTranslation}"`,
    );

    expect(await page.textContent('#translation')).toBe('le gros chien rouge');
    const heatmap = page.locator('#heatmap svg');
    await expect(heatmap.count()).resolves.toBe(1);
    await expect(heatmap.locator('rect.cell').count()).resolves.toBe(16);
    await expect(heatmap.locator('.column-labels text').allTextContents()).resolves.toEqual([
      'the',
      'big',
      'red',
      'dog',
    ]);
    await expect(heatmap.locator('.row-labels text').allTextContents()).resolves.toEqual([
      'le',
      'gros',
      'chien',
      'rouge',
    ]);
    // The colour moves behind the noun, and the attention follows it: "rouge" looks at "red".
    const rougeRow = await heatmap.locator('rect.cell title').evaluateAll((titles) =>
      titles
        .map((t) => t.textContent ?? '')
        .filter((t) => t.startsWith('rouge → '))
        .map((t) => {
          const [cell = '', weight] = t.split(': '); // "rouge → red: 1.00"
          return { word: cell.split(' → ')[1], weight: Number(weight) };
        }),
    );
    const strongest = rougeRow.reduce((a, b) => (b.weight > a.weight ? b : a));
    expect(strongest.word).toBe('red');
    expect(problems).toEqual([]);
    expect(missing).toEqual([]);
    await page.close();
  });

  it("shows seqgrad's explanation when the worker's own CSP header forbids eval", {
    timeout: 60_000,
  }, async () => {
    const page = await (context as BrowserContext).newPage();
    const problems = watch(page);
    await page.goto(`${base}/strict/`);
    await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#error')).toContain(
      'seqgrad cannot create arrays here: code generation from strings is disallowed.',
    );
    expect(await page.textContent('#error')).toContain("'unsafe-eval'");
    expect((await statusOf(page)).state).toBe('starting');
    expect(problems.some((p) => p.includes('seqgrad cannot create arrays here'))).toBe(true);
    await page.close();
  });
});
