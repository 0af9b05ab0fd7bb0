import { expect, test } from "@playwright/test";
import { jsEnabled, open, signIn } from "./helpers";

test("an administrator creates an indicator and a regime with a rule, previews and publishes it", async ({ page }, info) => {
  const tag = jsEnabled(info) ? "H" : "N";
  const code = `E2E${tag}01`;
  const regime = `E2E_${tag}`;
  await signIn(page, info, "quantri");
  await expect(page).toHaveURL(/\/$/);

  // The indicator.
  await open(page, info, "/danh-muc/chi-tieu/moi");
  await page.getByLabel("Mã chỉ tiêu", { exact: true }).fill(code);
  await page.getByLabel("Tên chỉ tiêu").fill("Số điểm truy cập Internet công cộng");
  await page.getByLabel("Đơn vị tính").fill("Điểm");
  await page.getByLabel("Kiểu giá trị").selectOption({ label: "Số nguyên" });
  await page.getByLabel("Giá trị nhỏ nhất").fill("0");
  await page.getByLabel("Lĩnh vực").fill("Chuyển đổi số");
  await page.getByRole("button", { name: "Lưu chỉ tiêu" }).click();
  await expect(page).toHaveURL(/\/danh-muc\/chi-tieu\/\d+\?da-luu=1/);
  await expect(page.getByRole("heading", { name: `${code} — Số điểm truy cập Internet công cộng` })).toBeVisible();

  // The regime: a draft, then its Decree 09 fields.
  await open(page, info, "/danh-muc/che-do");
  await page.getByLabel("Mã", { exact: true }).fill(regime);
  await page.getByLabel("Tên chế độ báo cáo").fill("Báo cáo hạ tầng số thử nghiệm");
  await page.getByRole("button", { name: "Tạo bản nháp" }).click();
  await expect(page).toHaveURL(/\/danh-muc\/che-do\/\d+\?da-tao=1/);
  const regimeUrl = page.url().replace(/\?.*$/, "");
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Căn cứ pháp lý").fill("Quyết định 1836/QĐ-UBND");
  await page.getByLabel("Tất cả xã, phường").check();
  await page.getByRole("button", { name: "Lưu bản nháp" }).click();
  await expect(page.getByText("Đã lưu bản nháp.")).toBeVisible();

  // The form: a section and a row.
  await open(page, info, `${new URL(regimeUrl).pathname}/bieu-mau`);
  await page.getByLabel("Thêm phần I").fill("Hạ tầng");
  await page.getByRole("button", { name: "Thêm phần" }).click();
  await expect(page.getByRole("heading", { name: "I. Hạ tầng" })).toBeVisible();
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Thêm chỉ tiêu vào phần I").selectOption({ value: code });
  await page.getByRole("button", { name: "Thêm dòng" }).click();
  await expect(page.getByRole("cell", { name: code, exact: true })).toBeVisible();

  // A rule: a mistake first, told with its position, then a good one.
  await open(page, info, `${new URL(regimeUrl).pathname}/quy-tac`);
  await page.getByLabel("Biểu thức").first().fill(`${code} >=`);
  if (jsEnabled(info)) {
    // The browser parses as the user types, with the server's own engine.
    await expect(page.getByRole("status").filter({ hasText: "Lỗi cú pháp ở vị trí" }).first()).toBeVisible();
  }
  await page.getByLabel("Thông báo cho người nhập").fill("Số điểm truy cập không được âm.");
  await page.getByRole("button", { name: "Thêm quy tắc" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Lỗi cú pháp ở vị trí" }).first()).toBeVisible();
  if (!jsEnabled(info)) {
    await page.getByLabel("Thông báo cho người nhập").fill("Số điểm truy cập không được âm.");
  }
  await page.getByLabel("Biểu thức").first().fill(`${code} >= 0`);
  await page.getByRole("button", { name: "Thêm quy tắc" }).click();
  await expect(page.locator("li.rule code")).toHaveText(`${code} >= 0`);

  // The preview, as a clerk will see it.
  await open(page, info, `${new URL(regimeUrl).pathname}/xem-truoc`);
  const form = page.getByRole("article", { name: "Biểu mẫu xem trước" });
  await expect(form.getByRole("heading", { name: "BÁO CÁO HẠ TẦNG SỐ THỬ NGHIỆM" })).toBeVisible();
  await expect(form.getByRole("cell", { name: "I. Hạ tầng" })).toBeVisible();
  await expect(form.getByText("Số điểm truy cập Internet công cộng")).toBeVisible();

  // Publishing checks every item Decree 09 (art. 7) asks a regime to state,
  // each named where it is missing.
  await open(page, info, new URL(regimeUrl).pathname);
  await page.getByText("Ban hành phiên bản 1…").click();
  await page.getByRole("button", { name: "Xác nhận ban hành phiên bản 1" }).click();
  const refused = page.getByRole("alert").filter({ hasText: "Chưa ban hành được" });
  await expect(refused).toBeVisible();
  await expect(refused).toContainText("đề cương");
  await expect(page.locator("#content-error")).toBeVisible();
  await page.getByLabel("Nội dung báo cáo").fill("Số điểm truy cập Internet công cộng trên địa bàn.");
  await page.getByLabel("Phương thức gửi, nhận báo cáo").fill("Qua Hệ thống thông tin báo cáo của tỉnh");
  await page.getByLabel("Hướng dẫn lập báo cáo").fill("Đếm các điểm đang hoạt động tại ngày chốt số liệu.");
  await page.getByRole("button", { name: "Lưu bản nháp" }).click();
  await expect(page.getByText("Đã lưu bản nháp.")).toBeVisible();
  await open(page, info, `${new URL(regimeUrl).pathname}/bieu-mau`);
  await page.getByLabel("Thêm mục đề cương").fill("Tình hình triển khai");
  await page.getByRole("button", { name: "Thêm mục" }).click();
  await expect(page.getByText("Tình hình triển khai")).toBeVisible();

  // Publish version 1.
  await open(page, info, new URL(regimeUrl).pathname);
  await page.getByText("Ban hành phiên bản 1…").click();
  await page.getByRole("button", { name: "Xác nhận ban hành phiên bản 1" }).click();
  await expect(page.getByText("Đã ban hành phiên bản 1.")).toBeVisible();
});

test("client-side navigation between catalogue pages loads their data", async ({ page }, info) => {
  await signIn(page, info, "ld.tinh");
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Chế độ báo cáo" }).click();
  await expect(page.getByRole("link", { name: "KTXH_XA", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "KTXH_XA", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Báo cáo tình hình kinh tế - xã hội hằng tháng của UBND xã, phường" })).toBeVisible();
  await page.getByRole("link", { name: "Xem trước" }).click();
  await expect(page.getByRole("article", { name: "Biểu mẫu xem trước" })).toContainText("Số trẻ em sinh ra");
});
