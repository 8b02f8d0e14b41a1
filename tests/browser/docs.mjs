// Drives the interactive docs of a running towerapi-openapi server in Debian's Chromium, as a
// person would:
//
//   node tests/browser/docs.mjs BASE_URL OUT_DIR [OP_PATH]
//
// OP_PATH is the protected operation's path (GET, scope me): the 3rd argument, else DOCS_OP_PATH,
// else /users/me (as examples/oauth2_jwt.rs serves it, without a trailing slash).
//
// a. /docs (Swagger UI): expand GET OP_PATH, "Try it out", "Execute" before logging in; the live
//    response is 401 and 401 is a documented response;
// b. "Authorize": the OAuth2 password flow as johndoe/secret with the scopes me (and items);
// c. "Execute" again: 200, and the body names johndoe;
// d. /redoc (ReDoc): every path of /openapi.json is rendered;
// e. every request the pages made went to BASE_URL's origin (data: and blob: aside); any other is
//    aborted before it leaves, and fails the run.
// Screenshots go to OUT_DIR: docs-before.png, docs-authorized.png, docs-after.png, redoc.png, and
// failure.png when a step fails. One line per step; exit 0 when all pass, 1 when one fails, 2 on
// bad usage.
//
// playwright-core comes from tests/tools (npm ci --prefix tests/tools); the browser is Debian's
// chromium package (CHROMIUM=PATH picks another). Every wait is bounded by DOCS_TIMEOUT_MS
// (default 15000) and the whole run by DOCS_RUN_TIMEOUT_MS (default 120000).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const USER = 'johndoe';
const PASSWORD = 'secret';
const SCHEME = 'OAuth2PasswordBearer';
const SCOPES_WANTED = ['me']; // ticked, and must be offered
const SCOPES_IF_OFFERED = ['items']; // ticked when offered
const OP_METHOD = 'get';
const TIMEOUT = Number(process.env.DOCS_TIMEOUT_MS || 15000);
const RUN_TIMEOUT = Number(process.env.DOCS_RUN_TIMEOUT_MS || 120000);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  // Chromium still looks up Google hosts of its own (accounts.google.com, update.googleapis.com,
  // content-autofill.googleapis.com, passwordsleakcheck-pa.googleapis.com once a password is
  // typed): no host name resolves, and those features are off.
  '--disable-features=AutofillServerCommunication,PasswordLeakDetection,OptimizationHints,MediaRouter',
];

const [baseArg, outDir, pathArg] = process.argv.slice(2);
const OP_PATH = pathArg || process.env.DOCS_OP_PATH || '/users/me';
if (!baseArg || !outDir || !OP_PATH.startsWith('/')) {
  console.error('usage: node tests/browser/docs.mjs BASE_URL OUT_DIR [OP_PATH]');
  process.exit(2);
}
const base = new URL(baseArg.endsWith('/') ? baseArg : `${baseArg}/`);
const origin = base.origin;
const at = (rel) => new URL(rel, base).href;
// No name resolves but BASE_URL's own (an IP literal needs none).
CHROMIUM_ARGS.push(`--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${base.hostname.replace(/^\[|\]$/g, '')}`);
fs.mkdirSync(outDir, { recursive: true });

let chromium;
try {
  ({ chromium } = await import('../tools/node_modules/playwright-core/index.mjs'));
} catch (e) {
  console.error(`FAIL setup: playwright-core is not installed in tests/tools (run: npm ci --prefix tests/tools): ${e.message}`);
  process.exit(1);
}

// A step's failure: what was expected and what was seen.
class Mismatch extends Error {
  constructor(expected, seen) {
    super(`expected ${expected}; saw ${seen}`);
  }
}

let context;
let page; // the page a failure screenshot is taken of
let profile;
const requests = []; // every URL a page asked for
const foreign = []; // the ones not on BASE_URL's origin
const badResponses = []; // documents, scripts, styles, images or fonts that came back >= 400
const pageErrors = [];
const tokenRequests = [];

function allowed(url) {
  const u = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
  return u.origin === origin;
}

async function finish(code) {
  try {
    await context?.close();
  } catch {}
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  process.exit(code);
}

async function fail(stepName, err) {
  const message = String(err instanceof Error ? err.message : err).replace(/\x1b\[[0-9;]*m/g, '');
  console.log(`FAIL ${stepName}: ${message.trim().split('\n').join('\n     ')}`);
  if (pageErrors.length) console.log(`     page errors: ${pageErrors.join(' | ')}`);
  if (foreign.length) console.log(`     requests to other origins: ${foreign.join(' ')}`);
  try {
    if (page) {
      await page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true, timeout: 5000 });
      console.log(`     screenshot: ${path.join(outDir, 'failure.png')}`);
    }
  } catch (e) {
    console.log(`     (no failure screenshot: ${e.message.split('\n')[0]})`);
  }
  await finish(1);
}

setTimeout(() => {
  console.log(`FAIL run: expected the whole run to end within ${RUN_TIMEOUT} ms; it did not`);
  process.exit(1);
}, RUN_TIMEOUT).unref();

async function step(name, fn) {
  try {
    const note = await fn();
    console.log(`ok   ${name}${note ? ` (${note})` : ''}`);
  } catch (e) {
    await fail(name, e);
  }
}

// Polls until fn() returns a truthy value; throws Mismatch(expected, last value seen) at the deadline.
async function until(expected, fn, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let seen;
  for (;;) {
    try {
      seen = await fn();
      if (seen?.ok) return seen.value;
      seen = seen?.seen;
    } catch (e) {
      seen = e.message.split('\n')[0];
    }
    if (Date.now() > deadline) throw new Mismatch(expected, seen === undefined ? 'nothing' : JSON.stringify(seen));
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function visible(locator, what) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: TIMEOUT });
  } catch {
    throw new Mismatch(`${what} to be visible within ${TIMEOUT} ms`, `${await locator.count()} matching element(s), none visible`);
  }
  return locator.first();
}

const text = async (locator) => ((await locator.count()) ? (await locator.first().innerText()).trim() : '');

// The Swagger UI block of one operation, found by its path (the operationId is not known here).
const operation = () =>
  page.locator(`.opblock.opblock-${OP_METHOD}`).filter({
    has: page.locator(`.opblock-summary-path[data-path=${JSON.stringify(OP_PATH)}]`),
  });

// Executes the expanded, tried-out operation and waits for a live status that is not `previous`.
async function execute(op, previous) {
  await (await visible(op.locator('button.execute'), '"Execute" button')).click();
  const cell = op.locator('.live-responses-table tbody tr.response td.response-col_status');
  return until(`a live response status${previous ? ` other than ${previous}` : ''}`, async () => {
    const t = (await text(cell)).replace(/\s+/g, ' ');
    const status = /^\d{3}/.exec(t)?.[0];
    return { ok: status && status !== previous, value: { status, cell: t }, seen: t || 'no live response' };
  });
}

const liveBody = async (op) => text(op.locator('.live-responses-table tbody tr.response td.response-col_description pre'));

await step('launch chromium', async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'towerapi-docs-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: TIMEOUT,
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  context.on('request', (r) => {
    requests.push(r.url());
    if (!allowed(r.url())) foreign.push(r.url());
    if (r.method() === 'POST' && /\/token$/.test(new URL(r.url()).pathname)) {
      tokenRequests.push({ authorization: r.headers().authorization, body: r.postData() });
    }
  });
  context.on('response', (r) => {
    const type = r.request().resourceType();
    if (r.status() >= 400 && ['document', 'script', 'stylesheet', 'image', 'font'].includes(type)) {
      badResponses.push(`${r.status()} ${type} ${r.url()}`);
    }
  });
  // Nothing leaves for another origin: such a request is recorded (above) and aborted here.
  await context.route('**/*', (route) => (allowed(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(`/docs: ${e.message}`));
  return `${CHROMIUM}, ${context.browser()?.version() ?? 'persistent context'}`;
});

await step('a. /docs shows the operations', async () => {
  const res = await page.goto(at('docs'), { waitUntil: 'domcontentloaded' });
  if (!res || res.status() !== 200) throw new Mismatch('GET /docs to answer 200', res ? res.status() : 'no response');
  await visible(page.locator('.opblock'), 'operation blocks');
  const n = await operation().count();
  if (n !== 1) {
    const paths = await page.locator('.opblock-summary-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    throw new Mismatch(`one ${OP_METHOD.toUpperCase()} ${OP_PATH} operation`, `${n}; paths shown: ${JSON.stringify(paths)}`);
  }
  return `${await page.locator('.opblock').count()} operations`;
});

await step(`a. ${OP_METHOD.toUpperCase()} ${OP_PATH} before logging in: 401, documented`, async () => {
  const op = operation();
  await op.locator('.opblock-summary').first().click();
  await (await visible(op.locator('button.try-out__btn'), '"Try it out" button')).click();
  const lock = await op.locator('.authorization__btn').first().getAttribute('aria-label');
  if (lock !== 'authorization button unlocked') throw new Mismatch('the operation lock to show "unlocked" before logging in', lock);
  const { status, cell } = await execute(op);
  if (status !== '401') throw new Mismatch('live response status 401', cell);
  if (/undocumented/i.test(cell)) throw new Mismatch('401 to be a documented response', cell);
  const documented = await op
    .locator('table.responses-table:not(.live-responses-table) > tbody > tr.response')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
  for (const code of ['200', '401']) {
    if (!documented.includes(code)) throw new Mismatch(`${code} in the documented responses`, JSON.stringify(documented));
  }
  await page.screenshot({ path: path.join(outDir, 'docs-before.png'), fullPage: true });
  return `live ${cell}; documented ${documented.join(', ')}; body ${JSON.stringify(await liveBody(op))}`;
});

await step(`b. Authorize (${SCHEME}, password flow) as ${USER}`, async () => {
  await (await visible(page.locator('.auth-wrapper button.authorize'), 'the "Authorize" button')).click();
  const modal = await visible(page.locator('.modal-ux'), 'the authorization dialog');
  const box = modal.locator('.auth-container').filter({ has: page.locator('h4', { hasText: SCHEME }) });
  if ((await box.count()) !== 1) {
    throw new Mismatch(`one ${SCHEME} entry in the dialog`, JSON.stringify(await modal.locator('.auth-container h4').allInnerTexts()));
  }
  const flow = await text(box.locator('h4'));
  if (!/password/i.test(flow)) throw new Mismatch(`${SCHEME} to be an OAuth2 password flow`, flow);
  await box.locator('#oauth_username').fill(USER);
  await box.locator('#oauth_password').fill(PASSWORD);
  const offered = await box.locator('.scopes input[type=checkbox]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  const ticked = [];
  for (const scope of [...SCOPES_WANTED, ...SCOPES_IF_OFFERED]) {
    if (!offered.includes(scope)) {
      if (SCOPES_WANTED.includes(scope)) throw new Mismatch(`the scope ${scope} to be offered`, JSON.stringify(offered));
      continue;
    }
    const input = box.locator(`.scopes input[type=checkbox][data-value="${scope}"]`);
    // The input itself is hidden by Swagger UI's CSS; its label is what a person clicks.
    const id = await input.getAttribute('id');
    await box.locator(`label[for="${id}"]`).click();
    if (!(await input.isChecked())) throw new Mismatch(`the scope ${scope} ticked`, 'unticked after a click on its label');
    ticked.push(scope);
  }
  await box.locator('button.modal-btn.authorize', { hasText: 'Authorize' }).click();
  await until('the dialog to say "Authorized" (with a "Logout" button)', async () => {
    const h6 = await box.locator('h6').allInnerTexts();
    const errors = (await box.locator('.errors').allInnerTexts()).join(' ').trim();
    const logout = await box.locator('button', { hasText: 'Logout' }).count();
    return { ok: h6.includes('Authorized') && logout === 1, seen: errors ? `error: ${errors}` : `h6 ${JSON.stringify(h6)}` };
  });
  await page.screenshot({ path: path.join(outDir, 'docs-authorized.png'), fullPage: true });
  await modal.locator('button.btn-done').click();
  try {
    await page.locator('.modal-ux').waitFor({ state: 'hidden', timeout: TIMEOUT });
  } catch {
    throw new Mismatch('the dialog to close on "Close"', 'it stayed open');
  }
  const lock = await operation().locator('.authorization__btn').first().getAttribute('aria-label');
  if (lock !== 'authorization button locked') throw new Mismatch('the operation lock to show "locked" once authorized', lock);
  const t = tokenRequests.at(-1);
  return `scopes ${ticked.join(' ')}; token request Authorization ${t?.authorization ?? '(none)'}, body ${t?.body}`;
});

await step(`c. ${OP_METHOD.toUpperCase()} ${OP_PATH} once authorized: 200 with ${USER}`, async () => {
  const op = operation();
  const { status, cell } = await execute(op, '401');
  if (status !== '200') throw new Mismatch('live response status 200', cell);
  const body = await liveBody(op);
  if (!body.includes(USER)) throw new Mismatch(`the response body to contain ${USER}`, JSON.stringify(body));
  const curl = await text(op.locator('.curl-command'));
  if (!/authorization: bearer /i.test(curl)) throw new Mismatch('the request to carry "Authorization: Bearer"', JSON.stringify(curl));
  await page.screenshot({ path: path.join(outDir, 'docs-after.png'), fullPage: true });
  return `live ${cell}; body ${JSON.stringify(body.replace(/\s+/g, ' '))}`;
});

await step('d. /redoc renders every path', async () => {
  const spec = await (await context.request.get(at('openapi.json'), { timeout: TIMEOUT })).json();
  const paths = Object.keys(spec.paths || {});
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`/redoc: ${e.message}`));
  const res = await page.goto(at('redoc'), { waitUntil: 'domcontentloaded' });
  if (!res || res.status() !== 200) throw new Mismatch('GET /redoc to answer 200', res ? res.status() : 'no response');
  await visible(page.getByText(OP_PATH, { exact: true }), `the text ${OP_PATH}`);
  await until(`every path of /openapi.json (${paths.join(' ')}) on the page`, async () => {
    const body = await page.locator('body').innerText();
    if (/Something went wrong/.test(body)) return { ok: false, seen: body.slice(0, 300) };
    const missing = paths.filter((p) => !body.includes(p));
    return { ok: missing.length === 0, seen: `missing ${missing.join(' ')}` };
  });
  await page.screenshot({ path: path.join(outDir, 'redoc.png'), fullPage: true });
  const titles = await page.locator('h2').allInnerTexts();
  return `${paths.length} paths; operation titles ${JSON.stringify(titles.filter((t) => t.trim()).slice(0, 10))}`;
});

await step(`e. every request stayed on ${origin}`, async () => {
  if (foreign.length) throw new Mismatch(`only ${origin} (and data:, blob:) URLs`, foreign.join(' '));
  if (badResponses.length) throw new Mismatch('every page resource to load', badResponses.join(' '));
  return `${requests.length} requests${pageErrors.length ? `; page errors: ${pageErrors.join(' | ')}` : ''}`;
});

console.log(`ok   all steps passed; screenshots in ${outDir}`);
await finish(0);
