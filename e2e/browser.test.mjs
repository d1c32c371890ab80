// Browser tests of Kasvu in Debian's headless Chromium: sign in, switch
// language, keyboard use, and axe-core (WCAG 2.1 A/AA) on every page with
// zero violations. The Rust test `crates/kasvu/tests/browser.rs` starts the
// real binary and runs this file with BASE_URL set.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const BASE = process.env.BASE_URL;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = new URL('./test-results/', import.meta.url).pathname;
if (!BASE) throw new Error('BASE_URL is not set: run through `cargo test --test browser`');

let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
});

// A Finnish user's browser; Kasvu follows Accept-Language until the switch is used.
const finnish = (options = {}) => browser.newContext({ locale: 'fi-FI', ...options });

async function expectNoViolations(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`,
  );
  assert.equal(results.violations.length, 0, `axe violations on ${label}:\n  ${summary.join('\n  ')}`);
  assert.ok(results.passes.length > 10, `axe ran checks on ${label}`);
}

async function visit(page, path, label = path) {
  const response = await page.goto(BASE + path);
  await expectNoViolations(page, label);
  return response;
}

test('public pages have no accessibility violations, in Finnish by default', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await visit(page, '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'fi');
  assert.match(await page.locator('h1').innerText(), /lapsille, nuorille ja perheille/);
  await page.screenshot({ path: SHOTS + 'home.png', fullPage: true });
  await visit(page, '/organisation', 'the organisation overview');
  assert.match(await page.locator('h1').innerText(), /Kasvu/);
  await visit(page, '/units/oulu');
  await visit(page, '/units/keskinen');
  await visit(page, '/units/tuira');
  await visit(page, '/actors', 'the register of regional actors with review flags');
  await visit(page, '/actors?sector=third_sector&area=tuira', 'the register filtered');
  await visit(page, '/actors/mll-tuira', "an actor's public entry");
  await visit(page, '/projects', 'the project database with its filters and totals');
  await visit(page, '/projects/1', "seed 004's project");
  await visit(page, '/projects?portfolio=Hyvinvointisalkku+2014-2020&year=2015', 'the project database filtered');
  await visit(page, '/units/tuiran-koulu');
  await visit(page, '/units/hietasaari', 'an ended cluster');
  await visit(page, '/login');
  const missing = await visit(page, '/units/no-such-unit', 'the 404 page');
  assert.equal(missing.status(), 404);
  await context.close();
});

test('measurement pages have no accessibility violations in any language', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await visit(page, '/indicators');
  await visit(page, '/indicators/shps_lonely?unit=itainen', 'an indicator with breakdowns and a hidden cell');
  await visit(page, '/indicators/lp_trained_share', 'a ratio with a target');
  await visit(page, '/indicators/pilot_phone_calls?unit=keskinen', 'a monthly indicator with sub-units');
  await visit(page, '/units/keskinen/dashboard', 'an area dashboard');
  await visit(page, '/plans', 'the plans');
  await visit(page, '/plans/1', 'the results chain');
  await visit(page, '/plans/2', 'a regional development plan');
  await visit(page, '/plans/1/report?year=2025', 'the yearly welfare report');
  await visit(page, '/plans/1?right=participation&status=ongoing', 'the results chain, filtered');
  await page.emulateMedia({ media: 'print' });
  await page.goto(BASE + '/plans/1');
  await expectNoViolations(page, 'the results chain in print');
  await page.goto(BASE + '/plans/1/report?year=2025');
  await expectNoViolations(page, 'the welfare report in print');
  await page.screenshot({ path: SHOTS + 'report-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  // The chart is an image with a name, and its figures are in a table beside it.
  const chart = page.locator('svg.chart');
  await page.goto(BASE + '/indicators/shps_lonely?unit=oulu');
  assert.equal(await chart.getAttribute('role'), 'img');
  assert.ok((await page.locator('table.data-table tbody tr').count()) >= 5);
  await page.screenshot({ path: SHOTS + 'indicator.png', fullPage: true });
  // The unit chooser works without JavaScript: a plain GET form.
  await page.selectOption('#unit', 'pohjoinen');
  await page.getByRole('button', { name: 'Näytä' }).click();
  await page.waitForURL(/unit=pohjoinen/);
  assert.match(await page.locator('h1').innerText(), /Pohjoinen alue/);
  for (const lang of ['sv', 'en']) {
    await page.goto(BASE + `/lang/${lang}?next=/units/pohjoinen/dashboard`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await expectNoViolations(page, `dashboard in ${lang}`);
  }
  await context.close();
});

test('the skip link is the first stop for the keyboard and moves focus to the content', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/units/keskinen');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  assert.equal(focused, '#main');
  assert.ok(await page.locator('a.skip-link').isVisible(), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  // A fragment navigation finishes after the key press returns: wait for it
  // rather than read the URL at once (CI once read it too early).
  await page.waitForURL(/#main$/);
  assert.equal(await page.evaluate(() => location.hash), '#main');
  await context.close();
});

test('the language switch changes the language and the lang attribute', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/units/keskinen');
  await page.getByRole('link', { name: 'På svenska' }).click();
  await page.waitForURL(BASE + '/units/keskinen');
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  assert.equal(await page.locator('h1').innerText(), 'Centrala området');
  await expectNoViolations(page, 'area page in Swedish');
  await page.getByRole('link', { name: 'In English' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Central area');
  await expectNoViolations(page, 'area page in English');
  await page.getByRole('link', { name: 'Suomeksi' }).click();
  assert.equal(await page.getAttribute('html', 'lang'), 'fi');
  await context.close();
});

test('an admin signs in, and every page they reach has no violations', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/admin/units');
  // Signed out: sent to the login page, which returns here afterwards.
  assert.match(page.url(), /\/login\?next=/);
  await page.getByLabel('Sähköposti').fill('admin@oulu.example');
  await page.getByLabel('Salasana').fill('wrong password');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /väärä/);
  await expectNoViolations(page, 'login with an error');
  await page.getByLabel('Salasana').fill('demo-admin-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/admin/units');
  assert.match(await page.locator('.account').innerText(), /Anna Ylläpitäjä/);
  await expectNoViolations(page, '/admin/units');
  await page.screenshot({ path: SHOTS + 'admin-units.png', fullPage: true });

  await visit(page, '/units/keskinen', 'area page with people');
  assert.ok(await page.getByRole('heading', { name: 'Henkilöt' }).isVisible());
  await visit(page, '/admin/units/tuiran-koulu/edit');
  await visit(page, '/admin/units/new?parent=tuira');
  // Submit the empty form: errors are listed and tied to their fields.
  await page.getByRole('button', { name: 'Tallenna' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /Lomakkeessa on virheitä/);
  assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
  await expectNoViolations(page, 'unit form with errors');
  await page.screenshot({ path: SHOTS + 'unit-form-errors.png', fullPage: true });

  // A real change through the form shows up in the audit log.
  await page.goto(BASE + '/admin/units/new?parent=tuira');
  await page.getByLabel('Tunnus').fill('tuiran-nuorisotalo');
  await page.getByLabel('Taso').selectOption('unit');
  await page.getByLabel('Tyyppi').selectOption('youth_centre');
  await page.getByLabel('Nimi suomeksi').fill('Tuiran nuorisotalo');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.waitForURL(/\/admin\/units\?saved=tuiran-nuorisotalo/);
  assert.match(await page.locator('.notice').innerText(), /tuiran-nuorisotalo/);
  await visit(page, '/admin/users');
  await visit(page, '/plans/1', 'the results chain with the lifecycle and follow-up forms');
  await page.locator('details.follow-up summary').first().click();
  await expectNoViolations(page, 'an open follow-up form');
  // A new version, and the two side by side.
  await page.getByRole('button', { name: 'Aloita uusi versio' }).click();
  await page.waitForURL(/saved=version/);
  await page.locator('details.draft-content summary').click();
  await expectNoViolations(page, 'a draft with its content form open');
  await page.getByRole('link', { name: 'Vertaa edelliseen versioon' }).click();
  await page.waitForURL(/versions\/compare/);
  await expectNoViolations(page, 'two versions side by side');
  await visit(page, '/admin/audit');
  assert.match(await page.locator('table.audit').innerText(), /tuiran-nuorisotalo/);

  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
  await page.waitForURL(BASE + '/');
  assert.ok(await page.getByRole('link', { name: 'Kirjaudu sisään' }).isVisible());
  await context.close();
});

test('pages work on a phone-sized screen', async () => {
  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await visit(page, '/', 'home on a phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no sideways scrolling');
  await page.screenshot({ path: SHOTS + 'home-phone.png', fullPage: true });
  await visit(page, '/indicators/shps_hobby?unit=keskinen', 'an indicator on a phone');
  const chartOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(chartOverflow, false, 'the chart fits a phone');
  await context.close();
});

test('staff enter figures with the keyboard; errors are tied to fields; targets and comparison pages are accessible', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/units/kaakkurin-koulu/entry');
  await page.getByLabel('Sähköposti').fill('tyontekija.kaakkuri@oulu.example');
  await page.getByLabel('Salasana').fill('demo-tyontekija-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(/\/units\/kaakkurin-koulu\/entry/);
  // Choose the newest half-year with the plain GET form.
  const half = await page.locator('optgroup[label="Vuosipuoliskot"] option').first().getAttribute('value');
  await page.selectOption('#period-choice', half);
  await page.getByRole('button', { name: 'Näytä' }).click();
  await page.waitForURL(new RegExp(`period=${half}`));
  await expectNoViolations(page, 'the data-entry form');
  // Type with the keyboard only: more trained staff than staff is refused.
  await page.locator('#v-lp_trained-total').focus();
  await page.keyboard.type('30');
  await page.locator('#v-staff-total').fill('');
  await page.locator('#v-staff-total').focus();
  await page.keyboard.type('25');
  await page.keyboard.press('Enter');
  await page.waitForLoadState();
  assert.match(await page.locator('.error-summary').innerText(), /Lomakkeessa on virheitä/);
  assert.equal(await page.getAttribute('#v-lp_trained-total', 'aria-invalid'), 'true');
  await expectNoViolations(page, 'the data-entry form with an error');
  await page.screenshot({ path: SHOTS + 'entry-errors.png', fullPage: true });
  await page.locator('#v-lp_trained-total').fill('20');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.waitForURL(/created=/);
  assert.match(await page.locator('[role=status]').innerText(), /Tallennettu/);
  // The same figures by file upload: the job page shows a progress bar and
  // refreshes itself (no script) until the import is done.
  await visit(page, '/imports', 'the import page');
  const quarter = await (async () => {
    await page.goto(BASE + '/units/kaakkurin-koulu/entry');
    return page.locator('optgroup[label="Neljännekset"] option').first().getAttribute('value');
  })();
  await page.goto(BASE + '/imports');
  await page.setInputFiles('#file', {
    name: 'lp.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`indicator,orgunit,period,value\nlp_discussions,kaakkurin-koulu,${quarter},9\n`),
  });
  await page.getByRole('button', { name: 'Aloita tuonti' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f]+$/);
  await page.locator('p.notice[role=status]').waitFor({ timeout: 10000 });
  assert.match(await page.locator('p.notice[role=status]').innerText(), /Valmis/);
  await expectNoViolations(page, 'a finished import');
  await context.close();

  const manager = await finnish();
  const mp = await manager.newPage();
  await mp.goto(BASE + '/login?next=/units/keskinen/targets');
  await mp.getByLabel('Sähköposti').fill('aluepaallikko.keskinen@oulu.example');
  await mp.getByLabel('Salasana').fill('demo-keskinen-2026');
  await mp.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await mp.waitForURL(/\/units\/keskinen\/targets/);
  await expectNoViolations(mp, 'the targets page');
  await mp.getByLabel('Mittari').selectOption('shps_lonely');
  // Periods are chosen by name, never typed as codes.
  await mp.locator('#t-period').selectOption({ label: '2027' });
  await mp.locator('#t-value').fill('9,5');
  await mp.getByRole('button', { name: 'Tallenna' }).first().click();
  await mp.waitForURL(/saved=target/);
  await expectNoViolations(mp, 'the targets page with a target');
  await visit(mp, '/units/keskinen/completeness', 'the reporting completeness page');
  await mp.getByLabel('Kausi').selectOption({ index: 5 });
  await mp.getByRole('button', { name: 'Näytä' }).click();
  await expectNoViolations(mp, 'the reporting completeness page for a period');
  await visit(mp, '/compare?indicator=shps_lonely&unit=itainen&unit=keskinen&unit=tuira', 'the comparison page');
  assert.equal(await mp.locator('svg.chart').getAttribute('role'), 'img');
  await mp.screenshot({ path: SHOTS + 'compare.png', fullPage: true });
  await manager.close();
});

test('a leadership team member works the situation room with the keyboard and every team page is accessible', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/teams');
  await page.getByLabel('Sähköposti').fill('johtotiimi.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-johtotiimi-2026');
  await page.getByLabel('Salasana').press('Enter');
  await page.waitForURL(BASE + '/teams');
  await expectNoViolations(page, '/teams');
  await page.getByRole('link', { name: 'Tuiran palvelukeskittymän johtotiimi' }).click();
  await expectNoViolations(page, 'a team page');
  // Kela sits at the table as a guest without an account.
  assert.match(await page.locator('table.guests').innerText(), /Kaisa Kelanen/);
  await page.locator('details summary', { hasText: 'Suunnittele tapaaminen' }).click();
  await expectNoViolations(page, 'a team page with the meeting form open');
  await page.getByRole('link', { name: 'Tilannehuone' }).first().click();
  await expectNoViolations(page, 'the situation room');
  await page.emulateMedia({ media: 'print' });
  await expectNoViolations(page, 'the situation room printed');
  await page.screenshot({ path: SHOTS + 'situation-room-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  // The next meeting: a promise typed and sent with the keyboard only.
  await page.locator('dl.facts a').first().click();
  await expectNoViolations(page, 'a meeting page');
  const promise = page.getByLabel('Mitä lupaan tehdä ennen seuraavaa johtotiimin tapaamista?');
  await promise.focus();
  await page.keyboard.type('Käyn esittelemässä tilannehuoneen rehtorikokouksessa.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=commitment/);
  assert.match(await page.locator('#made').locator('..').innerText(), /rehtorikokouksessa/);
  await page.locator('details.review summary').first().click();
  await expectNoViolations(page, 'a meeting page with a review form open');
  await visit(page, '/my/commitments', 'my commitments');
  await visit(page, '/actors/mll-tuira', "an actor's entry for staff");
  await page.locator('details.propose summary').click();
  await expectNoViolations(page, 'the proposal form open');
  await page.goto(BASE + '/teams');
  await page.getByRole('link', { name: 'Yhteisövaikuttavuuden oppimisverkosto' }).click();
  await page.getByRole('link', { name: 'Oppimisverkoston vertailu' }).click();
  await expectNoViolations(page, 'the learning network comparison');
  assert.match(await page.locator('#shared').locator('..').innerText(), /Kokkolan keskustan/);
  await visit(page, '/feedback', 'feedback rounds with the new-round form');
  await page.getByRole('link', { name: 'Vanhempien palaute: tuki arjessa' }).click();
  await expectNoViolations(page, 'feedback results with charts, tables and the QR code');
  assert.ok(await page.locator('figure svg[role="img"] title').count() > 0, 'charts have titles');
  await page.screenshot({ path: SHOTS + 'feedback-results.png', fullPage: true });
  await context.close();
});

test('a child answers a feedback round on a phone without signing in', async () => {
  // Find the open round's public link as staff, then answer as nobody.
  const staff = await finnish();
  const sp = await staff.newPage();
  await sp.goto(BASE + '/login?next=/feedback');
  await sp.getByLabel('Sähköposti').fill('johtotiimi.tuira@oulu.example');
  await sp.getByLabel('Salasana').fill('demo-johtotiimi-2026');
  await sp.getByLabel('Salasana').press('Enter');
  await sp.waitForURL(BASE + '/feedback');
  await sp.getByRole('link', { name: 'Lasten palaute: viihdyn koulussa' }).click();
  const link = await sp.locator('#share ~ p a, section[aria-labelledby="share"] a').first().getAttribute('href');
  await staff.close();

  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
  await expectNoViolations(page, 'the public answer form on a phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no sideways scrolling');
  assert.equal(await page.getByRole('link', { name: 'Kirjaudu ulos' }).count(), 0, 'nobody is signed in');
  // Tap targets are at least 44 px high.
  const box = await page.locator('.answer-form .choice label').first().boundingBox();
  assert.ok(box.height >= 44, `tap target ${box.height} px`);
  // The faces are pictures; each radio's accessible name is its word.
  await page.getByRole('radio', { name: 'hyvä', exact: true }).check();
  await page.getByRole('radio', { name: 'Kyllä' }).check();
  await page.screenshot({ path: SHOTS + 'answer-phone.png', fullPage: true });
  await page.getByRole('button', { name: 'Lähetä vastaukset' }).click();
  await expectNoViolations(page, 'the thank-you page');
  assert.match(await page.locator('h1').innerText(), /Kiitos/);
  await context.close();
});

test('the network pages: the map, paths, practices and search are accessible and work with the keyboard', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await visit(page, '/network', 'the collaboration map');
  assert.ok(await page.locator('svg.network-map[role="img"]').isVisible());
  const nodes = await page.locator('svg.network-map g.node').count();
  const rows = await page.locator('table:has(caption:text("Verkostoluvut toimijoittain")) tbody tr').count();
  assert.equal(nodes, rows, 'every node of the map is in the table beside it');
  assert.equal(
    await page.locator('svg.network-map line.edge').count(),
    await page.locator('tr.edge-row').count(),
    'every link of the map is in the links table',
  );
  await page.screenshot({ path: SHOTS + 'network-map.png', fullPage: true });
  await visit(page, '/network?area=kaakkuri', 'the map of a cluster that lacks sectors');
  assert.match(await page.locator('.warning').innerText(), /puuttuu/);
  await visit(page, '/network?sector=parish', 'the map filtered by sector');
  await visit(page, '/paths', 'the one-contact paths');
  await visit(page, '/paths/huoli-koulunkaynnista', 'a one-contact path');
  assert.equal(await page.locator('ol.path-steps > li').count(), 4);
  await visit(page, '/practices', 'the good practices library');
  await visit(page, '/practices/lp-toimintamalli', 'a good practice');
  await visit(page, '/projects/1', 'a project with its actors, goals and practices');

  // Search with the keyboard only: the search field from the navigation,
  // typed query, Enter, then Tab to the first facet and follow it.
  await page.goto(BASE + '/');
  await page.getByRole('link', { name: 'Haku' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + '/search');
  await page.getByLabel(/Hae toimijoita/).focus();
  await page.keyboard.type('perhekeskukset');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=perhekeskukset/);
  assert.ok((await page.locator('ol.search-results > li').count()) >= 5);
  assert.ok((await page.locator('ol.search-results mark').count()) >= 3, 'matches are highlighted');
  await expectNoViolations(page, 'search results with facets');
  await page.screenshot({ path: SHOTS + 'search.png', fullPage: true });
  const facet = page.locator('nav.facets a').first();
  await facet.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/kind=actor/);
  assert.equal(await page.locator('nav.facets a[aria-current="true"]').count(), 1);
  await expectNoViolations(page, 'search narrowed by a facet');
  await context.close();
});

test('a family reads a one-contact path on a phone', async () => {
  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await visit(page, '/paths/perhe-kriisissa', 'a path on a phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'no sideways scrolling');
  await visit(page, '/search?q=neuvola', 'search on a phone');
  const searchOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(searchOverflow, false, 'search fits a phone');
  await page.screenshot({ path: SHOTS + 'path-phone.png', fullPage: true });
  await context.close();
});

test('a manager enters a collaboration on the map with the keyboard', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/network');
  await page.getByLabel('Sähköposti').fill('aluepaallikko.keskinen@oulu.example');
  await page.getByLabel('Salasana').fill('demo-keskinen-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/network');
  const before = await page.locator('tr.edge-row').count();
  await expectNoViolations(page, 'the map with the form to enter a collaboration');
  await page.getByLabel('Toimija', { exact: true }).selectOption('kela-oulu');
  await page.getByLabel('Kumppani').selectOption('tuiran-seurakunta');
  await page.getByLabel('Yhteistyön tyyppi').selectOption('consultation');
  await page.getByLabel('Kuvaus').fill('Etuusneuvonta seurakunnan perhetyössä');
  await page.getByLabel('Kuvaus').press('Enter');
  await page.waitForURL(/saved=linked/);
  assert.equal(await page.locator('tr.edge-row').count(), before + 1);
  await expectNoViolations(page, 'the map after a collaboration was entered');
  await visit(page, '/paths/edit?code=huoli-koulunkaynnista', 'the form of a path, filled in');
  await visit(page, '/paths/edit', 'the form of a new path');
  await context.close();
});

test('a planner describes a good practice in a form', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/practices');
  await page.getByLabel('Sähköposti').fill('admin@oulu.example');
  await page.getByLabel('Salasana').fill('demo-admin-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/practices');
  await page.getByRole('link', { name: 'Kuvaa uusi käytäntö' }).click();
  await expectNoViolations(page, 'the form of a new practice');
  await page.getByLabel('Tunnus').fill('taideneuvola');
  await page.getByLabel('Nimi suomeksi').fill('Taideneuvola');
  await page.getByLabel('Kuvaus').fill('Taidetoimintaa neuvolan odotustilassa vauvaperheille.');
  await page.getByLabel('Tuiran palvelukeskittymä').check();
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.waitForURL(BASE + '/practices/taideneuvola');
  assert.match(await page.locator('h1').innerText(), /Taideneuvola/);
  await expectNoViolations(page, 'the new practice');
  await visit(page, '/projects/edit?id=1', "the form of seed 004's project, filled in");
  await visit(page, '/projects/edit', 'the form of a new project');
  await context.close();
});

test('a family finds a hobby on a phone with the keyboard only', async () => {
  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  const fits = async (label) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, `${label} fits a phone`);
  };
  await visit(page, '/families', 'the families page on a phone');
  await fits('the families page');
  // From the families page to the treasure chest, then the filters, by keyboard.
  await page.getByRole('link', { name: /Harrastamisen aarrearkku/ }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + '/hobbies');
  await expectNoViolations(page, 'the hobby treasure chest on a phone');
  await fits('the treasure chest');
  const search = page.getByRole('button', { name: 'Hae harrastuksia' });
  const box = await search.boundingBox();
  assert.ok(box.height >= 44, `the search button is a large tap target (${box.height} px)`);
  await page.getByLabel('Alue').focus();
  await page.keyboard.type('Keskinen');
  await page.keyboard.press('Tab');
  await page.keyboard.type('8');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/hobbies\?area=keskinen&age=8/);
  const cards = page.locator('ul.cards > li');
  assert.equal(await cards.count(), 2);
  assert.match(await page.locator('#results').innerText(), /2 harrastusta/);
  await expectNoViolations(page, 'hobbies found on a phone');
  await page.screenshot({ path: SHOTS + 'hobbies-phone.png', fullPage: true });
  // Tab on to the first result and open it.
  await page.locator('ul.cards a').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/activities\/\d+$/);
  await expectNoViolations(page, 'a hobby on a phone');
  await fits('a hobby');
  assert.ok((await page.locator('ul.occurrences > li').count()) > 0, 'its next times');
  await context.close();
});

test('calendars, places and the wish form on a phone', async () => {
  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true });
  const page = await context.newPage();
  const fits = async (label) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, `${label} fits a phone`);
  };
  await visit(page, '/calendar?area=tuira', "a cluster's month on a phone");
  await fits('the month view');
  await page.screenshot({ path: SHOTS + 'calendar-phone.png', fullPage: true });
  await visit(page, '/calendar?area=keskinen&view=list', "an area's list on a phone");
  await fits('the list view');
  assert.ok((await page.locator('section.cal-day').count()) > 0);
  await visit(page, '/places', 'meeting places on a phone');
  await fits('the places');
  await visit(page, '/places/tuiran-perhekeskus', 'a family centre on a phone');
  await visit(page, '/paths', 'the help pages with the guidance number on a phone');
  assert.match(await page.locator('.guidance').innerText(), /044 703 6600/);
  // A child's wish, sent with the keyboard: Space ticks, Enter sends.
  await visit(page, '/wish', 'the wish form on a phone');
  await fits('the wish form');
  await page.getByLabel('Pelata').focus();
  await page.keyboard.press('Space');
  await page.getByLabel('7–12').focus();
  await page.keyboard.press('Space');
  await page.getByLabel(/Kerro omin sanoin/).focus();
  await page.keyboard.type('pelikerho');
  await page.getByRole('button', { name: 'Lähetä toive' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/wish\?thanks=1/);
  assert.match(await page.locator('[role="status"]').innerText(), /Kiitos/);
  await expectNoViolations(page, 'the thanks for a wish');
  // In Swedish, untranslated content falls back to Finnish, marked so.
  await page.goto(BASE + '/lang/sv?next=/calendar');
  await expectNoViolations(page, 'the calendar in Swedish with Finnish fallbacks');
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  await context.close();
});

test('an organiser writes an activity and the area manager approves it', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/activities/manage');
  await page.getByLabel('Sähköposti').fill('mll.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-mll-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/activities/manage');
  await expectNoViolations(page, "an organiser's activities");
  await page.getByRole('link', { name: 'Uusi toiminta' }).click();
  await expectNoViolations(page, 'the form of a new activity');
  await page.getByLabel('Nimi (fi)').fill('Vauvajumppa');
  await page.getByLabel('Alue', { exact: true }).selectOption('tuira');
  await page.getByLabel('Paikka', { exact: true }).selectOption('tuiran-perhekeskus');
  await page.getByLabel('Kausi alkaa').fill('2026-09-01');
  await page.getByLabel('Kausi päättyy').fill('2027-05-31');
  await page.getByLabel('Viikonpäivä 1').selectOption('5');
  await page.locator('#ss-1').fill('10:00');
  await page.locator('#se-1').fill('10:45');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.waitForURL(/\/activities\/\d+$/);
  assert.match(await page.locator('main').innerText(), /Odottaa hyväksyntää/);
  await expectNoViolations(page, 'an activity waiting for approval');
  await context.close();

  const manager = await finnish();
  const mpage = await manager.newPage();
  await mpage.goto(BASE + '/login?next=/activities/manage');
  await mpage.getByLabel('Sähköposti').fill('aluepaallikko.keskinen@oulu.example');
  await mpage.getByLabel('Salasana').fill('demo-keskinen-2026');
  await mpage.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await mpage.waitForURL(BASE + '/activities/manage');
  await expectNoViolations(mpage, 'the approvals of an area manager');
  await mpage.getByRole('button', { name: /^Julkaise\W+Vauvajumppa$/ }).click();
  await mpage.waitForURL(/saved=1/);
  await mpage.goto(BASE + '/hobbies?area=tuira&day=5');
  assert.match(await mpage.locator('ul.cards').innerText(), /Vauvajumppa/);
  await visit(mpage, '/feedback', 'the feedback page with the children\'s wishes');
  assert.match(await mpage.locator('#wishes').innerText(), /toiveet/);
  await manager.close();
});

// --- Search over everything a reader may see (issue 20, part "search") ---
test('search finds a hobby and a good practice by inflected words, with the keyboard only', async () => {
  const context = await finnish();
  const page = await context.newPage();
  const search = async (words) => {
    await page.goto(BASE + '/');
    await page.getByRole('link', { name: 'Haku' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(BASE + '/search');
    await page.getByLabel(/Hae toimijoita/).focus();
    await page.keyboard.type(words);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp('/search\\?q=' + encodeURIComponent(words)));
  };
  // "taidekerhoon" (into the art club) finds the art club, labelled as a hobby.
  await search('taidekerhoon');
  const results = page.locator('ol.search-results');
  assert.match(await results.innerText(), /Taidekerho 7–10-vuotiaille/);
  assert.match(await results.innerText(), /Harrastus tai tapahtuma/);
  await expectNoViolations(page, 'search finding a hobby');
  // The type filter, then the hobby itself, by keyboard.
  await page.locator('nav.facets a', { hasText: 'Harrastus tai tapahtuma' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/kind=activity/);
  assert.equal(await page.locator('nav.facets a[aria-current="true"]').count(), 1);
  assert.ok((await page.locator('ol.search-results > li').count()) >= 1);
  await expectNoViolations(page, 'search narrowed to hobbies');
  await page.locator('ol.search-results a', { hasText: 'Taidekerho' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/activities\/\d+$/);
  // "haavoittuvuuksista" (of vulnerabilities) finds the LP practice's text.
  await search('haavoittuvuuksista');
  assert.match(await page.locator('ol.search-results').innerText(), /Hyvä käytäntö/);
  await expectNoViolations(page, 'search finding a good practice');
  await page.locator('ol.search-results a[href="/practices/lp-toimintamalli"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/practices\/lp-toimintamalli$/);
  await context.close();
});

// --- The actor register's form (issue 20, part "register") ---
test('an admin adds an actor through the register form; an error is shown beside its field', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/actors/new');
  await page.getByLabel('Sähköposti').fill('admin@oulu.example');
  await page.getByLabel('Salasana').fill('demo-admin-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/actors/new');
  await expectNoViolations(page, 'the form of a new actor');
  await page.getByLabel('Tunnus').fill('nuorisoseura-tuira');
  await page.getByLabel('Toimija', { exact: true }).fill('Tuiran nuorisoseura');
  await page.getByLabel('Mitä tarjoaa').fill('Teatterikerho ja kesäleirit');
  await page.getByLabel('Sähköposti', { exact: true }).fill('ei osoite');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  assert.match(await page.locator('#email-error').innerText(), /\S/);
  await expectNoViolations(page, 'the actor form with an error beside its field');
  await page.getByLabel('Sähköposti', { exact: true }).fill('seura@tuira.example');
  await page.getByRole('button', { name: 'Tallenna' }).click();
  await page.waitForURL(/\/actors\/nuorisoseura-tuira\?saved=created/);
  await expectNoViolations(page, 'a new actor');
  await page.getByRole('link', { name: 'Muokkaa toimijan tietoja' }).click();
  await page.waitForURL(/\/actors\/nuorisoseura-tuira\/edit/);
  await expectNoViolations(page, 'the form of an actor being edited');
  await context.close();
});

// Issue 20 (guests, commitments due at the meeting after): the chair adds a
// partner without an account with the keyboard only, records the guest's
// promise on the upcoming meeting, and the team page shows it due at the
// meeting after that one.
test('the secretary adds a guest with the keyboard and a promise on the upcoming meeting is due at the one after', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/teams');
  await page.getByLabel('Sähköposti').fill('johtotiimi.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-johtotiimi-2026');
  await page.getByLabel('Salasana').press('Enter');
  await page.waitForURL(BASE + '/teams');
  await page.getByRole('link', { name: 'Tuiran palvelukeskittymän johtotiimi' }).click();
  await expectNoViolations(page, 'a team page with its guests');
  const teamUrl = page.url();

  // The guest form, with the keyboard only (type-ahead picks the sector).
  await page.locator('#ag-name').focus();
  await page.keyboard.type('Sari Sosiaaliohjaaja');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Lastensuojelujärjestö ry');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kolmas');
  await page.keyboard.press('Tab');
  await page.keyboard.type('sari@jarjesto.example');
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=guest/);
  const guests = await page.locator('table.guests').innerText();
  assert.match(guests, /Sari Sosiaaliohjaaja/);
  assert.match(guests, /Kolmas sektori/);
  assert.match(guests, /sari@jarjesto\.example/, 'the chair sees the address');
  assert.match(await page.locator('p.notice').innerText(), /Vieras tallennettiin/);
  await expectNoViolations(page, 'a team page after adding a guest');
  await page.locator('tr', { hasText: 'Sari Sosiaaliohjaaja' }).locator('details.guest-edit summary').click();
  await expectNoViolations(page, "a guest's edit form open");

  // The upcoming meeting: the guest's promise recorded there.
  const upcoming = page.locator('#upcoming + ul a').first();
  const upcomingDay = (await upcoming.innerText()).split(' ')[0];
  await upcoming.click();
  await expectNoViolations(page, 'a meeting page with guests');
  await page.locator('#cm-member').focus();
  await page.locator('#cm-member').selectOption({ label: 'Sari Sosiaaliohjaaja (vieras)' });
  await page.keyboard.press('Tab');
  await page.keyboard.type('Tuon järjestön kesäkerhot kalenteriin.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=commitment/);
  assert.match(await page.locator('#made').locator('..').innerText(), /Sari Sosiaaliohjaaja: Tuon järjestön kesäkerhot/);
  assert.doesNotMatch(await page.locator('#due').locator('..').innerText(), /kesäkerhot/, 'not due at the meeting it was made at');
  await expectNoViolations(page, 'a meeting page with a guest\'s promise');

  // The team's open commitments: due at the meeting after the upcoming one.
  await page.goto(teamUrl);
  const row = page.locator('table.commitments tbody tr', { hasText: 'kesäkerhot' });
  const due = (await row.locator('td').nth(2).innerText()).trim();
  const day = (s) => {
    const [d, m, y] = s.split('.').map(Number);
    return new Date(y, m - 1, d);
  };
  assert.ok(day(due) > day(upcomingDay), `due ${due}, after the upcoming meeting of ${upcomingDay}`);
  await context.close();
});

test('long text is written in comfortable boxes, and the yearly report shows its impacts and chart values', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/units/keskinen/targets');
  await page.getByLabel('Sähköposti').fill('aluepaallikko.keskinen@oulu.example');
  await page.getByLabel('Salasana').fill('demo-keskinen-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/units/keskinen/targets');
  const box = page.locator('#a-body');
  const style = await box.evaluate((el) => {
    const s = getComputedStyle(el);
    return { font: s.fontFamily, body: getComputedStyle(document.body).fontFamily, width: el.getBoundingClientRect().width };
  });
  assert.equal(style.font, style.body, 'a text box is in the page\'s font, not monospace');
  assert.ok(style.width > 400, `a text box is wide: ${style.width}px`);
  const before = (await box.boundingBox()).height;
  await box.focus();
  await page.keyboard.type('Rivi\n'.repeat(12));
  const after = (await box.boundingBox()).height;
  assert.ok(after > before, `the box grows with its text: ${before} → ${after}`);
  await expectNoViolations(page, 'the targets page with a long conclusion');
  await visit(page, '/plans/1/report?year=2025', 'the yearly report with impacts and chart values');
  assert.match(await page.locator('#report-impacts').innerText(), /Vaikuttavuus/);
  assert.ok(await page.locator('table.report-chart-values').count() > 0, 'each chart has a table of its values');
  await context.close();
});

// The plan editor (issue 20): a regional planner makes the area's plan and
// builds it with the keyboard only, sees a refusal tied to its field, and a
// new version keeps last year's evaluation in the yearly report.
test('a regional planner makes and edits a plan with forms and the keyboard', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/plans');
  await page.getByLabel('Sähköposti').fill('suunnittelija.pohjoinen@oulu.example');
  await page.getByLabel('Salasana').fill('demo-pohjoinen-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/plans');
  await page.getByRole('link', { name: 'Uusi suunnitelma' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + '/plans/new');
  await expectNoViolations(page, 'the form of a new plan');
  const type = async (label, text, options = {}) => {
    await page.getByLabel(label, options).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  };
  await type('Tunnus', `pohjoinen-${Date.now()}`);
  await type('Otsikko suomeksi', 'Pohjoisen alueen suunnitelma');
  await type('Alkuvuosi', '2025');
  await type('Päättymisvuosi', '2028');
  const parent = page.getByLabel('Koko kunnan suunnitelma, josta alueen suunnitelma johdetaan');
  await parent.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Luo luonnos' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/plans\/\d+\/edit\?saved=created/);
  const editor = page.url().split('?')[0];
  assert.match(await page.locator('[role="status"]').innerText(), /Luonnos on luotu/);
  await expectNoViolations(page, 'the plan editor');

  // An empty goal: the message is beside the field and tied to it.
  await page.locator('#new-goal-name_fi').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/edit\/goal$/);
  const field = page.locator('#new-goal-name_fi');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.match(await field.getAttribute('aria-describedby'), /new-goal-name_fi-error/);
  assert.match(await page.locator('#new-goal-name_fi-error').innerText(), /pakollinen/);
  await expectNoViolations(page, 'the plan editor with a refused goal');

  // A goal and a focus area of the organisation's plan, then a measure.
  const [goal, focus] = (await page.locator('.pe-parent-names li').allInnerTexts())
    .find((t) => t.includes('›'))
    .split(' › ');
  await page.locator('#new-goal-name_fi').focus();
  await page.keyboard.type(goal);
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=goal/);
  const goals = await page.locator('section.pe-goal').count();
  await page.locator(`#g${goals}-new-name_fi`).focus();
  await page.keyboard.type(focus);
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=focus/);
  const addMeasure = page.locator(`a[href$="/edit/measure?at=${goals}.1"]`);
  assert.match(await addMeasure.innerText(), /Lisää toimenpide/);
  await addMeasure.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/edit\/measure\?at=/);
  await expectNoViolations(page, 'the form of a new measure');
  await type('Nimi suomeksi', 'Selaimella lisätty toimenpide');
  await type('Aikataulu', '2025–2026');
  await page.getByLabel('Vastuuyksiköt').selectOption({ index: 0 });
  await page.locator('#rights-participation').focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Tallenna toimenpide' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=measure/);
  assert.match(await page.locator('main').innerText(), /Selaimella lisätty toimenpide/);

  // The new goal moves up one place with its button.
  // The hidden part of a button's name says which item it moves.
  const escaped = goal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByRole('button', { name: new RegExp(`^Siirrä ylös\\W+${escaped}$`) }).last().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=moved/);
  assert.match(await page.locator(`#g${goals - 1}`).innerText(), new RegExp(goal));
  await expectNoViolations(page, 'the plan editor after a move');

  // Last year's evaluation, approval and a new version: the evaluation is
  // in the new version's yearly report.
  const plan = editor.replace(/\/edit$/, '');
  await page.goto(plan);
  const measure = page.locator('li.measure', { hasText: 'Selaimella lisätty toimenpide' });
  await measure.locator('summary').focus();
  await page.keyboard.press('Enter');
  await measure.locator('select[name="period"]').selectOption('2025');
  await measure.locator('select[name="rating"]').selectOption('4');
  await measure.locator('textarea[name="body"]').fill('Selaimella kirjattu arvio vuodelta 2025');
  await measure.locator('form[action$="/evaluation"] button').click();
  await page.waitForURL(/saved=evaluation/);
  await page.locator('#plan-next-status').selectOption('approved');
  await page.locator('#approved_on').fill('2026-02-02');
  await page.locator('#decision_ref').fill('Aluetoimikunta 2.2.2026 § 3');
  await page.locator(`form[action="${plan.replace(BASE, '')}/status"] button`).click();
  await page.waitForURL(/saved=status/);
  await page.getByRole('button', { name: 'Aloita uusi versio' }).click();
  await page.waitForURL(/saved=version/);
  const v2 = page.url().split('?')[0];
  await visit(page, v2.replace(BASE, '') + '/edit', "the new version's editor");
  assert.match(await page.locator('main').innerText(), /Arvioinnit: 2025 4\/5/);
  await visit(page, v2.replace(BASE, '') + '/report?year=2025', "the new version's yearly report");
  assert.match(await page.locator('main').innerText(), /Selaimella kirjattu arvio vuodelta 2025/);
  await context.close();
});

// Issue 20: "My work" as the signed-in home, and a youth forum's "you said, we did".
test('signing in lands on "My work"; a youth forum proposal is recorded and answered with the keyboard', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login');
  await page.getByLabel('Sähköposti').fill('neuvola.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-neuvola-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/my');
  assert.match(await page.locator('h1').innerText(), /Oma työ/);
  assert.match(await page.locator('main').innerText(), /Kutsun perhekeskuksen työntekijän/);
  assert.ok(await page.getByRole('link', { name: 'Omat sitoumukseni' }).first().isVisible());
  await expectNoViolations(page, 'My work of a leadership-team member');
  await context.close();

  const staff = await finnish();
  const spage = await staff.newPage();
  await spage.goto(BASE + '/login?next=/forums');
  await spage.getByLabel('Sähköposti').fill('admin@oulu.example');
  await spage.getByLabel('Salasana').fill('demo-admin-2026');
  await spage.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await spage.waitForURL(BASE + '/forums');
  await expectNoViolations(spage, 'the forums');
  await spage.getByRole('link', { name: 'Hiukkavaaran nuorten raati' }).focus();
  await spage.keyboard.press('Enter');
  await spage.waitForURL(/\/forums\/\d+$/);
  const forumUrl = spage.url();
  await expectNoViolations(spage, "a forum's page with its forms");
  await spage.getByLabel('Ehdotus', { exact: true }).focus();
  await spage.keyboard.type('Uimahalliin oma vuoro nuorille perjantai-iltaisin.');
  await spage.getByLabel('Mistä ehdotus tuli').focus();
  await spage.keyboard.type('Talven raatikokous');
  await spage.getByRole('button', { name: 'Kirjaa ehdotus' }).focus();
  await spage.keyboard.press('Enter');
  await spage.waitForURL(/saved=proposal/);
  assert.match(await spage.locator('[role="status"]').innerText(), /Ehdotus kirjattiin/);
  // The newest proposal is first: open its answer form and answer it.
  const item = spage.locator('li.forum-proposal').first();
  assert.match(await item.innerText(), /Uimahalliin oma vuoro/);
  await item.locator('summary').focus();
  await spage.keyboard.press('Enter');
  await item.getByLabel('Hyväksytty', { exact: true }).focus();
  await spage.keyboard.press('Space');
  await item.getByLabel('Vastaus', { exact: true }).focus();
  await spage.keyboard.type('Uimahallin nuorten vuoro alkaa maaliskuussa.');
  await item.getByLabel('Vastaajan tehtävä').focus();
  await spage.keyboard.type('Liikuntapalvelujen aluesuunnittelija');
  await expectNoViolations(spage, 'an open answer form');
  await item.getByRole('button', { name: 'Tallenna' }).focus();
  await spage.keyboard.press('Enter');
  await spage.waitForURL(/saved=answer/);
  await staff.close();

  // The public page: the answer, by role, and no forms.
  const anon = await finnish();
  const apage = await anon.newPage();
  await apage.goto(forumUrl);
  await expectNoViolations(apage, 'the public "you said, we did" page');
  const text = await apage.locator('main').innerText();
  assert.match(text, /Uimahallin nuorten vuoro alkaa maaliskuussa\./);
  assert.match(text, /Vastasi Liikuntapalvelujen aluesuunnittelija/);
  assert.match(text, /Ei mahdollinen/);
  assert.equal(await apage.locator('form[action$="/proposals"]').count(), 0);
  await anon.close();
});

// Issue 21, item 3 (WCAG 1.4.10 Reflow): every page type at 360 px without
// sideways scrolling, measured from the page's own widths. Only the
// designated containers (a wide table's labelled region, the map's panning
// region) may be wider inside than they are; everything else stays within
// the viewport, and each container is a focusable region named by its
// table's caption or the map's title.
test('every page type reflows on a 360 px phone, and the collaboration map fits a desktop', async () => {
  const WIDTH = 360;
  const phone = () => finnish({ viewport: { width: WIDTH, height: 740 }, isMobile: true });
  const signIn = async (page, email, password) => {
    await page.goto(BASE + '/login');
    await page.getByLabel('Sähköposti').fill(email);
    await page.getByLabel('Salasana').fill(password);
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  };
  const href = async (page, name) => page.getByRole('link', { name, exact: true }).first().getAttribute('href');
  let checked = 0;
  // The current page: no sideways scrolling, containers as designated, axe clean.
  const reflows = async (page, label) => {
    const r = await page.evaluate((width) => {
      const containers = [...document.querySelectorAll('.table-scroll, .map-scroll')];
      const describe = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${[...e.classList].map((c) => '.' + c).join('')}`;
      const outside = [];
      for (const e of document.body.querySelectorAll('*')) {
        if (containers.some((c) => c !== e && c.contains(e))) continue;
        const box = e.getBoundingClientRect();
        if (box.width > 0 && (box.right > width + 1 || box.left < -1)) outside.push(`${describe(e)} (${Math.round(box.left)}–${Math.round(box.right)} px)`);
      }
      const unnamed = containers
        .filter((c) => {
          const names = (c.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
          return c.getAttribute('role') !== 'region' || c.getAttribute('tabindex') !== '0' || names.length === 0
            || names.some((id) => !document.getElementById(id)?.textContent.trim());
        })
        .map(describe);
      // Every table is a data table with a caption, inside its own container
      // (the calendar's month grid becomes a list of days on a phone instead).
      const tables = [...document.querySelectorAll('main table:not(.month-grid)')];
      const loose = tables.filter((t) => !t.closest('.table-scroll') || !t.querySelector(':scope > caption')?.textContent.trim()).map(describe);
      return { doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: window.innerWidth, outside, unnamed, loose, tables: tables.length };
    }, WIDTH);
    assert.ok(r.doc <= WIDTH && r.body <= WIDTH && r.inner === WIDTH,
      `${label} scrolls sideways at ${WIDTH} px: page ${r.doc} px, body ${r.body} px, layout viewport ${r.inner} px; outside: ${r.outside.slice(0, 5).join(', ')}`);
    assert.deepEqual(r.outside, [], `${label}: elements outside the viewport`);
    assert.deepEqual(r.unnamed, [], `${label}: scroll containers that are not named, focusable regions`);
    assert.deepEqual(r.loose, [], `${label}: tables without a caption or their own scroll container`);
    await expectNoViolations(page, `${label} at ${WIDTH} px`);
    checked += 1;
  };
  const check = async (page, path, label = path) => {
    const response = await page.goto(BASE + path);
    assert.ok(response.status() < 500, `${label}: ${response.status()}`);
    await reflows(page, label);
  };

  // Public pages, signed out.
  let context = await phone();
  let page = await context.newPage();
  for (const path of ['/', '/families', '/hobbies', '/hobbies?area=keskinen&age=8', '/calendar?area=tuira',
    '/calendar?area=keskinen&view=list', '/places', '/places/tuiran-perhekeskus', '/paths', '/paths/huoli-koulunkaynnista',
    '/practices', '/practices/lp-toimintamalli', '/projects', '/projects/1', '/actors', '/actors/mll-tuira',
    '/units/oulu', '/units/keskinen', '/units/tuiran-koulu', '/indicators', '/indicators/shps_lonely?unit=itainen',
    '/indicators/pilot_phone_calls?unit=keskinen', '/units/keskinen/dashboard',
    '/compare?indicator=shps_lonely&unit=itainen&unit=keskinen&unit=tuira', '/plans', '/plans/1', '/plans/2',
    '/plans/1/report?year=2025', '/plans/2/versions/compare?with=1', '/network', '/search?q=perhekeskukset', '/forums',
    '/wish', '/login', '/units/no-such-unit']) {
    await check(page, path);
  }
  await page.goto(BASE + '/hobbies');
  await check(page, await page.locator('ul.cards a').first().getAttribute('href'), 'a hobby');
  await page.goto(BASE + '/forums');
  await check(page, await href(page, 'Hiukkavaaran nuorten raati'), "a forum's public page");
  await context.close();

  // A leadership-team member: my work, the team, the situation room, a
  // meeting, feedback rounds and their results, the learning network.
  context = await phone();
  page = await context.newPage();
  await signIn(page, 'johtotiimi.tuira@oulu.example', 'demo-johtotiimi-2026');
  for (const path of ['/my', '/my/commitments', '/teams', '/feedback']) await check(page, path);
  await page.goto(BASE + '/teams');
  await check(page, await href(page, 'Tuiran palvelukeskittymän johtotiimi'), 'a team page');
  await check(page, await href(page, 'Tilannehuone'), 'the situation room');
  await check(page, await page.locator('dl.facts a').first().getAttribute('href'), 'a meeting');
  await page.goto(BASE + '/teams');
  await page.goto(BASE + (await href(page, 'Yhteisövaikuttavuuden oppimisverkosto')));
  await check(page, await href(page, 'Oppimisverkoston vertailu'), 'the learning network comparison');
  await page.goto(BASE + '/feedback');
  await check(page, await href(page, 'Vanhempien palaute: tuki arjessa'), 'feedback results');
  await page.goto(BASE + '/feedback');
  await check(page, await href(page, 'Lasten palaute: viihdyn koulussa'), 'an open feedback round with its link');
  const answer = (await page.locator('section[aria-labelledby="share"] a').first().getAttribute('href')).replace(/^https?:\/\/[^/]+/, '');
  await context.close();
  context = await phone();
  page = await context.newPage();
  await check(page, answer, 'the public answer form');
  await context.close();

  // Staff who enter figures: the entry form, imports and an import's page.
  context = await phone();
  page = await context.newPage();
  await signIn(page, 'tyontekija.kaakkuri@oulu.example', 'demo-tyontekija-2026');
  await check(page, '/units/kaakkurin-koulu/entry', 'data entry');
  await check(page, '/imports', 'imports');
  await page.setInputFiles('#file', {
    name: 'wrong.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('indicator,orgunit,period,value\nno_such_indicator,kaakkurin-koulu,2025,1\n'),
  });
  await page.getByRole('button', { name: 'Aloita tuonti' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f]+$/);
  await page.locator('p.notice[role=status], .import-error').first().waitFor({ timeout: 10000 });
  await page.waitForLoadState();
  await reflows(page, "an import's page");
  await context.close();

  // An area manager: targets, completeness, activities, the map with its form.
  context = await phone();
  page = await context.newPage();
  await signIn(page, 'aluepaallikko.keskinen@oulu.example', 'demo-keskinen-2026');
  for (const path of ['/units/keskinen/targets', '/units/keskinen/completeness', '/units/keskinen/dashboard',
    '/activities/manage', '/activities/edit', '/network']) {
    await check(page, path);
  }
  await context.close();

  // An administrator: the register, forms and the admin pages.
  context = await phone();
  page = await context.newPage();
  await signIn(page, 'admin@oulu.example', 'demo-admin-2026');
  for (const path of ['/admin/units', '/admin/units/tuiran-koulu/edit', '/admin/units/new?parent=tuira', '/admin/users',
    '/admin/figure-visibility', '/admin/audit', '/actors/new', '/actors/mll-tuira', '/actors/mll-tuira/edit',
    '/projects/edit?id=1', '/paths/edit?code=huoli-koulunkaynnista', '/practices/edit', '/account', '/plans/1',
    '/units/keskinen', '/search?q=neuvola']) {
    await check(page, path);
  }
  await page.goto(BASE + '/forums');
  await check(page, await href(page, 'Hiukkavaaran nuorten raati'), "a forum's page with its forms");
  await context.close();

  // A regional planner: a new plan, its editor and the form of a measure.
  context = await phone();
  page = await context.newPage();
  await signIn(page, 'suunnittelija.pohjoinen@oulu.example', 'demo-pohjoinen-2026');
  await check(page, '/plans/new', 'the form of a new plan');
  await page.getByLabel('Tunnus').fill(`kapea-${Date.now()}`);
  await page.getByLabel('Otsikko suomeksi').fill('Kapean näytön suunnitelma');
  await page.getByLabel('Alkuvuosi').fill('2025');
  await page.getByLabel('Päättymisvuosi').fill('2028');
  await page.getByLabel('Koko kunnan suunnitelma, josta alueen suunnitelma johdetaan').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Luo luonnos' }).click();
  await page.waitForURL(/\/plans\/\d+\/edit\?saved=created/);
  await reflows(page, 'the plan editor');
  await context.close();
  assert.ok(checked >= 75, `${checked} pages checked`);

  // The collaboration map on a desktop: no wider than the window, its names
  // at a readable size; on a phone it pans inside its region at a size
  // where the names can still be read.
  const nameSize = (p) => p.evaluate(() => {
    const svg = document.querySelector('svg.network-map');
    const text = svg.querySelector('g.node text');
    return {
      svg: svg.getBoundingClientRect().width,
      px: svg.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize),
      doc: document.documentElement.scrollWidth,
    };
  });
  context = await finnish({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await visit(page, '/network', 'the collaboration map on a desktop');
  const desktop = await nameSize(page);
  assert.ok(desktop.svg <= 1280 && desktop.doc <= 1280, `the map is ${desktop.svg} px, the page ${desktop.doc} px wide at 1280 px`);
  assert.ok(desktop.px >= 12, `names on the map are ${desktop.px.toFixed(1)} px on a desktop`);
  await page.screenshot({ path: SHOTS + 'network-map-desktop.png' });
  await context.close();
  context = await phone();
  page = await context.newPage();
  await page.goto(BASE + '/network');
  const small = await nameSize(page);
  assert.ok(small.px >= 10, `names on the map are ${small.px.toFixed(1)} px on a phone`);
  await page.screenshot({ path: SHOTS + 'network-map-phone.png', fullPage: true });
  await context.close();
});

// Issue 20, item 8 and the guests' e-mail: the chair of Tuira's team works
// the team's joint work with the keyboard (an action, a bulletin, a
// training with attendance), adds a members-only file to the document
// library, and sends the held meeting's minutes to the guests (the Rust
// harness checks that the Kela guest's mail arrived with the minutes).
test('the chair keeps the action plan, a bulletin, a training and documents, and mails the minutes to the guests', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/teams');
  await page.getByLabel('Sähköposti').fill('johtotiimi.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-johtotiimi-2026');
  await page.getByLabel('Salasana').press('Enter');
  await page.waitForURL(BASE + '/teams');
  await page.getByRole('link', { name: 'Tuiran palvelukeskittymän johtotiimi' }).click();
  const teamUrl = page.url();
  await page.getByRole('link', { name: 'Yhteinen työ' }).click();
  await expectNoViolations(page, "a team's joint work");
  assert.match(await page.locator('#actions').innerText(), /Yhteinen perehdytys/);

  // An action with the keyboard: open the form, type, choose, send.
  await page.locator('#actions summary', { hasText: 'Lisää tehtävä' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#na-title').focus();
  await page.keyboard.type('Perehdytysaineisto verkkoon');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kaikki kolme kieltä');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Alueen suunnittelija');
  await page.locator('#na-status').selectOption('in_progress');
  await page.locator('#na-status').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/saved=action/);
  const row = page.locator('#actions tbody tr', { hasText: 'Perehdytysaineisto verkkoon' });
  assert.match(await row.innerText(), /Käynnissä/);
  await expectNoViolations(page, 'the joint work after adding an action');

  // A bulletin for the whole staff.
  await page.locator('#bulletins summary', { hasText: 'Julkaise tiedote' }).click();
  await page.locator('#nb-title').fill('Koulutuskalenteri keväälle');
  await page.locator('#nb-body').fill('Kevään koulutukset on nyt ilmoitettu Yhteinen työ -sivulla.');
  await page.getByRole('button', { name: 'Julkaise tiedote' }).click();
  await page.waitForURL(/saved=bulletin/);
  assert.match(await page.locator('#bulletins').innerText(), /Koulutuskalenteri keväälle/);

  // A training, and the demo's past training's attendance by sector.
  await page.locator('#events summary', { hasText: 'Ilmoita tilaisuus' }).click();
  await page.locator('#ne-kind').selectOption('training');
  await page.locator('#ne-title').fill('Kirjaamisen koulutus');
  await page.locator('#ne-held-on').fill('2031-03-04');
  await page.locator('#ne-capacity').fill('25');
  await page.getByRole('button', { name: 'Ilmoita tilaisuus' }).click();
  await page.waitForURL(/\/events\/\d+\?saved=event/);
  await expectNoViolations(page, 'a new training');
  await page.locator('#p-name').fill('Kaisa Kelanen');
  await page.locator('#p-organisation').fill('Kela');
  await page.locator('#p-sector').selectOption('kela');
  await page.getByRole('button', { name: 'Lisää osallistuja' }).click();
  await page.waitForURL(/saved=participant/);
  await page.getByLabel(/Kaisa Kelanen/).check();
  await page.getByRole('button', { name: 'Tallenna osallistuminen' }).click();
  await page.waitForURL(/saved=attendance/);
  const turnout = await page.locator('#turnout + div table').innerText();
  assert.match(turnout, /Kela\s+1\s+1/);
  await expectNoViolations(page, "a training's attendance");

  // The document library: a members-only text file.
  await page.goto(teamUrl.replace(/\/?$/, '') + '/work');
  await page.locator('#documents summary', { hasText: 'Lisää asiakirja' }).click();
  await expectNoViolations(page, 'the document form open');
  await page.locator('#doc-title').fill('Kokousten vuosikello');
  await page.locator('#doc-file').setInputFiles({ name: 'vuosikello.txt', mimeType: 'text/plain', buffer: Buffer.from('Tammikuu: arviointi\n') });
  await page.getByLabel('Vain tiimin jäsenet').check();
  await page.getByRole('button', { name: 'Lisää asiakirja' }).click();
  await page.waitForURL(/saved=document/);
  assert.match(await page.locator('#documents').innerText(), /Kokousten vuosikello \(TXT, 1 kB\)/);
  await expectNoViolations(page, 'the joint work with a new document');

  // On a phone the page reflows.
  await page.setViewportSize({ width: 360, height: 740 });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `the joint work fits a phone: ${widths}`);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The held meeting's minutes to the guests, by e-mail.
  await page.goto(teamUrl);
  const past = page.locator('#past + ul a');
  let found = false;
  for (let i = 0; i < await past.count() && !found; i += 1) {
    await page.goto(teamUrl);
    await page.locator('#past + ul a').nth(i).click();
    found = (await page.locator('main').innerText()).includes('Käytiin läpi syksyn LP-keskustelujen');
  }
  assert.ok(found, 'the demo meeting with minutes');
  await page.getByRole('button', { name: 'Lähetä muistio vieraille' }).click();
  await page.waitForURL(/saved=guest-mail-minutes/);
  assert.match(await page.locator('p.notice').innerText(), /Muistio lähetettiin vieraille/);
  await expectNoViolations(page, 'a meeting after its minutes were mailed');
  await context.close();
});

// --- Issue 21, items 1 and 2: the families' home and places people recognise ---
test("families' home and hobby search on a phone, with the keyboard only", async () => {
  const context = await finnish({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await visit(page, '/', "the families' home on a phone");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, 'the home does not scroll sideways at 360 px');
  // The public header is short: no staff items, no API link.
  assert.equal(await page.locator('header a[href="/indicators"]').count(), 0);
  assert.equal(await page.locator('a[href="/api/v1/openapi.json"]').count(), 0);
  // Places by their everyday names, grouped by area, without ended ones.
  const groups = await page.locator('#fh-area optgroup').evaluateAll((gs) => gs.map((g) => g.label));
  assert.deepEqual(groups.sort(), ['Eteläinen alue', 'Itäinen alue', 'Keskinen alue', 'Pohjoinen alue']);
  const choices = await page.locator('#fh-area option').allInnerTexts();
  assert.ok(choices.includes('Tuira, Pikisaari, Koskikeskus'), choices.join(' | '));
  assert.ok(!choices.some((c) => /palvelukeskittymä|Hietasaari/.test(c)), choices.join(' | '));

  // Tab from the top of the page to the place of the hobby search.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'fh-area');
  }
  assert.ok(reached, 'the hobby search is reachable with Tab');
  // Choose Tuira by typing its name, then the age, and send with Enter.
  await page.keyboard.type('Tuira');
  assert.equal(await page.locator('#fh-area').inputValue(), 'tuira');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'fh-age');
  await page.keyboard.type('8');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/hobbies\?area=tuira&age=8/);
  await expectNoViolations(page, 'the hobby search for Tuira on a phone');
  assert.equal(await page.locator('#f-area').inputValue(), 'tuira', 'the place stays chosen');
  const results = page.locator('ul.cards h3 a[href^="/activities/"]');
  assert.ok((await results.count()) >= 1, 'a hobby in Tuira for an 8-year-old');
  // Tab on to the first result and open it with Enter.
  const first = await results.first().getAttribute('href');
  reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate((href) => document.activeElement?.getAttribute('href') === href, first);
  }
  assert.ok(reached, 'the first result is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(BASE + first);
  await expectNoViolations(page, 'a hobby reached from the home on a phone');
  const after = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(after, false, 'the hobby page does not scroll sideways at 360 px');
  await context.close();
});

test('public choices group places by area, staff see their own header, a further organisation has its home', async () => {
  const context = await finnish();
  const page = await context.newPage();
  for (const [path, id] of [['/hobbies', 'f-area'], ['/calendar', 'f-area'], ['/places', 'p-area'], ['/wish', 'w-area']]) {
    await visit(page, path);
    const texts = await page.locator(`#${id} option`).allInnerTexts();
    assert.ok(texts.includes('Toppila, Toppilansaari, Pohjankartano'), `${path}: ${texts.join(' | ')}`);
    assert.ok(!texts.some((t) => /palvelukeskittymä|Hietasaari/.test(t)), `${path}: ${texts.join(' | ')}`);
    assert.equal(await page.locator(`#${id} optgroup`).count(), 4, `${path}: grouped under the four areas`);
  }
  await visit(page, '/o/soite', "Soite's families' home");
  assert.deepEqual(await page.locator('#fh-area optgroup').evaluateAll((gs) => gs.map((g) => g.label)), ['Kokkolan alue']);

  await page.goto(BASE + '/login');
  await page.getByLabel('Sähköposti').fill('neuvola.tuira@oulu.example');
  await page.getByLabel('Salasana').fill('demo-neuvola-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await visit(page, '/', "the families' home, signed in");
  const staffNav = page.locator('nav.main-nav');
  assert.ok(await staffNav.locator('a[href="/organisation"]').isVisible(), 'staff reach the overview from their header');
  assert.ok(await staffNav.locator('a[href="/indicators"]').isVisible());
  await staffNav.locator('a[href="/organisation"]').click();
  await page.waitForURL(BASE + '/organisation');
  await expectNoViolations(page, 'the organisation overview, signed in');
  await context.close();
});

test('a branded installation keeps contrast and has no accessibility violations', async (t) => {
  const BRAND = process.env.BRAND_URL;
  if (!BRAND) {
    t.skip('BRAND_URL not set');
    return;
  }
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BRAND + '/');
  await expectNoViolations(page, 'the branded home');
  assert.equal(await page.title(), 'Tekemistä ja tukea lapsille, nuorille ja perheille – Oulun kaupunki');
  const header = await page.locator('header.site-header').evaluate((h) => getComputedStyle(h).backgroundColor);
  assert.equal(header, 'rgb(11, 83, 148)', 'the brand colour from /brand.css');
  const logo = page.locator('header img.logo');
  assert.ok(await logo.isVisible());
  assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the logo loads under the CSP');
  await page.goto(BRAND + '/hobbies');
  await expectNoViolations(page, 'the branded hobby search');
  await context.close();
});

test('the upload progress page has no meta refresh and its script updates it to done', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/imports');
  await page.getByLabel('Sähköposti').fill('tyontekija.kaakkuri@oulu.example');
  await page.getByLabel('Salasana').fill('demo-tyontekija-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(BASE + '/imports');
  await page.goto(BASE + '/units/kaakkurin-koulu/entry');
  const quarter = await page.locator('optgroup[label="Neljännekset"] option').first().getAttribute('value');
  await page.goto(BASE + '/imports');
  // One value and many blank rows (read, then skipped): the job runs a while.
  const rows = `lp_discussions,kaakkurin-koulu,${quarter},9\n` + ',,,\n'.repeat(200000);
  await page.setInputFiles('#file', {
    name: 'iso.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`indicator,orgunit,period,value\n${rows}`),
  });
  await page.getByRole('button', { name: 'Aloita tuonti' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f]+$/);
  const jobUrl = page.url();
  let loads = 0;
  page.on('load', () => { loads += 1; });
  assert.equal(await page.locator('meta[http-equiv="refresh" i]').count(), 0, 'no meta refresh');
  // Still running when it opened: the script (from this site) takes over.
  const wasRunning = await page.locator('#import-check').count() > 0;
  if (wasRunning) {
    assert.equal(await page.locator('script[src^="/static/import-progress."]').count(), 1);
  }
  // The status line is a polite live region; the script fills it in.
  assert.equal(await page.getAttribute('#import-status', 'role'), 'status');
  await page.locator('p.notice#import-status').waitFor({ timeout: 30000 });
  assert.match(await page.locator('#import-status').innerText(), /Valmis/);
  assert.ok(wasRunning, 'the job was still running when its page opened');
  assert.equal(page.url(), jobUrl);
  assert.equal(loads, 0, 'the page was not reloaded');
  assert.equal(await page.locator('progress#import-progress').getAttribute('value'), '1');
  // Finished: links to what changed; "check again" is gone.
  await page.locator('#import-changed a[href="/indicators/lp_discussions"]').waitFor();
  assert.ok(await page.locator('#import-changed a[href="/units/kaakkurin-koulu/dashboard"]').isVisible());
  assert.equal(await page.locator('#import-check').isVisible(), false);
  await expectNoViolations(page, 'an import finished by script');
  await context.close();

  // Without scripts: the running page offers a "check again" button.
  const noScript = await finnish({ javaScriptEnabled: false });
  const np = await noScript.newPage();
  await np.goto(BASE + '/login?next=/imports');
  await np.getByLabel('Sähköposti').fill('tyontekija.kaakkuri@oulu.example');
  await np.getByLabel('Salasana').fill('demo-tyontekija-2026');
  await np.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await np.waitForURL(BASE + '/imports');
  await np.setInputFiles('#file', {
    name: 'iso2.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`indicator,orgunit,period,value\n${rows}`),
  });
  await np.getByRole('button', { name: 'Aloita tuonti' }).click();
  await np.waitForURL(/\/imports\/[0-9a-f]+$/);
  assert.equal(await np.locator('meta[http-equiv="refresh" i]').count(), 0);
  // (axe needs scripts, so it checks this page in the test above, running or done.)
  const running = await np.locator('#import-check').count() > 0;
  if (running) {
    assert.ok(await np.getByRole('button', { name: 'Tarkista tilanne' }).isVisible());
  }
  for (let i = 0; i < 120 && await np.locator('#import-check').count() > 0; i += 1) {
    await np.waitForTimeout(250);
    await np.getByRole('button', { name: 'Tarkista tilanne' }).click();
    await np.waitForLoadState();
  }
  assert.match(await np.locator('#import-status').innerText(), /Valmis/);
  await noScript.close();
});

test('Finnish content on Swedish and English pages is marked lang="fi"', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await page.goto(BASE + '/login?next=/actors/mll-tuira');
  await page.getByLabel('Sähköposti').fill('admin@oulu.example');
  await page.getByLabel('Salasana').fill('demo-admin-2026');
  await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
  await page.waitForURL(/\/actors\/mll-tuira/);
  const checks = [
    ['/actors/mll-tuira', 'Perhekahvila, lastenhoitoapu ja vertaisryhmät vanhemmille'],
    ['/actors', 'Perhekahvila, lastenhoitoapu ja vertaisryhmät vanhemmille'],
    ['/practices/lp-toimintamalli', 'Strukturoitu keskustelu'],
    ['/projects', 'Pohjois-Suomen Lasten Kaste'],
    ['/activities/manage', 'Joululoma'],
  ];
  for (const lang of ['sv', 'en']) {
    await page.goto(BASE + `/lang/${lang}?next=/`);
    for (const [path, text] of checks) {
      await visit(page, path, `${path} in ${lang}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      const marked = page.locator('[lang="fi"]', { hasText: text });
      assert.ok(await marked.count() > 0, `${text} is inside lang="fi" on ${path} in ${lang}`);
    }
  }
  // On Finnish pages the page's own language is enough.
  await page.goto(BASE + '/lang/fi?next=/');
  await visit(page, '/actors/mll-tuira', 'an actor in Finnish');
  assert.equal(await page.locator('main [lang="fi"]').count(), 0, 'no redundant lang on a Finnish page');
  await context.close();
});

test('the calendar month shows each activity type by shape and word, and holidays', async () => {
  const context = await finnish();
  const page = await context.newPage();
  await visit(page, '/calendar?month=2026-12', 'the December calendar month');
  const badges = page.locator('.month-grid .cal-item .kind-badge');
  assert.ok(await badges.count() > 0, 'activities show their type');
  const words = await badges.allInnerTexts();
  assert.ok(words.every((w) => /Harrastus|Tapahtuma|Avoin ryhmä|Liikkuva palvelu/.test(w)), words.join(', '));
  // The shape is decoration: hidden from screen readers, the word is read.
  assert.equal(await page.locator('.kind-icon:not([aria-hidden="true"])').count(), 0);
  // Christmas Eve: no weekly sessions, said in the day's cell.
  const eve = page.locator('.month-grid td', { hasText: 'Jouluaatto' });
  assert.equal(await eve.count(), 1);
  assert.match(await eve.locator('.day-off').innerText(), /Jouluaatto/);
  await page.goto(BASE + '/lang/en?next=' + encodeURIComponent('/calendar?month=2027-03'));
  await expectNoViolations(page, 'the calendar in English with breaks');
  assert.ok(await page.locator('.month-grid .day-off', { hasText: 'Talviloma' }).count() >= 5, 'the winter break');
  await context.close();
});
