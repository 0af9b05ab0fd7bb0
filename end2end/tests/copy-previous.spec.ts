import { Page, TestInfo } from "@playwright/test";
import { expect, test, jsEnabled, open, signIn, signOut } from "./helpers";

// "Chép số liệu kỳ trước": a clerk starts a report from the figures the
// office accepted for the previous month, sees every copied figure marked,
// keeps one row as it is, changes another, is refused sending while marks
// remain (the rows named, the first focused when hydrated), confirms the
// rest and sends. Each project works in a ward of its own (a clerk the
// administrator makes for it), so no other spec's report is touched.

const MARK = "Chép từ kỳ trước — chưa xác nhận";
const TEMPORARY = "TamThoi2025";
const PASSWORD = "ChepKyTruoc@2026";

async function makeClerk(page: Page, info: TestInfo, username: string, ward: string) {
  await signIn(page, info, "quantri");
  await expect(page).toHaveURL(/\/$/);
  await open(page, info, "/quan-tri/nguoi-dung/moi");
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Họ và tên").fill("Lường Văn Chép");
  await page.getByLabel("Vai trò").selectOption({ label: "Chuyên viên báo cáo" });
  await page.getByLabel("Đơn vị").selectOption({ label: ward });
  await page.getByLabel("Mật khẩu tạm").fill(TEMPORARY);
  await page.getByRole("button", { name: "Tạo tài khoản" }).click();
  await expect(page).toHaveURL(/\/quan-tri\/nguoi-dung\/\d+/);
  await signOut(page, info);
  await signIn(page, info, username, TEMPORARY);
  await expect(page).toHaveURL(/\/doi-mat-khau/);
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Mật khẩu hiện tại").fill(TEMPORARY);
  await page.getByLabel("Mật khẩu mới", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Nhập lại mật khẩu mới").fill(PASSWORD);
  await page.getByRole("button", { name: "Lưu mật khẩu mới" }).click();
  await expect(page).toHaveURL(/\/\?doi-mat-khau=1/);
}

test("a clerk copies the previous period's accepted figures, sees them marked, confirms and sends", async ({ page }, info) => {
  const js = jsEnabled(info);
  const ward = js ? "Phường Chiềng An" : "Phường Chiềng Cơi";
  const username = `cv.chep.${js ? "js" : "nojs"}.${Date.now() % 100000}`;
  await makeClerk(page, info, username, ward);

  // The month's report, started empty: the page offers the previous month's figures, or says why not.
  await open(page, info, "/");
  await page.locator("tr", { hasText: "KTXH_XA" }).first().getByRole("button", { name: /^Lập báo cáo/ }).click();
  await expect(page).toHaveURL(/\/bao-cao\/\d+$/);
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const reportPath = new URL(page.url()).pathname;
  const offer = page.locator(".copy-offer");
  await expect(offer.getByRole("heading", { name: "Chép số liệu kỳ trước" })).toBeVisible();
  const note = (await offer.locator(".hint").textContent()) ?? "";
  const previous = /kỳ trước \((Tháng \d+\/\d{4})\)/.exec(note)?.[1];
  expect(previous, note).toBeTruthy();

  if (note.includes("chưa được tiếp nhận")) {
    // Only sent: nothing is offered until the office accepts it.
    await expect(offer.getByRole("button")).toHaveCount(0);
    await open(page, info, "/bao-cao");
    const row = page.locator("tr", { hasText: previous! }).filter({ hasText: "KTXH_XA" }).first();
    const previousPath = await row.getByRole("link", { name: "Mở báo cáo" }).getAttribute("href");
    await signOut(page, info);
    await signIn(page, info, "vp.tonghop");
    await expect(page).toHaveURL(/\/$/);
    await open(page, info, previousPath!);
    await page.getByRole("button", { name: "Tiếp nhận" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Đã tiếp nhận");
    await signOut(page, info);
    await signIn(page, info, username, PASSWORD);
    await expect(page).toHaveURL(/\/$/);
    await open(page, info, reportPath);
  }

  // Copy: every copied figure is marked, for the eye and for screen readers.
  await page.getByRole("button", { name: `Chép số liệu kỳ trước (${previous})` }).click();
  await expect(page).toHaveURL(/\?da-chep=\d+/);
  if (js) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const copied = Number(/da-chep=(\d+)/.exec(page.url())![1]);
  expect(copied).toBeGreaterThan(3);
  await expect(page.getByRole("status").filter({ hasText: `Đã chép ${copied} số liệu của kỳ trước` })).toBeVisible();
  await expect(page.locator(".copied-mark")).toHaveCount(copied);
  await expect(page.locator(".copied-summary")).toContainText(`${copied} số liệu được chép từ kỳ trước, chưa xác nhận`);
  const first = page.locator("tr:has(.copied-mark) input[name^='values[']").first();
  const firstName = (await first.getAttribute("name"))!;
  const firstKey = firstName.slice("values[".length, -1);
  await expect(first).toHaveAttribute("aria-describedby", `msg-${firstKey} cp-${firstKey}`);
  await expect(page.locator(`#cp-${firstKey}`)).toHaveText(MARK);
  await expect(page.locator(".copy-offer")).toHaveCount(0);
  await page.screenshot({ path: info.outputPath("copied.png"), fullPage: true });

  // "Giữ nguyên" on NS01 keeps it as it is.
  await page.getByRole("button", { name: "Giữ nguyên số liệu chép từ kỳ trước: Thu ngân sách nhà nước trên địa bàn" }).click();
  if (js) {
    await expect(page.getByRole("status").filter({ hasText: "Đã xác nhận số liệu chép từ kỳ trước" })).toBeVisible();
  } else {
    await expect(page).toHaveURL(/\?da-xac-nhan=1/);
  }
  await expect(page.locator("#row-NS01 .copied-mark")).toHaveCount(0);
  await expect(page.locator(".copied-mark")).toHaveCount(copied - 1);

  // A changed figure loses its mark (at once with the script, after saving without it).
  const hc01 = page.locator('[name="values[HC01]"]');
  const changed = String(Number((await hc01.inputValue()).replace(/\./g, "")) + 1);
  await hc01.fill(changed);
  if (js) await expect(page.locator("#row-HC01 .copied-mark")).toHaveCount(0);

  // Sending is refused while marks remain, naming the rows.
  await page.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
  if (js) {
    await expect(page.locator(".copied-summary li").first()).toContainText("số liệu chép từ kỳ trước chưa được xác nhận");
    const invalid = page.locator("tr.copied-row input[aria-invalid='true']").first();
    await expect(invalid).toBeFocused();
  } else {
    await expect(page.getByRole("alert").filter({ hasText: "số liệu chép từ kỳ trước chưa được xác nhận" })).toBeVisible();
    await expect(page.locator("tr.copied-row input[aria-invalid='true']").first()).toBeVisible();
  }
  await expect(page.locator("#row-HC01 .copied-mark")).toHaveCount(0);
  await expect(page.locator('[name="values[HC01]"]')).toHaveValue(changed);
  await expect(page.locator(".report-head .status")).toHaveText("Nháp");
  await page.screenshot({ path: info.outputPath("refused.png"), fullPage: true });

  // "Xác nhận tất cả", then it goes (a warning, if any, explained first).
  await page.getByRole("button", { name: "Xác nhận tất cả" }).click();
  await expect(page.locator(".copied-mark")).toHaveCount(0);
  await expect(page.locator(".copied-summary")).toHaveCount(0);
  const explanations = page.getByLabel("Giải trình (bắt buộc để gửi khi có cảnh báo)").filter({ visible: true });
  for (let i = 0; i < (await explanations.count()); i++) {
    await explanations.nth(i).fill("Số liệu ổn định so với tháng trước, đơn vị đã kiểm tra lại.");
  }
  await page.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
  await expect(page.locator(".report-head .status")).toHaveText("Chờ lãnh đạo duyệt");

  // The history says where the figures came from.
  await page.locator("summary", { hasText: "Lịch sử thay đổi" }).click();
  await expect(page.locator(".history")).toContainText(`Chép số liệu kỳ trước (kỳ ${previous})`);
});
