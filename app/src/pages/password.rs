use crate::api::auth::ChangePassword;
use crate::components::form::{CsrfField, FieldMessage, FormBanner, Notice};
use crate::components::guard::Protected;
use crate::error::action_error;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action_error(change.value().get()));
    crate::util::follow_success(change.value());
    view! {
        <Title text="Đổi mật khẩu"/>
        <Protected allow_pending=true children=move |user| view! {
            <section class="card narrow">
                <h1>"Đổi mật khẩu"</h1>
                {user.must_change_password.then(|| view! {
                    <Notice message="Tài khoản của bạn đang dùng mật khẩu tạm do quản trị cấp. Hãy đặt mật khẩu mới để tiếp tục."/>
                })}
                <ActionForm action=change attr:class="form" attr:novalidate=true>
                    <FormBanner error/>
                    <CsrfField/>
                    <label for="current">"Mật khẩu hiện tại"</label>
                    <input id="current" name="current" type="password" autocomplete="current-password" required/>
                    <FieldMessage error name="current"/>
                    <label for="new">"Mật khẩu mới"</label>
                    <input id="new" name="new" type="password" autocomplete="new-password" required minlength="8"/>
                    <p class="hint">"Ít nhất 8 ký tự, có cả chữ cái và chữ số, không chứa tên đăng nhập."</p>
                    <FieldMessage error name="new"/>
                    <label for="confirm">"Nhập lại mật khẩu mới"</label>
                    <input id="confirm" name="confirm" type="password" autocomplete="new-password" required/>
                    <FieldMessage error name="confirm"/>
                    <button type="submit" class="button" disabled=move || change.pending().get()>"Lưu mật khẩu mới"</button>
                </ActionForm>
                <p class="muted">"Sau khi đổi, các phiên đăng nhập khác của bạn sẽ bị đăng xuất."</p>
            </section>
        }/>
    }
}
