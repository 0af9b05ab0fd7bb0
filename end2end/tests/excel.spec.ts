import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { jsEnabled, open, signIn } from "./helpers";

// A clerk downloads the report's biểu mẫu, fills it offline (the test edits
// the file as a spreadsheet program would), uploads it, reads the preview,
// confirms, and finds the figure in the form with its audit entry.
test("a clerk fills the Excel form offline, previews the upload, confirms and sees the figure in the form", async ({ page }, info) => {
  await signIn(page, info, "cv.syt");
  await expect(page).toHaveURL(/\/$/);
  await open(page, info, "/");
  const row = page.locator("tr", { hasText: "YTE_THANG" }).first();
  const existing = row.getByRole("link", { name: "Mở báo cáo" });
  if (await existing.count()) {
    await existing.click();
  } else {
    await row.getByRole("button", { name: /^Lập báo cáo/ }).click();
  }
  await expect(page).toHaveURL(/\/bao-cao\/\d+$/);
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const reportUrl = page.url();

  // Download.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Tải biểu mẫu Excel" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^bieu-mau-yte-thang-syt-.*\.xlsx$/);
  const original = info.outputPath("bieu-mau.xlsx");
  await download.saveAs(original);

  // Filled offline: YT01 becomes 1.234 (a figure that is new to the report,
  // whatever other specs stored before).
  const value = String(1000 + (Date.now() % 900));
  const edited = info.outputPath("so-lieu-thang.xlsx");
  const cell = execFileSync("python3", [path.join(__dirname, "fixtures", "edit_xlsx.py"), original, edited, "YT01", value]).toString().trim();
  const shown = Number(value).toLocaleString("de-DE");

  // Upload onto the report: the preview lists the change with its cell; nothing stored yet.
  await page.locator("summary", { hasText: "Nhập số liệu từ tệp Excel" }).click();
  await page.locator('input[type="file"][name="file"]').setInputFiles(edited);
  await page.getByRole("button", { name: "Tải lên và xem trước" }).click();
  await expect(page).toHaveURL(/\/nhap-excel\/\d+/);
  await expect(page.getByRole("heading", { name: "Xem trước số liệu từ Excel" })).toBeVisible();
  await expect(page.locator(".verdict").first()).toHaveText("Sẽ được nhập");
  const change = page.locator(".excel-changes tbody tr", { hasText: cell });
  await expect(change).toHaveCount(1);
  await expect(change.locator("td.new")).toContainText(shown);
  await expect(page.getByText("Chưa có gì được lưu")).toBeVisible();

  // Confirm.
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Xác nhận nhập" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã nhập 1 báo cáo" })).toBeVisible();
  await expect(page.locator(".verdict").first()).toHaveText(/^Đã nhập/);

  // The form shows the figure; the history names the file.
  await open(page, info, new URL(reportUrl).pathname);
  await expect(page.locator('[name="values[YT01]"]')).toHaveValue(shown);
  await page.locator("details.history summary").click();
  await expect(page.locator("details.history")).toContainText("so-lieu-thang.xlsx");
});
