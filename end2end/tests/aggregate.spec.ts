import { expect, test, open, signIn } from "./helpers";

// A provincial leader opens the dashboard, drills down to a unit, opens the
// digital-data share and the pivot, and the pivot's CSV has the page's numbers.
for (const width of [390, 1280]) {
test.describe(`at ${width} px`, () => {
test.use({ viewport: { width, height: 900 } });
test("leader: dashboard, drill-down, 50 % page, pivot and its CSV", async ({ page }, info) => {
  await signIn(page, info, "ld.tinh");
  await expect(page).toHaveURL(/\/$/);
  await open(page, info, "/tong-hop?ky=2025");
  await expect(page.getByRole("heading", { level: 1, name: "Tổng hợp số liệu" })).toBeVisible();
  await expect(page.locator("svg.chart").first()).toBeVisible();
  // The communes ranked, highest first.
  await expect(page.locator("#xep-hang")).toContainText("Xếp hạng");
  await expect(page.locator("table.ranking tbody tr").first().locator("td").first()).toHaveText("1");
  await page.screenshot({ path: `test-results/tong-hop-${width}-${info.project.name}.png`, fullPage: true });
  // Drill down: the first child in the table beside the bars, then its first child.
  const firstChild = page.locator("table caption", { hasText: "Theo đơn vị trực thuộc" }).locator("xpath=..").locator("tbody a").first();
  const name = (await firstChild.textContent()) ?? "";
  await firstChild.click();
  await expect(page.locator("nav.breadcrumb")).toContainText(name.trim());
  const grandChild = page.locator("table caption", { hasText: "Theo đơn vị trực thuộc" }).locator("xpath=..").locator("tbody a").first();
  if (await grandChild.count()) {
    await grandChild.click();
  }
  await page.screenshot({ path: `test-results/tong-hop-don-vi-${width}-${info.project.name}.png`, fullPage: true });

  await open(page, info, "/tong-hop/so-hoa?ky=2025-Q2");
  await expect(page.locator("#dinh-nghia")).toContainText("dữ liệu số");
  await page.screenshot({ path: `test-results/so-hoa-${width}-${info.project.name}.png`, fullPage: true });

  await open(page, info, "/tong-hop/bang?nam=2025&tan_suat=quy");
  const firstRow = page.locator("table.pivot tbody tr").first();
  await expect(firstRow).toBeVisible();
  await page.screenshot({ path: `test-results/bang-${width}-${info.project.name}.png`, fullPage: true });
  const pageCells = await firstRow.locator("td.num").allTextContents();
  const res = await page.request.get("/tai-xuong/tong-hop.csv?nam=2025&tan_suat=quy");
  expect(res.status()).toBe(200);
  const csv = (await res.text()).replace(/^\uFEFF/, "");
  const line = csv.split("\n")[1];
  const cells = line.split(",").slice(-pageCells.length);
  // The page writes 1.234,5; the file 1234.5: the same numbers.
  const asFile = pageCells.map((t) => (t.trim() === "—" ? "" : t.trim().replace(/\./g, "").replace(",", ".")));
  expect(cells.map((c) => c.trim().replace(/"/g, ""))).toEqual(asFile);
  const xlsx = await page.request.get("/tai-xuong/tong-hop.xlsx?nam=2025&tan_suat=quy");
  expect(xlsx.status()).toBe(200);
  expect((await xlsx.body()).subarray(0, 2).toString()).toBe("PK");
});
});
}
