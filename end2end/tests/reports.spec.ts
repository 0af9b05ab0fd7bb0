import { Page, TestInfo } from "@playwright/test";
import { expect, test, jsEnabled, open, signIn, signOut } from "./helpers";

const cell = (page: Page, key: string) => page.locator(`[name="values[${key}]"]`);

async function startReport(page: Page, info: TestInfo, regimeCode: string) {
  await open(page, info, "/");
  const row = page.locator("tr", { hasText: regimeCode }).first();
  await row.getByRole("button", { name: /^Lập báo cáo/ }).click();
  await expect(page).toHaveURL(/\/bao-cao\/\d+$/);
  if (jsEnabled(info)) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  return page.url();
}

test("a clerk fills a report, fixes an error, explains a warning and sends; the office sees it sent", async ({ page }, info) => {
  if (jsEnabled(info)) {
    // Hydrated: a department, a regime sent without approval; checks run as the clerk types.
    await signIn(page, info, "cv.syt");
    await expect(page).toHaveURL(/\/$/);
    const url = await startReport(page, info, "CDS_QUY");
    await cell(page, "CDS01").selectOption("Có");
    await cell(page, "CDS02").fill("150");
    await expect(page.locator("#row-CDS02 .field-error")).toContainText("Giá trị phải nằm trong khoảng từ 0,0 đến 100,0.");
    await cell(page, "CDS02").fill("0");
    await expect(page.locator("#row-CDS02 .field-error")).toHaveCount(0);
    await cell(page, "CDS03").fill("999999");
    await cell(page, "CDS04").fill("12");
    await expect(page.locator("#row-CDS03 .reading")).toHaveText("Đã hiểu là 999.999");
    const warning = "Đã có hệ thống quản lý văn bản nhưng tỷ lệ văn bản ký số bằng 0: cần giải trình.";
    await expect(page.locator("#row-CDS01 .field-warn")).toHaveText(warning);
    // Sending without the explanation is refused by the server, input kept.
    await page.getByRole("button", { name: "Gửi báo cáo" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Vui lòng sửa các ô được đánh dấu" })).toBeVisible();
    await expect(cell(page, "CDS03")).toHaveValue("999999");
    await page.getByLabel("Giải trình (bắt buộc để gửi khi có cảnh báo)").first().fill("Hệ thống ký số đang được nâng cấp trong quý.");
    await page.getByRole("button", { name: "Gửi báo cáo" }).click();
    await expect(page.locator(".receipt")).toContainText("Đã gửi lúc");
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
    await signOut(page, info);
    await signIn(page, info, "vp.tonghop");
    await expect(page).toHaveURL(/\/$/);
    await open(page, info, new URL(url).pathname);
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
    await expect(page.getByRole("button", { name: "Tiếp nhận" })).toBeVisible();
  } else {
    // Without JavaScript: a ward, a regime with the leader's approval; plain form posts.
    await signIn(page, info, "cv.tohieu");
    await expect(page).toHaveURL(/\/$/);
    const url = await startReport(page, info, "KTXH_XA");
    await cell(page, "DS03").fill("25");
    await cell(page, "NS01").fill("12,5,0");
    await page.getByRole("button", { name: "Lưu nháp" }).click();
    // The server says what is wrong and keeps what was typed.
    await expect(page.getByRole("alert").filter({ hasText: "Không đọc được số" })).toBeVisible();
    await expect(cell(page, "NS01")).toHaveValue("12,5,0");
    await expect(cell(page, "DS03")).toHaveValue("25");
    // Budget receipts far below last year's: a warning that needs an explanation.
    await cell(page, "NS01").fill("100");
    for (const [k, v] of [["NS02", "90"], ["HC01", "400"], ["HC02", "200"], ["HC03", "98,5"], ["LN03", "0"]]) {
      await cell(page, k).fill(v);
    }
    await page.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Cần giải trình: Thu ngân sách giảm trên 50%" })).toBeVisible();
    const explanations = page.getByLabel("Giải trình (bắt buộc để gửi khi có cảnh báo)").filter({ visible: true });
    for (let i = 0; i < (await explanations.count()); i++) {
      await explanations.nth(i).fill("Nguồn thu từ tiền sử dụng đất chuyển sang năm sau; các khoản khác ổn định.");
    }
    await page.getByRole("button", { name: "Trình lãnh đạo duyệt" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Chờ lãnh đạo duyệt");
    await signOut(page, info);
    await signIn(page, info, "ld.tohieu");
    await expect(page).toHaveURL(/\/$/);
    await open(page, info, new URL(url).pathname);
    await page.getByRole("button", { name: "Duyệt và gửi" }).click();
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
    await signOut(page, info);
    await signIn(page, info, "vp.tonghop");
    await expect(page).toHaveURL(/\/$/);
    await open(page, info, new URL(url).pathname);
    await expect(page.locator(".report-head .status")).toHaveText("Đã gửi");
    await expect(page.locator(".receipt")).toContainText("Đã gửi lúc");
  }
});
