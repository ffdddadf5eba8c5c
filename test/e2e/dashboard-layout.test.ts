import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite } from './support';

/**
 * The dashboard's layout at a desktop width and a phone width, on the demo registry: nothing makes
 * the page scroll sideways, every card holds its content, KPI text fits, the activity grid scrolls
 * inside its card, and the model modal keeps one size whatever the tab. Screenshots of each width
 * go to test/artifacts (ignored by git).
 */
const WIDTHS = [{ width: 1440, height: 900 }, { width: 390, height: 844 }] as const;

type Box = { left: number; right: number; top: number; bottom: number };

/** Boxes of every element matching a selector, rounded to the pixel. */
const boxes = (page: Page, selector: string): Promise<(Box & { text: string })[]> => page.locator(selector).evaluateAll((els) => els.map((el) => {
  const b = el.getBoundingClientRect();
  return { left: Math.round(b.left), right: Math.round(b.right), top: Math.round(b.top), bottom: Math.round(b.bottom), text: (el as HTMLElement).innerText };
}));
const inside = (inner: Box, outer: Box) => inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top && inner.bottom <= outer.bottom;

describe('dashboard layout at 1440 px and 390 px', function () {
  this.timeout(60_000);
  const { open } = browserSuite(() => undefined);

  const openAt = async (size: { width: number; height: number }, query = '') => {
    const watched = await open(query);
    await watched.page.setViewportSize(size);
    return watched;
  };


  for (const size of WIDTHS) {
    it(`never scrolls sideways at ${size.width} px: cards hold their content, KPI text fits, the grid scrolls inside its card`, async () => {
      const { page } = await openAt(size);
      await page.screenshot({ path: join(ARTIFACTS, `layout-${size.width}.png`), fullPage: true });

      const page_ = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
      assert.ok(page_.scrollWidth <= page_.innerWidth, `the page is ${page_.scrollWidth} px wide in a ${page_.innerWidth} px window`);
      for (const card of await boxes(page, '.kpi-row, .training-schedule-grid, .models-card')) {
        assert.ok(card.left >= 0 && card.right <= size.width, `a card spans ${card.left}–${card.right}`);
      }

      // KPIs: five cards inside the row, each value, label and sub-line unclipped and inside its card.
      const kpis = await page.locator('.kpi').evaluateAll((cards) => cards.map((card) => {
        const c = card.getBoundingClientRect();
        return {
          kpi: (card as HTMLElement).dataset.kpi,
          texts: [...card.querySelectorAll<HTMLElement>('.kpi-value, .kpi-label, .kpi-sub')].map((t) => {
            const b = t.getBoundingClientRect();
            return { text: t.innerText, scrollWidth: t.scrollWidth, clientWidth: t.clientWidth, inCard: b.left >= c.left && b.right <= c.right + 0.5 && b.top >= c.top && b.bottom <= c.bottom + 0.5 };
          }),
        };
      }));
      assert.equal(kpis.length, 5);
      for (const { kpi, texts } of kpis) {
        assert.ok(texts.length >= 2, `${kpi} shows a value and a label`);
        for (const t of texts) {
          assert.ok(t.scrollWidth <= t.clientWidth, `${kpi}: "${t.text}" overflows (${t.scrollWidth} > ${t.clientWidth})`);
          assert.ok(t.inCard, `${kpi}: "${t.text}" sticks out of its card`);
        }
      }
      const row = (await boxes(page, '.kpi-row'))[0]!;
      for (const card of await boxes(page, '.kpi')) assert.ok(inside(card, row), 'a KPI card outside the row');

      // The grid: its scroller stays inside the card; at 390 px the 40 weeks scroll within it.
      const grid = await page.locator('.training-schedule-grid').evaluate((card) => {
        const scroller = card.querySelector<HTMLElement>('.schedule-grid-scroll')!;
        const c = card.getBoundingClientRect();
        const s = scroller.getBoundingClientRect();
        return { inCard: s.left >= c.left && s.right <= c.right, scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth, overflowX: getComputedStyle(scroller).overflowX };
      });
      assert.ok(grid.inCard, 'the grid sticks out of its card');
      assert.equal(grid.overflowX, 'auto');
      if (size.width === 390) assert.ok(grid.scrollWidth > grid.clientWidth, 'at 390 px the weeks scroll inside the card');
      else assert.ok(grid.scrollWidth <= grid.clientWidth, 'at 1440 px all 40 weeks show at once');

      // Scrolling the grid to its end moves the weeks, not the page.
      await page.locator('.schedule-grid-scroll').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      assert.equal(await page.evaluate(() => scrollX), 0);
    });
  }

  it('labels the window\'s first month, and no two month labels overlap', async () => {
    for (const size of WIDTHS) {
      const { page } = await openAt(size);
      const firstDay = await page.locator('.schedule-grid-cell').first().getAttribute('data-date');
      const firstMonth = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' }).format(new Date(`${firstDay}T12:00:00Z`));
      const labels = await boxes(page, '.schedule-grid-month');
      assert.equal(labels[0]!.text, firstMonth, `the first label names the month of ${firstDay}`);
      // Each month once, in calendar order from the first.
      const months = labels.map((l) => l.text);
      assert.equal(new Set(months).size, months.length, months.join(' '));
      const container = (await boxes(page, '.schedule-grid-container'))[0]!;
      for (let i = 0; i < labels.length; i++) {
        assert.ok(labels[i]!.left >= container.left, `${labels[i]!.text} starts before the grid`);
        if (i > 0) assert.ok(labels[i - 1]!.right <= labels[i]!.left, `${labels[i - 1]!.text} (…${labels[i - 1]!.right}) overlaps ${labels[i]!.text} (${labels[i]!.left}…)`);
      }
    }
  });

  for (const size of WIDTHS) {
    it(`keeps the model modal one size on every tab at ${size.width} px, its tab row scrolling by itself`, async () => {
      const { page } = await openAt(size, '?model=recs-prod-v3');
      const modal = page.locator('.model-modal');
      await modal.locator('.metric-card').first().waitFor();
      const measure = () => modal.evaluate((dialog) => {
        const d = dialog.getBoundingClientRect();
        const tabs = dialog.querySelector<HTMLElement>('.tabs')!;
        const t = tabs.getBoundingClientRect();
        const selected = tabs.querySelector<HTMLElement>('[aria-selected="true"]')!.getBoundingClientRect();
        const body = dialog.querySelector<HTMLElement>('.modal-body')!.getBoundingClientRect();
        return {
          box: [d.left, d.top, d.width, d.height].map(Math.round).join(','),
          body: [body.left, body.width].map(Math.round).join(','),
          dialogScroll: dialog.scrollLeft,
          tabsScroll: tabs.scrollWidth > tabs.clientWidth,
          selectedShown: selected.left >= t.left - 0.5 && selected.right <= t.right + 0.5,
          inViewport: d.left >= 0 && d.right <= innerWidth && d.top >= 0 && d.bottom <= innerHeight,
          pageWidth: document.documentElement.scrollWidth,
        };
      });
      const first = await measure();
      assert.ok(first.inViewport, 'the modal fits the window');
      assert.equal(first.tabsScroll, size.width === 390, 'the tab row scrolls only when it does not fit');
      for (const tab of ['Versions', 'Lineage', 'Deployment', 'Artifacts', 'Overview']) {
        await modal.getByRole('tab', { name: tab }).click();
        await page.waitForFunction((panel) => {
          const body = document.querySelector(`.model-modal .modal-body[data-panel="${panel}"]`);
          return body && !body.querySelector('.tab-loading');
        }, tab.toLowerCase());
        const now = await measure();
        assert.equal(now.box, first.box, `${tab} resized or moved the modal`);
        assert.equal(now.body, first.body, `${tab} moved the modal body sideways`);
        assert.equal(now.dialogScroll, 0, `${tab} scrolled the modal sideways`);
        assert.ok(now.selectedShown, `the ${tab} tab is scrolled into view`);
        assert.ok(now.pageWidth <= size.width);
        if (tab === 'Lineage') await page.screenshot({ path: join(ARTIFACTS, `layout-${size.width}-modal-lineage.png`) });
      }
    });
  }
});
