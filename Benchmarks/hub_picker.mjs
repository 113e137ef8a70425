// SPDX-License-Identifier: GPL-3.0-or-later
// Times the Explorer's "Send via DICOM-Mail" picker of a hub (#25) in
// Debian's headless Chromium: from the click on the study page's button to
// the picker listing every partner. Run by hub_benchmark.py --browser:
//
//   node hub_picker.mjs BASE_URL STUDY_ID PARTNERS
//
// Prints {"seconds": median of 5 openings, "runs": [...]} as its last line.
// playwright-core comes from IntegrationTests/browser (npm ci there).

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'IntegrationTests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const [base, study, partners] = process.argv.slice(2);
const expected = Number(partners);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const runs = [];
  await page.goto(`${base.replace(/\/+$/, '')}/app/explorer.html#study?uuid=${encodeURIComponent(study)}`);
  for (let i = 0; i < 6; i++) {
    await page.reload();   // no picker left open, nothing cached in the page
    const button = page.locator('#study-dicom-mail-send');
    await button.waitFor({ state: 'visible', timeout: 30000 });
    await page.waitForTimeout(300);   // the page settles; the click is what is timed
    const start = Date.now();
    await button.click();
    await page.waitForFunction((n) => {
      const picker = document.getElementById('dicom-mail-picker');
      return picker && picker.getClientRects().length > 0 && picker.querySelectorAll('li.dm-partner').length >= n;
    }, expected, { timeout: 60000, polling: 'raf' });
    runs.push((Date.now() - start) / 1000);
  }
  runs.shift();   // the first opening warms the browser's caches
  const sorted = [...runs].sort((a, b) => a - b);
  console.log(JSON.stringify({ seconds: sorted[Math.floor(sorted.length / 2)], runs }));
} finally {
  await browser.close();
}
