// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the Orthanc Explorer extension and the DICOM-Mail page in Debian's
// headless Chromium, through playwright-core. Run by test_explorer_ui.py,
// one phase per call:
//
//   node explorer_ui.mjs send    --base URL --artifacts DIR --study ID --partner NAME [--unusable NAME]
//   node explorer_ui.mjs send    --base URL --artifacts DIR --level series|patient --resource ID --partner NAME
//   node explorer_ui.mjs outbox  --base URL --artifacts DIR --set-id SETID
//   node explorer_ui.mjs certify --base URL --artifacts DIR --fingerprint FPR
//   node explorer_ui.mjs page    --base URL --artifacts DIR --set-id SETID --partner NAME [--locale de-DE]
//   node explorer_ui.mjs inbox   --base URL --artifacts DIR --set-id SETID --study ID --study-uid UID
//   node explorer_ui.mjs exchange --base URL --artifacts DIR --key-file FILE --name NAME --address ADDR
//                                 --compared-by NAME [--retry-set-id SETID]
//   node explorer_ui.mjs qa-confirm  --base URL --artifacts DIR --set-id SETID --name NAME
//   node explorer_ui.mjs qa-calendar --base URL --artifacts DIR --partner NAME --day YYYY-MM-DD [--locale de-DE]
//   node explorer_ui.mjs qa-monthly  --base URL --artifacts DIR --partner NAME --month YYYY-MM --name NAME
//                                    [--locale de-DE]
//   node explorer_ui.mjs qa-failing  --base URL --artifacts DIR --partner NAME --day YYYY-MM-DD
//
// --locale (default en-US) is the browser's language; the page follows it.
// Exit code 0 when every check passed; otherwise 1 with the reason on stderr
// and a "<phase>-failure.png" screenshot. The last stdout line is a JSON
// object with what the caller needs (the job id of "send").

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
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
  // The extension speaks the browser's language (--locale): the checks read the same texts.
  const language = (options.locale || 'en').slice(0, 2) === 'de' ? 'de' : 'en';
  const t = await (await page.request.get(`${options.base}/dicom-mail/app/i18n-${language}.json`)).json();
  const say = (key, params = {}) => t[key].replace(/\{(\w+)\}/g, (m, name) => (name in params ? params[name] : m));
  await page.goto(`${options.base}/app/explorer.html#${level}?uuid=${encodeURIComponent(resource)}`);

  const button = page.locator(`#${level}-dicom-mail-send`);
  await button.waitFor({ state: 'visible', timeout: 30000 });
  await page.waitForFunction(([id, label]) => document.getElementById(id).textContent.trim() === label,
                             [`${level}-dicom-mail-send`, say('explorer.send')], { timeout: 15000 });
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
    check(reason.startsWith(say('explorer.cannotSend', { reason: '' })) &&
          reason.length > say('explorer.cannotSend', { reason: '' }).length, `no reason is shown for ${options.unusable}`);
    console.log(`unusable partner shown with: ${reason}`);
  }

  if (options.studies) {
    const note = picker.locator('.dm-studies');
    await page.waitForFunction(() => document.querySelector('#dicom-mail-picker .dm-studies').textContent !== '');
    check((await note.textContent()).includes(say('explorer.patientStudies', { count: options.studies })),
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
  check((await panel.textContent()).includes(say('explorer.jobPartner', { partner })),
        'the job panel does not name the partner');
  const allSent = new RegExp(say('explorer.jobMails').replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace('{n}', '(\\d+)').replace('{total}', '\\1\\b'));
  check(allSent.test(await panel.textContent()), 'the job panel does not show all mails sent: ' +
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
  // Who compared the fingerprint is recorded (#21): without a name, the dialog refuses.
  await dialog.locator('button.confirm').click();
  await dialog.locator('.dialog-error').waitFor({ state: 'visible', timeout: 5000 });
  await dialog.locator('input[name=ComparedBy]').fill(options.comparedBy || 'Test Admin');
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

const PHASES = { send: sendPhase, outbox: outboxPhase, certify: certifyPhase, page: pagePhase, inbox: inboxPhase,
                 exchange: exchangePhase };

// ------------------------------------------------------------------------ the DICOM-Mail page (#21)

// axe-core inside the page: every WCAG 2.1 A/AA rule; a serious or critical
// violation fails the phase. Returns the number of rules that passed.
async function accessibility(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `accessibility (${what}): ` + serious.map((v) =>
    `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)
    .join('; '));
  console.log(`axe ${what}: ${result.passes.length} rules pass, ${result.violations.length} minor findings`);
  return result.passes.length;
}

async function openPage(page, options) {
  await page.goto(`${options.base}/dicom-mail/app/app.html`);
  await page.waitForFunction(() => document.body.hasAttribute('data-refreshed'), null, { timeout: 30000 });
}

async function texts(page, language) {
  return page.evaluate(async (code) => (await fetch(`i18n-${code}.json`)).json(), language);
}

// A transfer in flight and a partial one, added to the real lists the page
// asks for: each answer moves them on, as a running send would.
async function injectTransfersInFlight(page) {
  let step = 0;
  const start = new Date(Date.now() - 20000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await page.route(/\/dicom-mail\/(outbox|inbox)\?/, async (route) => {
    let response;
    let list;
    try {
      response = await route.fetch();
      list = await response.json();
    } catch (error) {
      // The page refreshes its lists by itself; one still in flight when the
      // phase moves on (reload, close) has nobody waiting for it, and its
      // rejection must not end the script ("Response has been disposed").
      return;
    }
    const url = route.request().url();
    if (!/[?&](partner|state|setid|from|to)=/.test(url) && /[?&]since=0\b/.test(url)) {
      step = Math.min(step + 1, 4);
      if (url.includes('/outbox?')) {
        list.unshift({ SetId: 'in-flight-example', Partner: 'referrer', PartnerName: 'Praxis Dr. Müller',
          Recipient: 'referrer@referrer.test', Created: start, State: 'sending', TotalMails: 5, MailsSent: step,
          MailsAcknowledged: Math.max(0, step - 2), BytesSent: step * 2600000 + 123456, TotalInstances: 40,
          AcknowledgementsRequested: true, Reason: '', StudyInstanceUIDs: [] });
      } else {
        list.unshift({ SetId: 'partial-example', Partner: 'referrer', PartnerName: 'Praxis Dr. Müller',
          Sender: 'referrer@referrer.test', SignerFingerprint: null, State: 'receiving', MailsReceived: 1,
          MailsExpected: 3, InstancesImported: 8, InstancesFailed: 0, InstancesAlreadyStored: 0, Bytes: 1234567,
          FirstReceived: start, Reasons: [], Studies: [] });
      }
    }
    await route.fulfill({ response, json: list }).catch(() => {});   // same: the page may be gone
  });
}

// The detail dialog must show all its columns inside the box: the table
// fits, or scrolls inside the dialog.
async function checkDetailFits(page, options, width, height, name) {
  await page.setViewportSize({ width, height });
  const dialog = page.locator('#detail-dialog');
  await page.waitForTimeout(300);
  const fit = await dialog.evaluate((node) => {
    const box = node.querySelector('.modal-box').getBoundingClientRect();
    const scroller = node.querySelector('.table-scroll');
    const last = [...node.querySelectorAll('table.detail thead th')].pop().getBoundingClientRect();
    return { boxRight: box.right, boxLeft: box.left, viewport: window.innerWidth, lastRight: last.right,
             scrollable: scroller.scrollWidth > scroller.clientWidth &&
               getComputedStyle(scroller).overflowX === 'auto' };
  });
  check(fit.boxLeft >= 0 && fit.boxRight <= fit.viewport, `the dialog is wider than the ${width}px window`);
  check(fit.lastRight <= fit.boxRight || fit.scrollable,
        `the last column is cut off at ${width}px: ${JSON.stringify(fit)}`);
  console.log(`detail at ${width}x${height}: ${fit.lastRight <= fit.boxRight ? 'fits' : 'scrolls inside'}`);
  await shot(page, options, name, false);
}

// German from the browser's language, live progress, labels, the detail
// dialog at two window sizes, keyboard use, the language switch, filters
// and pages served by the REST API, and axe-core on each view.
async function pagePhase(page, options) {
  const setId = need(options, 'setId');
  const partner = need(options, 'partner');
  await injectTransfersInFlight(page);
  await openPage(page, options);
  const de = await texts(page, 'de');

  // 1. German, chosen from the browser.
  check(await page.evaluate(() => document.documentElement.lang) === 'de', 'the page is not in German');
  check((await page.locator('#outbox h2').textContent()).trim() === de['outbox.title'], 'the outbox title is not German');
  const row = page.locator(`#outbox tr[data-set-id="${setId}"]`);
  await row.waitFor({ state: 'visible', timeout: 30000 });
  const time = row.locator('time').first();
  const shown = (await time.textContent()).trim();
  check(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/.test(shown), `not a German date: "${shown}"`);
  check(/^UTC: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(await time.getAttribute('title')),
        'no UTC time on hover: ' + await time.getAttribute('title'));
  check(/^\d+ von \d+$/.test((await row.locator('td.acks').textContent()).trim()), 'the count is not German');
  const headers = (await page.locator('#outbox thead th').allTextContents()).join('|');
  check(!/[a-z][A-Z]/.test(headers), `field names as column titles: ${headers}`);

  // 2. Live progress, without reloading.
  const flight = page.locator('#outbox tr[data-set-id="in-flight-example"]');
  await flight.waitFor({ state: 'visible', timeout: 15000 });
  const bar = flight.locator('progress');
  check(await bar.getAttribute('aria-label') === de['progress.outboxLabel'], 'the progress bar has no label');
  const first = Number(await bar.getAttribute('value'));
  await page.waitForFunction((v) => Number(document.querySelector(
    '#outbox tr[data-set-id="in-flight-example"] progress').getAttribute('value')) > v, first, { timeout: 20000 });
  const facts = (await flight.locator('.progress-facts').textContent()).trim();
  check(/E-Mails gesendet/.test(facts) && /bestätigt/.test(facts) && /\d\u00a0[kMG]B\/s/.test(facts) &&
        /noch etwa/.test(facts), `the progress says too little: ${facts}`);
  check(/\d,\d\u00a0MB/.test(facts), `no German decimal comma in ${facts}`);
  const partial = page.locator('#inbox tr[data-set-id="partial-example"]');
  await partial.waitFor({ state: 'visible', timeout: 15000 });
  check((await partial.locator('progress').getAttribute('max')) === '3', 'the partial transfer has no progress of 3');
  check((await partial.locator('.progress-facts').textContent()).includes('1 von 3 E-Mails empfangen'),
        'the partial transfer does not say 1 of 3');
  console.log(`progress shown: ${facts}`);
  await shot(page, options, 'app-de.png');
  await accessibility(page, 'page (German)');

  // 3. The detail: words, acknowledgements with icons, fits at 1280x800 and 1024x768; keyboard.
  await row.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('#detail-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  await dialog.locator('table.detail tbody tr').first().waitFor({ state: 'visible', timeout: 15000 });
  const titles = (await dialog.locator('table.detail thead th').allTextContents()).join('|');
  for (const raw of ['SentAt', 'DurationMs', 'AcknowledgedAt', 'MessageId']) {
    check(!titles.includes(raw), `the detail shows the field name ${raw}: ${titles}`);
  }
  check(titles.includes(de['mail.acknowledgement']), `no acknowledgement column: ${titles}`);
  const acks = await dialog.locator('td.ack [data-ack]').evaluateAll((nodes) => nodes.map((n) =>
    [n.getAttribute('data-ack'), n.textContent.trim(), n.getAttribute('title')]));
  check(acks.length > 0 && acks.every((a) => a[0] === 'received' && a[1].includes(de['ack.received']) &&
        a[1].startsWith('\u2714') && /displayed|processed/.test(a[2])), `acknowledgements not in words: ${JSON.stringify(acks)}`);
  check(!(await dialog.textContent()).includes('MDN-sent'), 'the raw MDN disposition is shown');
  await checkDetailFits(page, options, 1280, 800, 'app-outbox-detail-1280.png');
  await accessibility(page, 'detail dialog');
  await checkDetailFits(page, options, 1024, 768, 'app-outbox-detail-1024.png');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  check(await page.evaluate((id) => document.activeElement && document.activeElement.getAttribute('data-set-id') === id,
        setId), 'the focus did not go back to the row after closing the dialog');
  await page.setViewportSize({ width: 1280, height: 900 });

  // 4. The switch to English, remembered over a reload.
  const en = await texts(page, 'en');
  await page.locator('#language').selectOption('en');
  await page.waitForFunction((t) => document.querySelector('#outbox h2').textContent.trim() === t, en['outbox.title']);
  await page.reload();
  await page.waitForFunction(() => document.body.hasAttribute('data-refreshed'));
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'English was not remembered');
  await row.waitFor({ state: 'visible', timeout: 15000 });
  check(/^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2} [AP]M$|^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2}$/
        .test((await row.locator('time').first().textContent()).trim()), 'the date is not in English form: ' +
        await row.locator('time').first().textContent());
  await shot(page, options, 'app-en.png');
  await accessibility(page, 'page (English)');

  // 5. Filters and pages: the REST route does the filtering.
  const filters = page.locator('form.filters[data-section="outbox"]');
  const asked = async (action, pattern) => {
    const [request] = await Promise.all([
      page.waitForRequest((r) => pattern.test(r.url()), { timeout: 15000 }), action()]);
    await page.waitForResponse((r) => r.url() === request.url(), { timeout: 15000 }).catch(() => {});
    await page.waitForTimeout(300);
    return request.url();
  };
  await asked(() => filters.locator('select[name=partner]').selectOption(partner), new RegExp(`/outbox\\?.*partner=${partner}`));
  await row.waitFor({ state: 'visible', timeout: 15000 });
  const partners = await page.locator('#outbox tbody tr[data-set-id]').count();
  check(partners >= 1 && await flight.count() === 0, 'the partner filter shows the wrong transfers');
  await asked(() => filters.locator('select[name=state]').selectOption('failed'), /\/outbox\?.*state=failed/);
  await page.locator('#outbox tbody td.empty').waitFor({ state: 'visible', timeout: 15000 });
  check((await page.locator('#outbox tbody td.empty').textContent()).trim() === en['filter.noMatch'],
        'no "nothing matches" row');
  await asked(() => filters.locator('button[type=reset]').click(), /\/outbox\?limit=51&since=0$/);
  const prefix = setId.slice(0, 12);
  const url = await asked(() => filters.locator('input[name=setid]').fill(prefix), /\/outbox\?.*setid=/);
  check(url.includes('setid=' + encodeURIComponent(prefix)), `the set id went as ${url}`);
  await row.waitFor({ state: 'visible', timeout: 15000 });
  const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));   // YYYY-MM-DD, local
  await asked(() => filters.locator('input[name=from]').fill(today), /\/outbox\?.*from=\d{4}-\d{2}-\d{2}T/);
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await shot(page, options, 'app-filter.png');
  await asked(() => filters.locator('button[type=reset]').click(), /\/outbox\?limit=51&since=0$/);
  return { Checked: setId };
}

// A received transfer links to its study in Orthanc Explorer, and to the
// viewer when GET /plugins lists one.
async function inboxPhase(page, options) {
  const setId = need(options, 'setId');
  const study = need(options, 'study');
  const uid = need(options, 'studyUid');
  await page.route(/\/plugins$/, async (route) => {
    const response = await route.fetch();
    const plugins = await response.json();
    await route.fulfill({ response, json: plugins.concat(['stone-webviewer']) });
  });
  await openPage(page, options);
  const row = page.locator(`#inbox tr[data-set-id="${setId}"]`);
  await row.waitFor({ state: 'visible', timeout: 30000 });
  const link = row.locator('a.open-study');
  await link.waitFor({ state: 'visible', timeout: 15000 });
  const href = await link.getAttribute('href');
  check(href.endsWith(`explorer.html#study?uuid=${study}`), `the study link is ${href}`);
  const viewer = row.locator('a.open-viewer');
  await viewer.waitFor({ state: 'visible', timeout: 15000 });
  check((await viewer.getAttribute('href')).endsWith(`stone-webviewer/index.html?study=${encodeURIComponent(uid)}`),
        'the viewer link is ' + await viewer.getAttribute('href'));
  await page.locator('#inbox').scrollIntoViewIfNeeded();
  await shot(page, options, 'app-inbox.png');
  await accessibility(page, 'inbox');
  await Promise.all([page.waitForURL(/explorer\.html#study\?uuid=/, { timeout: 30000 }), link.click()]);
  await page.locator('#study #list-series li').first().waitFor({ state: 'attached', timeout: 30000 });
  return { Study: study };
}

// Adding a partner as one flow: the key from a file, the fingerprint read
// aloud (large groups of four), who compared it, certify, addresses and
// limits; from a quarantined mail it ends with Retry.
async function exchangePhase(page, options) {
  const keyFile = need(options, 'keyFile');
  const name = need(options, 'name');
  const address = need(options, 'address');
  const comparedBy = need(options, 'comparedBy');
  await openPage(page, options);
  const t = await texts(page, await page.evaluate(() => document.documentElement.lang));
  if (options.retrySetId) {
    const waiting = page.locator(`#quarantine tr[data-set-id="${options.retrySetId}"]`);
    await waiting.waitFor({ state: 'visible', timeout: 30000 });
    await shot(page, options, 'app-quarantine.png');
    await waiting.locator('button.check-key').click();
  } else {
    await page.locator('#add-partner').click();
  }
  const dialog = page.locator('#partner-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 5000 });
  const next = dialog.locator('button.next');
  const step = (s) => dialog.locator(`.step[data-step="${s}"]`);
  if (await step('key').isVisible()) {
    await step('key').locator('input[type=file]').setInputFiles(keyFile);
    await page.waitForFunction(() => document.querySelector('#partner-dialog textarea[name=Key]').value
      .includes('BEGIN PGP PUBLIC KEY BLOCK'));
    await accessibility(page, 'key exchange: key');
    await next.click();
  }
  await step('compare').waitFor({ state: 'visible', timeout: 15000 });
  const groups = await step('compare').locator('.fingerprint-large .group').allTextContents();
  check(groups.length === 10 && groups.every((g) => /^[0-9A-F]{4}$/.test(g)), `groups: ${groups.join(' ')}`);
  const size = await step('compare').locator('.group').first().evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
  check(size >= 24, `the fingerprint is not large (${size}px)`);
  check((await step('compare').textContent()).includes(t['wizard.compare.phone']), 'no instruction to read aloud');
  await next.click();                                   // nothing confirmed yet: refused
  await dialog.locator('.dialog-error').waitFor({ state: 'visible', timeout: 5000 });
  await step('compare').locator('input[name=ComparedBy]').fill(comparedBy);
  await step('compare').locator('input[name=Compared]').check();
  await shot(page, options, 'app-exchange-compare.png', false);
  await accessibility(page, 'key exchange: compare');
  await next.click();
  await step('partner').waitFor({ state: 'visible', timeout: 15000 });
  const form = step('partner');
  check(await form.locator('input[name=Addresses]').inputValue() === address,
        'the address is not taken from the key: ' + await form.locator('input[name=Addresses]').inputValue());
  await form.locator('input[name=Name]').fill(name);
  await form.locator('input[name=MaxMailSize]').fill('5000000');
  check((await next.textContent()).trim() === t[options.retrySetId ? 'wizard.saveAndRetry' : 'wizard.save'],
        'the last button says ' + await next.textContent());
  await shot(page, options, 'app-exchange-partner.png', false);
  await next.click();
  await dialog.waitFor({ state: 'hidden', timeout: 30000 }).catch(async () => {
    throw new Error('the flow did not finish: ' + await dialog.locator('.dialog-error').textContent());
  });
  await page.locator(`#partners tr[data-partner="${name}"]`).waitFor({ state: 'visible', timeout: 15000 });
  if (options.retrySetId) {
    await page.locator(`#quarantine tr[data-set-id="${options.retrySetId}"]`)
      .waitFor({ state: 'detached', timeout: 60000 });
  }
  await page.locator('#partners').scrollIntoViewIfNeeded();
  await shot(page, options, 'app-partners.png');
  return { Partner: name };
}

// ------------------------------------------------------------------------ the QA section (#17)

// The QA section alone: the rest of the page is shot by the other phases.
async function shotQa(page, options, name) {
  const file = path.join(options.artifacts, name);
  await page.locator('#qa').screenshot({ path: file });
  console.log(`screenshot ${file}`);
}

async function openQa(page, options) {
  await openPage(page, options);
  await page.locator('#qa').scrollIntoViewIfNeeded();
  await page.waitForSelector('#qa-calendar svg rect.qa-day');
}

// The receiver: the received test is listed; the name typed, the button
// clicked, the row shows who confirmed it and that the sender was told.
async function qaConfirmPhase(page, options) {
  const setId = need(options, 'setId');
  const name = need(options, 'name');
  await openQa(page, options);
  const row = page.locator(`#qa-received tr[data-set-id="${setId}"]`);
  await row.waitFor();
  const button = row.locator('button.qa-confirm');
  await button.click();   // without a name: refused in the page
  check(await page.locator('#qa .qa-confirm-error').isVisible(), 'no complaint about the missing name');
  await page.fill('#qa-confirmed-by', name);
  await button.click();
  const confirmed = row.locator('.qa-confirmed');
  await confirmed.waitFor({ timeout: options.timeout });
  check((await confirmed.getAttribute('data-confirmed-by')) === name, 'the row does not name who confirmed');
  check(!(await confirmed.locator('button').count()), 'the confirmation was not reported to the sender');
  await accessibility(page, 'QA section, receiver');
  await shotQa(page, options, 'app-qa-confirm.png');
  return { Confirmed: setId };
}

// The sender: the calendar shows the day's passed test, the month's row
// counts it with its confirmation, the report links name partner and year.
async function qaCalendarPhase(page, options) {
  const partner = need(options, 'partner');
  const day = need(options, 'day');
  await openQa(page, options);
  check((await page.locator('#qa-controls select[name=partner]').inputValue()) === partner,
        `the partner ${partner} is not chosen`);
  const cell = page.locator(`#qa-calendar rect[data-day="${day}"]`);
  await cell.waitFor();
  check((await cell.getAttribute('data-result')) === 'passed', `the day ${day} is not shown as passed`);
  const cells = await page.locator('#qa-calendar rect.qa-day').count();
  check(cells >= 365 && cells <= 366, `the calendar has ${cells} days`);
  const month = page.locator(`#qa-months tr[data-month="${day.substring(0, 7)}"] td`);
  const figures = await month.allTextContents();
  check(Number(figures[1]) >= 1 && Number(figures[2]) >= 1, `the month's row does not count the test: ${figures}`);
  check(figures[4].length > 0, `the month's row has no transfer time: ${figures}`);
  check(Number(figures[6]) >= 1, `the month's row does not count the confirmation: ${figures}`);
  const year = day.substring(0, 4);
  const csv = await page.locator('#qa-csv').getAttribute('href');
  const print = await page.locator('#qa-print').getAttribute('href');
  check(csv === `../qa/report/${partner}.csv?year=${year}` && print === `../qa/report/${partner}.html?year=${year}`,
        `report links: ${csv}, ${print}`);
  const de = await texts(page, 'de');
  if ((options.locale || '').startsWith('de')) {
    check((await page.locator('#qa-title').textContent()) === de['qa.title'], 'the QA section is not in German');
  }
  await accessibility(page, 'QA section, sender');
  await shotQa(page, options, 'app-qa.png');
  const fromReport = await qaReportColumns(page, options, partner, day.substring(0, 7));
  return { Day: day, Month: figures, FromReport: fromReport };
}

// The report route (built by the QA back end, #17) feeds the month's
// availability and monthly measurement: answered here with known figures,
// the page must show them in that month's row, the shortfall marked.
async function qaReportColumns(page, options, partner, month) {
  await page.route(new RegExp(`/dicom-mail/qa/report/${partner}\\?year=`), (route) => route.fulfill({
    json: { Availability: { Months: [{ Period: month, DayShare: 0.95, MeetsTarget: false }] },
            MonthlyMeasurements: [{ Month: month, TransferMs: 2500, DicomMBps: 1.5, WireMBps: 1.25, Complete: true }] },
  }));
  await openQa(page, options);
  const cells = page.locator(`#qa-months tr[data-month="${month}"] td`);
  await page.waitForFunction((m) => {
    const row = document.querySelector(`#qa-months tr[data-month="${m}"]`);
    return row && row.cells[8].textContent.length > 0;
  }, month);
  const figures = await cells.allTextContents();
  check(/95/.test(figures[7]) && (await cells.nth(7).locator('.qa-below-target').count()) === 1,
        `the month's availability from the report is not shown as below the target: ${figures[7]}`);
  check(/2[.,]5/.test(figures[8]) && /1[.,]25/.test(figures[8]),
        `the month's measurement from the report is not shown: ${figures[8]}`);
  await page.unroute(new RegExp(`/dicom-mail/qa/report/${partner}\\?year=`));
  return figures.slice(7);
}

// The sender after a monthly measurement: its month's row shows it (from
// the report), and the page shows the report's own plot of transfer time
// and speed, drawn by the server, loaded from the server under test.
async function qaMonthlyPhase(page, options) {
  const partner = need(options, 'partner');
  const month = need(options, 'month');
  const name = need(options, 'name');
  await openQa(page, options);
  await page.waitForFunction((m) => {
    const row = document.querySelector(`#qa-months tr[data-month="${m}"]`);
    return row && row.cells[8].textContent.length > 0;
  }, month);
  const figures = await page.locator(`#qa-months tr[data-month="${month}"] td`).allTextContents();
  check(figures[8].includes(name), `the month's measurement does not name who confirmed its images: ${figures[8]}`);
  check(/^1 \(1 /.test(figures[9]) && /MB\/s/.test(figures[9]),
        `the month's real transfer (one, complete, timed) is not shown: ${figures[9]}`);
  const plot = page.locator('#qa-plot img');
  const year = month.substring(0, 4);
  check((await plot.getAttribute('src')) === `../qa/report/${partner}.svg?year=${year}`,
        `the plot is ${await plot.getAttribute('src')}`);
  await page.waitForFunction(() => {
    const img = document.querySelector('#qa-plot img');
    return img && img.complete && img.naturalWidth > 0;
  });
  check((await plot.evaluate((img) => img.naturalWidth)) >= 600, 'the plot was not drawn');
  check((await plot.getAttribute('alt')).includes(year), 'the plot has no text for those who cannot see it');
  await page.locator('#qa-plot').scrollIntoViewIfNeeded();
  await accessibility(page, 'QA section with the plot');
  await shotQa(page, options, 'app-qa-monthly.png');
  return { Month: figures };
}

// A link whose last daily test failed: the DICOM-Mail page warns, and so
// does the Orthanc Explorer's home page.
async function qaFailingPhase(page, options) {
  const partner = need(options, 'partner');
  const day = need(options, 'day');
  await openPage(page, options);
  const warning = page.locator('#warnings [data-warning="qa-daily-test"]');
  await warning.waitFor();
  const shown = await warning.textContent();
  check(shown.includes(partner) && shown.includes(day), `the page's warning does not name partner and day: ${shown}`);
  await page.goto(`${options.base}/app/explorer.html`);
  const home = page.locator('#dicom-mail-home-warnings .dm-warn');
  await home.first().waitFor();
  const texts = await home.allTextContents();
  check(texts.some((t) => t.includes(partner) && t.includes(day)),
        `the Explorer's home page does not warn of the failed test: ${texts}`);
  return { Page: shown, Explorer: texts };
}

PHASES['qa-confirm'] = qaConfirmPhase;
PHASES['qa-calendar'] = qaCalendarPhase;
PHASES['qa-monthly'] = qaMonthlyPhase;
PHASES['qa-failing'] = qaFailingPhase;

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
      locale: options.locale || 'en-US',
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
