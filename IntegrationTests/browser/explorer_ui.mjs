// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the Orthanc Explorer extension and the DICOM-Mail page in Debian's
// headless Chromium, through playwright-core. Run by test_explorer_ui.py,
// one phase per call:
//
//   node explorer_ui.mjs send    --base URL --artifacts DIR --study ID --partner NAME [--unusable NAME]
//   node explorer_ui.mjs send    --base URL --artifacts DIR --level series|patient --resource ID --partner NAME
//   node explorer_ui.mjs outbox  --base URL --artifacts DIR --set-id SETID
//   node explorer_ui.mjs certify --base URL --artifacts DIR --fingerprint FPR
//
// Exit code 0 when every check passed; otherwise 1 with the reason on stderr
// and a "<phase>-failure.png" screenshot. The last stdout line is a JSON
// object with what the caller needs (the job id of "send").

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

function parseArgs(argv) {
  const [phase, ...rest] = argv;
  const options = { phase, timeout: 120 };
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--') || i + 1 >= rest.length) {
      throw new Error(`bad argument ${rest[i]}: expected --name value pairs`);
    }
    options[rest[i].slice(2).replace(/-([a-z])/g, (m, c) => c.toUpperCase())] = rest[i + 1];
  }
  for (const required of ['base', 'artifacts']) {
    if (!options[required]) {
      throw new Error(`--${required} is required`);
    }
  }
  options.base = options.base.replace(/\/+$/, '');
  options.timeout = Number(options.timeout) * 1000;
  return options;
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function need(options, name) {
  check(options[name], `--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required for ${options.phase}`);
  return options[name];
}

// Dialogs are position: fixed, so they are shot as the viewport shows them.
async function shot(page, options, name, fullPage = true) {
  const file = path.join(options.artifacts, name);
  await page.screenshot({ path: file, fullPage });
  console.log(`screenshot ${file}`);
}

// ------------------------------------------------------------------------ phases

// The list each page fills with its children: the page is loaded when it has some.
const CHILD_LISTS = { patient: '#list-studies', study: '#list-series', series: '#list-instances' };

// Patient, study or series page → button → picker → confirm → the job page,
// which must end in Success. On a patient page the picker says how many
// studies go (--studies N).
async function sendPhase(page, options) {
  const level = options.level || 'study';
  check(CHILD_LISTS[level], `--level must be one of ${Object.keys(CHILD_LISTS).join(', ')}`);
  const resource = level === 'study' && options.study ? options.study : need(options, 'resource');
  const partner = need(options, 'partner');
  await page.goto(`${options.base}/app/explorer.html#${level}?uuid=${encodeURIComponent(resource)}`);

  const button = page.locator(`#${level}-dicom-mail-send`);
  await button.waitFor({ state: 'visible', timeout: 30000 });
  await page.locator(`${CHILD_LISTS[level]} li`).first().waitFor({ state: 'attached', timeout: 30000 });
  await shot(page, options, `explorer-${level}.png`);
  await button.click();

  const picker = page.locator('#dicom-mail-picker');
  await picker.waitFor({ state: 'visible', timeout: 10000 });
  const entry = picker.locator(`li.dm-partner[data-partner="${partner}"]`);
  await entry.waitFor({ state: 'visible', timeout: 15000 });
  check(await picker.locator('.dm-error').isHidden(), 'the picker shows an error: ' +
        await picker.locator('.dm-error').textContent());
  check(await entry.locator('input[type=radio]').isEnabled(), `partner ${partner} is disabled in the picker: ` +
        await entry.textContent());
  check((await entry.textContent()).includes('@'), `the picker shows no address for ${partner}`);

  if (options.unusable) {
    const bad = picker.locator(`li.dm-partner[data-partner="${options.unusable}"]`);
    await bad.waitFor({ state: 'visible', timeout: 5000 });
    check(await bad.locator('input[type=radio]').isDisabled(), `unusable partner ${options.unusable} can be picked`);
    const reason = (await bad.locator('.dm-reason').textContent()).trim();
    check(reason.length > 'Cannot send: '.length, `no reason is shown for ${options.unusable}`);
    console.log(`unusable partner shown with: ${reason}`);
  }

  if (options.studies) {
    const note = picker.locator('.dm-studies');
    await page.waitForFunction(() => document.querySelector('#dicom-mail-picker .dm-studies').textContent !== '');
    check((await note.textContent()).includes(`${options.studies} studies`),
          `the picker does not say that ${options.studies} studies go: ${await note.textContent()}`);
  }

  const confirm = picker.locator('button.dm-confirm');
  check(await confirm.isDisabled(), 'Send is enabled before a partner was picked');
  await entry.locator('label').click();
  check(await confirm.isEnabled(), 'Send stays disabled after picking a partner');
  await shot(page, options, level === 'study' ? 'explorer-picker.png' : `explorer-picker-${level}.png`, false);
  await confirm.click();

  await page.waitForURL(/#job\?uuid=/, { timeout: 30000 }).catch(async () => {
    const error = await picker.locator('.dm-error').textContent().catch(() => '');
    throw new Error(`no job page after Send${error ? ': the picker says ' + error : ''}`);
  });
  const jobId = decodeURIComponent(new URL(page.url()).hash.replace(/^#job\?uuid=/, ''));
  check(/^[0-9a-f-]{8,}$/i.test(jobId), `the job page shows no job id (${page.url()})`);

  const panel = page.locator('#job #dicom-mail-job');
  await panel.waitFor({ state: 'visible', timeout: 15000 });
  const finalState = page.locator('#dicom-mail-job .dm-job-state[data-state="Success"], ' +
                                  '#dicom-mail-job .dm-job-state[data-state="Failure"]');
  await finalState.waitFor({ state: 'visible', timeout: options.timeout });
  await shot(page, options, 'explorer-job.png');
  const state = await finalState.getAttribute('data-state');
  check(state === 'Success', 'the job failed: ' + await finalState.textContent());
  check((await panel.textContent()).includes(`Partner: ${partner}`), 'the job panel does not name the partner');
  check(/Mails sent: (\d+) of \1\b/.test(await panel.textContent()), 'the job panel does not show all mails sent: ' +
        await panel.textContent());
  // The stock job list of the page shows the same job.
  check((await page.locator('#job-info').textContent()).includes(jobId), 'the job page lists another job');
  return { JobId: jobId };
}

// Home page link → DICOM-Mail page → the transfer becomes "acknowledged".
async function outboxPhase(page, options) {
  const setId = need(options, 'setId');
  await page.goto(`${options.base}/app/explorer.html`);
  const link = page.locator('#dicom-mail-home-link');
  await link.waitFor({ state: 'visible', timeout: 30000 });
  await Promise.all([page.waitForURL(/\/dicom-mail\/app\/app\.html/, { timeout: 30000 }), link.click()]);

  const row = page.locator(`#outbox tr[data-set-id="${setId}"]`);
  await row.waitFor({ state: 'visible', timeout: 30000 });
  // The page refreshes itself: wait for the acknowledgement without reloading.
  const acknowledged = page.locator(`#outbox tr[data-set-id="${setId}"][data-state="acknowledged"]`);
  await acknowledged.waitFor({ state: 'visible', timeout: options.timeout }).catch(async () => {
    throw new Error(`transfer ${setId} is not listed as acknowledged: ${(await row.textContent()).trim()}`);
  });
  const acks = (await acknowledged.locator('td.acks').textContent()).trim();
  const m = /^(\d+) of (\d+)$/.exec(acks);
  check(m && m[1] === m[2] && Number(m[1]) > 0, `acknowledgement count is "${acks}"`);
  for (const section of ['outbox', 'inbox', 'partners', 'keys', 'accounts']) {
    const error = page.locator(`#${section} .section-error`);
    check(await error.isHidden(), `section ${section} shows an error: ` + await error.textContent());
  }
  await shot(page, options, 'app-outbox.png');

  await acknowledged.click();
  const dialog = page.locator('#detail-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  const mails = dialog.locator('table.detail tbody tr');
  await mails.first().waitFor({ state: 'visible', timeout: 15000 });
  check(await dialog.locator('.dialog-error').isHidden(), 'the detail shows an error: ' +
        await dialog.locator('.dialog-error').textContent());
  const count = await mails.count();
  check(count === Number(m[2]), `the detail lists ${count} mails, the outbox ${m[2]}`);
  await shot(page, options, 'app-outbox-detail.png', false);
  await dialog.locator('button.cancel').click();
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  return { Acknowledged: acks };
}

// A REST error is shown in words; then a key is certified through the dialog.
async function certifyPhase(page, options) {
  const fingerprint = need(options, 'fingerprint').replace(/\s+/g, '').toUpperCase();
  await page.goto(`${options.base}/dicom-mail/app/app.html#keys`);
  const row = page.locator(`#keys tr[data-fingerprint="${fingerprint}"]`);
  await row.waitFor({ state: 'visible', timeout: 30000 });
  check((await row.getAttribute('data-certified')) === 'false', 'the key is already certified');

  // Something that is no key: the Message of the 4xx answer must be shown.
  await page.locator('#key-import summary').click();
  await page.locator('#key-form textarea').fill('this is not an OpenPGP key');
  await page.locator('#key-form button[type=submit]').click();
  const importError = page.locator('#key-form .form-error');
  await importError.waitFor({ state: 'visible', timeout: 15000 });
  const importText = (await importError.textContent()).trim();
  check(importText.startsWith('Import failed: ') && importText.length > 'Import failed: '.length + 5,
        `the import error says too little: "${importText}"`);
  check(!/undefined|\[object/.test(importText), `the import error is not in words: "${importText}"`);
  console.log(`import error shown: ${importText}`);
  await shot(page, options, 'app-import-error.png');

  await row.locator('button.certify').click();
  const dialog = page.locator('#certify-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  const groups = await dialog.locator('.fingerprint-large .group').allTextContents();
  check(groups.every((g) => g.length === 4), `fingerprint groups are not of four: ${groups.join(' ')}`);
  check(groups.join('') === fingerprint, `the dialog shows ${groups.join(' ')}, not ${fingerprint}`);
  const size = await dialog.locator('.fingerprint-large .group').first()
    .evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
  check(size >= 24, `the fingerprint groups are not shown large (${size}px)`);
  check(/phone/i.test(await dialog.textContent()), 'the dialog does not ask to compare by phone');
  await shot(page, options, 'app-certify-dialog.png', false);
  await dialog.locator('button.confirm').click();
  await dialog.waitFor({ state: 'hidden', timeout: 15000 }).catch(async () => {
    throw new Error('certify dialog stays open: ' + await dialog.locator('.dialog-error').textContent());
  });
  await page.locator(`#keys tr[data-fingerprint="${fingerprint}"][data-certified="true"]`)
    .waitFor({ state: 'visible', timeout: 15000 });
  await page.locator('#keys').scrollIntoViewIfNeeded();
  await shot(page, options, 'app-keys.png');
  return { Certified: fingerprint };
}

// The receiver's inbox links the transfer to its studies: Orthanc Explorer
// always, the Web Viewer when Orthanc has it. Follows the Explorer link.
async function inboxPhase(page, options) {
  const setId = need(options, 'setId');
  await page.goto(`${options.base}/dicom-mail/app/app.html`);
  const row = page.locator(`#inbox tr[data-set-id="${setId}"]`);
  await row.waitFor({ state: 'visible', timeout: 30000 });
  const studyLinks = row.locator('a.study-link');
  await studyLinks.first().waitFor({ state: 'visible', timeout: 30000 });
  const hrefs = await studyLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  const viewerLinks = await row.locator('a.viewer-link').count();
  await shot(page, options, 'app-inbox.png');
  await Promise.all([page.waitForURL(/\/app\/explorer\.html#study\?uuid=/, { timeout: 30000 }),
                     studyLinks.first().click()]);
  return { StudyLinks: hrefs, ViewerLinks: viewerLinks, Followed: page.url() };
}

const PHASES = { send: sendPhase, outbox: outboxPhase, certify: certifyPhase, inbox: inboxPhase };

// ------------------------------------------------------------------------ main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const phase = PHASES[options.phase];
  check(phase, `unknown phase "${options.phase}" (one of ${Object.keys(PHASES).join(', ')})`);
  fs.mkdirSync(options.artifacts, { recursive: true });

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-chromium-'));
  let context;
  const pageErrors = [];
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    // Only the test's servers: a request elsewhere would mean the page loads
    // something from the internet.
    const allowed = new URL(options.base).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(allowed) || url.startsWith('data:') || url.startsWith('blob:')) {
        return route.continue();
      }
      pageErrors.push(`request outside the server under test: ${url}`);
      return route.abort();
    });
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(30000);
    page.on('pageerror', (error) => pageErrors.push(`uncaught exception in the page: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        console.log(`browser console: ${message.text()}`);
      }
    });
    page.on('dialog', (dialog) => {
      pageErrors.push(`unexpected browser dialog: ${dialog.message()}`);
      return dialog.dismiss();
    });

    let result;
    try {
      result = await phase(page, options);
      check(pageErrors.length === 0, pageErrors.join('; '));
    } catch (error) {
      await page.screenshot({ path: path.join(options.artifacts, `${options.phase}-failure.png`), fullPage: true })
        .catch(() => {});
      throw error;
    }
    console.log(JSON.stringify(result));
  } finally {
    if (context) {
      await context.close();
    }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(`FAILED (${process.argv[2]}): ${error.message}`);
  process.exit(1);
});
