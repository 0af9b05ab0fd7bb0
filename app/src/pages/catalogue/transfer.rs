//! Export and import of the catalogue (JSON) and of the indicator list (Excel).
//! Uploads are plain multipart forms handled by the server; each leaves a
//! record whose page lists every problem found.

use crate::api::catalogue::{get_import, recent_imports};
use crate::components::form::Notice;
use crate::components::guard::{ADMIN_ONLY, Protected, is_admin};
use crate::components::status::{ErrorView, Loading};
use crate::components::tabs::CatalogueTabs;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
fn UploadForm(action: &'static str, accept: &'static str, label: &'static str, button: &'static str) -> impl IntoView {
    let session = use_session();
    // The token goes first in the body: the CSRF check reads the form up to it.
    view! {
        <form method="post" enctype="multipart/form-data" action=action class="form">
            <input type="hidden" name="csrf" value=move || session.csrf()/>
            <label>{label}<input type="file" name="file" accept=accept required/></label>
            <button type="submit" class="button">{button}</button>
        </form>
    }
}

#[component]
pub fn TransferPage() -> impl IntoView {
    let recent = Resource::new(|| (), |_| recent_imports());
    view! {
        <Title text="Nhập/xuất danh mục"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <h1>"Nhập/xuất danh mục"</h1>
            <CatalogueTabs admin=true/>
            <div class="grid-2">
                <section class="card">
                    <h2>"Toàn bộ danh mục (JSON)"</h2>
                    <p>"Chỉ tiêu, phân tổ, chế độ báo cáo với mọi phiên bản đã ban hành, và ngày nghỉ lễ: để chuyển danh mục sang một hệ thống khác."</p>
                    <p><a class="button-secondary" href="/tai-xuong/danh-muc.json" download>"Tải xuống danh mục"</a></p>
                    <UploadForm action="/tai-len/danh-muc" accept=".json,application/json" label="Tệp danh mục" button="Kiểm tra và nhập"/>
                    <p class="hint">"Tệp được kiểm tra toàn bộ trước; nếu có bất kỳ lỗi nào, không dữ liệu nào bị thay đổi và mọi lỗi được liệt kê."</p>
                </section>
                <section class="card">
                    <h2>"Danh sách chỉ tiêu (Excel)"</h2>
                    <p>"Một dòng một chỉ tiêu. Sửa trong Excel rồi nhập lại: mã mới được thêm, mã đã có được cập nhật."</p>
                    <p><a class="button-secondary" href="/tai-xuong/chi-tieu.xlsx" download>"Tải xuống danh sách chỉ tiêu"</a></p>
                    <UploadForm action="/tai-len/chi-tieu" accept=".xlsx,.xls,.ods" label="Tệp bảng tính (.xlsx, .xls, .ods)" button="Kiểm tra và nhập"/>
                </section>
            </div>
            <section class="card">
                <h2>"Các lần nhập gần đây"</h2>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match recent.await {
                            Err(e) => view! { <ErrorView error=e/> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="empty">"Chưa có lần nhập nào."</p> }.into_any(),
                            Ok(list) => view! {
                                <table class="table compact">
                                    <thead><tr><th>"Thời gian"</th><th>"Loại"</th><th>"Tệp"</th><th>"Kết quả"</th></tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|j| view! {
                                            <tr>
                                                <td>{j.at.clone()}</td>
                                                <td>{j.kind_label.clone()}</td>
                                                <td>{j.file_name.clone()}</td>
                                                <td><A href=format!("/danh-muc/nhap-xuat/{}", j.id)>{if j.applied { "Đã nhập" } else { "Có lỗi, chưa nhập" }}</A></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        }/>
    }
}

#[component]
pub fn ImportResultPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_import);
    view! {
        <Title text="Kết quả nhập"/>
        <Protected allow=is_admin refusal=ADMIN_ONLY children=move |_| view! {
            <h1>"Kết quả nhập"</h1>
            <CatalogueTabs admin=true/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                        Ok(j) => view! {
                            <section class="card">
                                <p class="muted">{format!("{} · {} · {}", j.kind_label, j.file_name, j.at)}</p>
                                {if j.applied {
                                    view! { <Notice message=j.summary.clone()/> }.into_any()
                                } else {
                                    view! {
                                        <div class="banner banner-error" role="alert">{j.summary.clone()}</div>
                                        <ol class="problems">{j.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ol>
                                    }.into_any()
                                }}
                                <p><A href="/danh-muc/nhap-xuat">"Quay lại Nhập/xuất"</A></p>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
