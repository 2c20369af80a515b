// Opens notebooks in a running JupyterLab with Debian's Chromium and counts the charts the page
// actually draws: every image of an output area that has loaded (naturalWidth > 0), PNG or SVG.
// Driven by tools/lab.py --browser-test, which starts the server and compares the counts with
// the charts stored in each notebook.
//
//   node charts.mjs URL TOKEN SHOTS_DIR NOTEBOOK:CELLS[:shot] ...
//
// CELLS is the notebook's cell count: the page is read once it shows that many cells. Prints one
// JSON line per notebook: {"notebook", "cells", "drawn", "png", "svg", "screenshot"}. With
// `:shot` it also saves SHOTS_DIR/<name>.png: the page scrolled to the notebook's first chart.
import { chromium } from "playwright-core";
import path from "node:path";

const [url, token, shots, ...notebooks] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  for (const spec of notebooks) {
    const [name, expected, shot] = spec.split(":");
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${url}/lab/tree/${encodeURIComponent(name)}?token=${token}&reset`);
    await page.waitForFunction(
      (n) => document.querySelectorAll(".jp-Notebook .jp-Cell").length >= n,
      Number(expected), { timeout: 120000 });
    // Bring every cell into view once (JupyterLab renders cells lazily), then let images load.
    const cells = await page.locator(".jp-Notebook .jp-Cell").count();
    for (let i = 0; i < cells; i++) {
      await page.locator(".jp-Notebook .jp-Cell").nth(i).scrollIntoViewIfNeeded();
    }
    await page.waitForTimeout(1000);
    const counts = await page.evaluate(async () => {
      const images = [...document.querySelectorAll(".jp-Notebook .jp-OutputArea-output img")];
      await Promise.all(images.map((img) => (img.complete ? null : img.decode().catch(() => null))));
      const drawn = images.filter((img) => img.complete && img.naturalWidth > 0);
      return {
        drawn: drawn.length,
        png: drawn.filter((img) => img.src.startsWith("data:image/png")).length,
        svg: drawn.filter((img) => img.src.startsWith("data:image/svg")).length,
      };
    });
    let screenshot = null;
    if (shot !== undefined) {
      const first = page.locator(".jp-Notebook .jp-OutputArea-output img").first();
      if ((await first.count()) > 0) {
        await first.scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
      }
      screenshot = path.join(shots, `${path.basename(name, ".ipynb")}.png`);
      await page.screenshot({ path: screenshot });
    }
    console.log(JSON.stringify({ notebook: name, cells, ...counts, screenshot }));
    await page.close();
  }
} finally {
  await browser.close();
}
