import { expect, test, open, signIn, signOut } from "./helpers";

const roles = [
  { username: "quantri", role: "Quản trị hệ thống", unit: "Văn phòng UBND tỉnh", nav: "Người dùng" },
  { username: "cv.syt", role: "Chuyên viên báo cáo", unit: "Sở Y tế", nav: "Đơn vị của tôi" },
  { username: "ld.syt", role: "Lãnh đạo đơn vị", unit: "Sở Y tế", nav: "Đơn vị của tôi" },
  { username: "cv.tohieu", role: "Chuyên viên báo cáo", unit: "Phường Tô Hiệu", nav: "Đơn vị của tôi" },
  { username: "ld.tohieu", role: "Lãnh đạo đơn vị", unit: "Phường Tô Hiệu", nav: "Đơn vị của tôi" },
  { username: "vp.tonghop", role: "Chuyên viên Văn phòng UBND tỉnh", unit: "Văn phòng UBND tỉnh", nav: "Đơn vị" },
  { username: "ld.tinh", role: "Lãnh đạo UBND tỉnh", unit: "Tỉnh Sơn La", nav: "Đơn vị" },
];

for (const r of roles) {
  test(`${r.username} signs in, sees the home page of the role, signs out`, async ({ page }, info) => {
    await signIn(page, info, r.username);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: /^Xin chào,/ })).toBeVisible();
    await expect(page.locator(".page-head .muted")).toHaveText(`${r.role} · ${r.unit}`);
    await expect(page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: r.nav, exact: true })).toBeVisible();
    await signOut(page, info);
    // Signed out for real: the home page sends us back to sign in.
    await open(page, info, "/");
    await expect(page).toHaveURL(/\/dang-nhap/);
  });
}

test("a wrong password is refused with a Vietnamese message", async ({ page }, info) => {
  await signIn(page, info, "cv.syt", "SaiMatKhau123");
  await expect(page.getByRole("alert").filter({ hasText: "Tên đăng nhập hoặc mật khẩu không đúng." })).toBeVisible();
  await expect(page).toHaveURL(/\/dang-nhap/);
});

test("the bundle is fetched only by a browser that can run it", async ({ page }, info) => {
  const bundle: string[] = [];
  page.on("request", (r) => {
    if (/\/pkg\/.*\.(wasm|js)$/.test(new URL(r.url()).pathname)) bundle.push(new URL(r.url()).pathname);
  });
  await open(page, info, "/dang-nhap");
  await page.waitForLoadState("networkidle");
  if (info.project.name === "no-js") {
    expect(bundle).toEqual([]);
  } else {
    expect(bundle.some((p) => p.endsWith(".wasm")) && bundle.some((p) => p.endsWith(".js"))).toBe(true);
    // Under names that change with the content, so they can be kept for good.
    expect(bundle.every((p) => /^\/pkg\/baocao\.[0-9a-f]{16}\.(wasm|js)$/.test(p))).toBe(true);
  }
});

test("the sign-in page lists the demo accounts", async ({ page }, info) => {
  await open(page, info, "/dang-nhap");
  await expect(page.getByRole("complementary", { name: "Tài khoản dùng thử" })).toContainText("cv.tohieu");
});
