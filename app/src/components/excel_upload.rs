//! The Excel upload form, on the upload page and on a report's page.

use crate::session::use_session;
use leptos::prelude::*;

/// The upload form: the CSRF token first (the check reads the body up to
/// it), then the report it is uploaded on, if any, then the file.
#[component]
pub fn ExcelUploadForm(#[prop(optional)] report_id: Option<i32>, #[prop(optional)] compact: bool) -> impl IntoView {
    let session = use_session();
    view! {
        <form method="post" enctype="multipart/form-data" action="/tai-len/bao-cao" class="form excel-upload">
            <input type="hidden" name="csrf" value=move || session.csrf()/>
            {report_id.map(|id| view! { <input type="hidden" name="bao_cao" value=id.to_string()/> })}
            <label>
                {if compact { "Tệp Excel đã nhập số liệu" } else { "Tệp biểu mẫu đã nhập số liệu (.xlsx, .xls, .ods)" }}
                <input type="file" name="file" accept=".xlsx,.xls,.ods,.xlsm" required/>
            </label>
            <button type="submit" class="button">"Tải lên và xem trước"</button>
        </form>
    }
}
