import { expect, test as base, Page, TestInfo } from "@playwright/test";

export { expect };

/**
 * Every spec's page fails its test on a script error in the browser: a
 * hydration mismatch or a panic in the bundle (which a spec's assertions
 * alone can miss). Refused requests that the page shows as messages are
 * expected (the browser logs them as "Failed to load resource").
 */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text().slice(0, 500));
    });
    await use(page);
    expect(errors, "errors in the browser's console").toEqual([]);
  },
});

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
