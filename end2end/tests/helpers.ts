import { expect, Page, TestInfo } from "@playwright/test";

export const DEMO_PASSWORD = "BaoCao@2025";

export function jsEnabled(info: TestInfo): boolean {
  return info.project.name === "hydrated";
}

/** Opens a page and, in the hydrated project, waits until the wasm bundle has taken over. */
export async function open(page: Page, info: TestInfo, path: string) {
  await page.goto(path);
  if (jsEnabled(info)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

export async function signIn(page: Page, info: TestInfo, username: string, password = DEMO_PASSWORD) {
  await open(page, info, "/dang-nhap");
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
}

export async function signOut(page: Page, info: TestInfo) {
  if (jsEnabled(info)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/dang-nhap/);
  await expect(page.getByRole("heading", { name: "Đăng nhập" })).toBeVisible();
}
