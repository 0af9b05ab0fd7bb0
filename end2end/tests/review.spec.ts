import { expect, test } from "@playwright/test";
import { jsEnabled, open, signIn, signOut } from "./helpers";

// Runs after reports.spec.ts (workers: 1, files in order), which leaves a
// sent report: Sở Y tế's quarterly report when hydrated, Phường Tô Hiệu's
// monthly one (approved by its leader) without JavaScript.
test("the office returns a report with a reason; the clerk sees it, sends again; the office accepts it with two others", async ({ page }, info) => {
  const hydrated = jsEnabled(info);
  const unit = hydrated ? "Sở Y tế" : "Phường Tô Hiệu";
  const clerk = hydrated ? "cv.syt" : "cv.tohieu";
  const reason = "Số liệu quý chưa khớp với báo cáo tháng; đề nghị kiểm tra lại.";

  await signIn(page, info, "vp.tonghop");
  await expect(page).toHaveURL(/\/$/);
  // The board in words, with counts and rates.
  await open(page, info, "/tinh-hinh-bao-cao");
  await expect(page.getByRole("heading", { name: "Tình hình báo cáo" })).toBeVisible();
  await expect(page.locator(".legend")).toContainText("Quá hạn chưa gửi");
  await expect(page.getByRole("link", { name: "Tải bảng (Excel)" })).toBeVisible();

  // From the inbox: return the unit's report with a reason.
  await open(page, info, "/");
  const row = page.locator(".inbox-table tr", { hasText: unit }).first();
  await expect(row).toBeVisible();
  await row.getByText("Trả lại…").click();
  await row.getByLabel("Lý do trả lại (bắt buộc)").fill(reason);
  await row.getByRole("button", { name: "Trả lại đơn vị" }).click();
  await expect(page.locator(".report-head .status")).toHaveText("Bị trả lại");
  const reportPath = new URL(page.url()).pathname;
  await signOut(page, info);

  // The clerk: the bell, the reason, then sends again.
  await signIn(page, info, clerk);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".bell-count")).toBeVisible();
  await open(page, info, "/thong-bao");
  await expect(page.locator(".notices")).toContainText(reason);
  await open(page, info, reportPath);
  await expect(page.locator("main")).toContainText(reason);
  if (hydrated) {
    await page.getByRole("button", { name: "Gửi báo cáo" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
  } else {
    await page.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Chờ lãnh đạo duyệt");
    await signOut(page, info);
    await signIn(page, info, "ld.tohieu");
    await open(page, info, reportPath);
    await page.getByRole("button", { name: "Duyệt và gửi" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
  }
  await signOut(page, info);

  // The office accepts it and two others in one action.
  await signIn(page, info, "vp.tonghop");
  await expect(page).toHaveURL(/\/$/);
  const id = reportPath.split("/").pop();
  await page.locator(`input[name="chon[${id}]"]`).check();
  const others = page.locator('.inbox-table input[type="checkbox"]:not(:checked)');
  await others.nth(0).check();
  await others.nth(0).check();
  await page.getByRole("button", { name: "Tiếp nhận các báo cáo đã chọn" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Đã tiếp nhận 3 báo cáo." })).toBeVisible();
  await open(page, info, reportPath);
  await expect(page.locator(".report-head .status")).toHaveText("Đã tiếp nhận");
});
