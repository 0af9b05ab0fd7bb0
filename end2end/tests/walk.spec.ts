import AxeBuilder from "@axe-core/playwright";
import { Page, TestInfo } from "@playwright/test";
import { expect, test, jsEnabled, open, signIn, signOut } from "./helpers";

// Walks every page each role reaches from its navigation, hydrated and
// without JavaScript: each must load, hydrate without a console error (the
// `test` fixture fails on one) and pass axe-core's WCAG 2 A/AA checks with no
// serious or critical violation. Runs last (files in order): it only reads.

async function axe(page: Page, info: TestInfo, where: string) {
  // axe runs as a script in the page: only where scripts run.
  if (!jsEnabled(info)) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
  expect(bad, `accessibility problems on ${where}`).toEqual([]);
}

async function visit(page: Page, info: TestInfo, path: string) {
  await open(page, info, path);
  await expect(page.locator("main h1, main h2").first()).toBeVisible();
  await expect(page.locator("main")).not.toContainText("Không tìm thấy trang");
  await axe(page, info, path);
}

// Plain server-rendered pages (no bundle): the open-data portal for anyone,
// and a report's print in the Decree 30 layout for its readers.
async function plain(page: Page, info: TestInfo, path: string, heading: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
  await axe(page, info, path);
}

test("the open-data page is public and accessible", async ({ page }, info) => {
  await plain(page, info, "/du-lieu-mo", "Dữ liệu mở");
  const data = await page.request.get("/du-lieu-mo/chi-tieu.json");
  expect(data.status()).toBe(200);
});

test("a report prints in the Decree 30 layout", async ({ page }, info) => {
  await signIn(page, info, "cv.syt");
  await expect(page).not.toHaveURL(/dang-nhap/);
  await open(page, info, "/bao-cao");
  const href = await page.locator("main a[href^='/bao-cao/']").first().getAttribute("href");
  await plain(page, info, `${href}/in`, "BÁO CÁO");
  await expect(page.getByText("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).toBeVisible();
});

test("the sign-in page is accessible", async ({ page }, info) => {
  await open(page, info, "/dang-nhap");
  await axe(page, info, "/dang-nhap");
});

const walks: { user: string; paths: string[]; report?: boolean }[] = [
  { user: "cv.syt", paths: ["/", "/bao-cao", "/thong-bao", "/doi-mat-khau", "/nhap-excel"], report: true },
  { user: "ld.tohieu", paths: ["/", "/bao-cao"], report: true },
  { user: "vp.tonghop", paths: ["/", "/tinh-hinh-bao-cao", "/tinh-hinh-bao-cao/qua-han", "/don-vi", "/danh-muc/che-do", "/nhap-excel"] },
  { user: "ld.tinh", paths: ["/", "/tinh-hinh-bao-cao", "/don-vi", "/tong-hop", "/tong-hop/so-hoa", "/tong-hop/bang"] },
  {
    user: "quantri",
    paths: ["/", "/danh-muc/chi-tieu", "/danh-muc/phan-to", "/danh-muc/che-do", "/danh-muc/ngay-nghi", "/danh-muc/nhap-xuat", "/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/moi", "/quan-tri/api", "/quan-tri/webhook", "/don-vi"],
  },
];

for (const w of walks) {
  test(`${w.user} walks the pages of the role`, async ({ page }, info) => {
    // A dozen pages, each hydrated and checked by axe: the administrator's
    // walk took 49 s of the default 60 alone on the machine, and timed out
    // on a busy one.
    test.setTimeout(180_000);
    await signIn(page, info, w.user);
    await expect(page).toHaveURL(/\/$/);
    for (const path of w.paths) await visit(page, info, path);
    // The unit page, from the navigation ("Đơn vị của tôi") or the list of units.
    await open(page, info, "/don-vi");
    const unitLink = page.locator('main a[href^="/don-vi/"]').first();
    if (await unitLink.count()) {
      const href = (await unitLink.getAttribute("href"))!;
      await visit(page, info, href);
    } else {
      const mine = page.getByRole("link", { name: "Đơn vị của tôi" });
      await visit(page, info, (await mine.getAttribute("href"))!);
    }
    // A report form and a regime's page, where the role reaches one.
    if (w.report) {
      await open(page, info, "/bao-cao");
      const report = page.locator('main a[href^="/bao-cao/"]').first();
      await visit(page, info, (await report.getAttribute("href"))!);
    }
    if (w.user === "quantri") {
      await open(page, info, "/danh-muc/che-do");
      const regime = page.locator('main a[href^="/danh-muc/che-do/"]').first();
      const href = (await regime.getAttribute("href"))!;
      for (const sub of ["", "/bieu-mau", "/quy-tac", "/ke-hoach", "/xem-truoc"]) await visit(page, info, href + sub);
    }
    await signOut(page, info);
  });
}
