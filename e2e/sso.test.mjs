// Single sign-on in Debian's headless Chromium against a real OpenID
// Connect provider (`oidc-provider.mjs`, the certified `oidc-provider`
// package). The Rust test `crates/kasvu/tests/browser.rs` starts the
// provider and Kasvu (with --oidc-issuer) and runs this file with BASE_URL
// and PROVIDER_URL set.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const BASE = process.env.BASE_URL;
const PROVIDER = process.env.PROVIDER_URL;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!BASE || !PROVIDER) throw new Error('BASE_URL and PROVIDER_URL are set by `cargo test --test browser`');

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await fetch(`${PROVIDER}/__test/mode/normal`);
  await browser?.close();
});

async function misbehave(mode) {
  const r = await fetch(`${PROVIDER}/__test/mode/${mode}`);
  assert.equal(r.status, 200);
}

// From Kasvu's sign-in page through the provider's login and consent pages
// and back. Each call is a new browser: no provider session carries over.
async function signInAs(login, start = '/login?next=/account') {
  const context = await browser.newContext({ locale: 'fi-FI' });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${BASE}${start}`);
  await page.getByRole('link', { name: 'Kirjaudu organisaation tunnuksella' }).click();
  await page.waitForURL((url) => url.href.startsWith(PROVIDER));
  const loginPage = page.url();
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'mikä tahansa');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.href !== loginPage);
  // The provider asks for consent the first time.
  if (page.url().startsWith(PROVIDER)) {
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.waitForURL((url) => url.href.startsWith(BASE));
  await page.waitForLoadState();
  return { context, page };
}

test('a person signs in with the city account, then out', async () => {
  const { context, page } = await signInAs('admin');
  assert.equal(new URL(page.url()).pathname, '/account', 'back where sign-in started');
  assert.match(await page.locator('h1').innerText(), /Oma tili/);
  assert.match(await page.locator('main').innerText(), /admin@oulu\.example/);
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
  await page.goto(`${BASE}/account`);
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.equal(axe.violations.length, 0, `axe on the sign-in page: ${axe.violations.map((v) => v.id).join(', ')}`);
  await context.close();
});

test('an e-mail address without a Kasvu user is refused, by name', async () => {
  const { context, page } = await signInAs('stranger');
  assert.equal(new URL(page.url()).pathname, '/login/sso/callback');
  const alert = await page.getByRole('alert').innerText();
  assert.match(alert, /stranger@elsewhere\.example ei ole käyttäjää Kasvussa/);
  await page.goto(`${BASE}/account`);
  assert.equal(new URL(page.url()).pathname, '/login', 'not signed in');
  await context.close();
});

// Signs in while the provider misbehaves; Kasvu must refuse and sign nobody in.
async function refusedWhile(mode, login) {
  await misbehave(mode);
  try {
    const { context, page } = await signInAs(login);
    assert.match(await page.getByRole('alert').innerText(), /vastausta ei voitu varmistaa/);
    await page.goto(`${BASE}/account`);
    assert.equal(new URL(page.url()).pathname, '/login', 'not signed in');
    await context.close();
  } finally {
    await misbehave('normal');
  }
}

test('an ID token made out to another client is refused', () => refusedWhile('audience', 'admin'));

test('a tampered ID token cannot turn a stranger into the admin', () => refusedWhile('tamper', 'stranger'));

test('an e-mail address the provider has not verified is refused', async () => {
  const { context, page } = await signInAs('unverified');
  assert.match(await page.getByRole('alert').innerText(), /vahvistettua sähköpostiosoitettasi/);
  await context.close();
});

test('a callback link opened in another browser signs nobody in', async () => {
  const context = await browser.newContext({ locale: 'fi-FI' });
  const page = await context.newPage();
  const response = await page.goto(`${BASE}/login/sso/callback?code=stolen&state=stolen`);
  assert.equal(response.status(), 400);
  assert.match(await page.getByRole('alert').innerText(), /aloitettiin toisessa selaimessa/);
  await context.close();
});

// Issue 20: with no page asked for, signing in lands on "My work".
test('single sign-on without a page asked for lands on "My work"', async () => {
  const { context, page } = await signInAs('admin', '/login');
  assert.equal(new URL(page.url()).pathname, '/my');
  assert.match(await page.locator('h1').innerText(), /Oma työ/);
  await context.close();
});
