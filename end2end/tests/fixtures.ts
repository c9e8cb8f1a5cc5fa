// The `test` every spec uses: Playwright's, plus a record of what the
// browser said while the test ran (console errors and warnings, uncaught
// errors, failed requests, server errors). It is attached to a test only
// when the test fails; summary.mjs prints it, so a CI log says why a page
// never became ready, not only that it did not.
import { test as base, expect, Page } from '@playwright/test';

export { expect };
export type { Page, APIRequestContext, Locator, BrowserContext } from '@playwright/test';

export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    async ({ context }, use, testInfo) => {
      const log: string[] = [];
      const start = Date.now();
      const at = () => `${((Date.now() - start) / 1000).toFixed(1)}s`;
      const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
      const watch = (page: Page) => {
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') {
            log.push(`${at()} console.${m.type()} on ${path(page.url())}: ${m.text().slice(0, 400)}`);
          }
        });
        page.on('pageerror', (e) => log.push(`${at()} uncaught on ${path(page.url())}: ${e.message.slice(0, 400)}`));
        page.on('requestfailed', (r) =>
          log.push(`${at()} request failed ${r.method()} ${path(r.url())}: ${r.failure()?.errorText ?? ''}`),
        );
        page.on('response', (r) => {
          if (r.status() >= 500) log.push(`${at()} ${r.status()} ${r.request().method()} ${path(r.url())}`);
        });
        page.on('framenavigated', (f) => {
          if (f === page.mainFrame()) log.push(`${at()} navigated to ${path(f.url())}`);
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      for (const page of context.pages()) {
        const state = await page
          .evaluate(() => ({
            ready: document.querySelector('.app')?.getAttribute('data-ready') ?? 'no .app',
            controlled: !!navigator.serviceWorker?.controller,
            text: document.body?.innerText.replace(/\s+/g, ' ').slice(0, 300) ?? '',
          }))
          .catch((e) => ({ ready: '?', controlled: '?', text: String(e).slice(0, 200) }));
        log.push(
          `at the failure, ${path(page.url())}: data-ready=${state.ready}, worker in control=${state.controlled}, text: ${state.text}`,
        );
      }
      await testInfo.attach('browser-log', { body: log.join('\n'), contentType: 'text/plain' });
    },
    { auto: true },
  ],
});
