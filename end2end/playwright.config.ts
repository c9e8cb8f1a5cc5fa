import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. Flags that work on a
// machine with no outside network.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './tests',
  // Generous limits: a CI machine can run the same suite several times
  // slower than a workstation (seen: six times), and a test that only ran
  // out of time is run again whole, which costs more than waiting.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  // One retry: a test that fails then passes is reported as flaky (test.sh
  // prints those at the end of every run), not hidden.
  retries: 1,
  reporter: [['list'], ['json', { outputFile: 'results.json' }]],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3300',
    launchOptions,
    trace: 'off',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1366, height: 860 } }, testIgnore: /phone\.spec/ },
    {
      name: 'phone',
      use: { ...devices['Pixel 7'], viewport: { width: 390, height: 844 }, launchOptions },
      testMatch: /phone\.spec/,
    },
  ],
});
