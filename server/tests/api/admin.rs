use crate::helpers::*;
use reqwest::StatusCode;

crate::on_both_backends!(administrator_manages_accounts, first_administrator_only_once);

async fn administrator_manages_accounts(b: Backend) {
    let app = spawn_app(b).await;
    app.sign_in_ok("quantri").await;
    let unit = app.unit_id("SGDDT").await.to_string();
    let group = app.unit_id("NHOM_XP").await.to_string();

    // Every problem reported at once, by field, in Vietnamese.
    let r = app
        .call("quan-tri/nguoi-dung/tao", &[("username", "Có Dấu"), ("full_name", " "), ("role", "vua"), ("unit_id", ""), ("password", "123")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Vui lòng chọn đơn vị."), "{body}");
    let r = app
        .call("quan-tri/nguoi-dung/tao", &[("username", "Có Dấu"), ("full_name", " "), ("role", "vua"), ("unit_id", &unit), ("password", "123")])
        .await;
    let body = r.text().await.unwrap();
    for msg in ["không dấu", "Họ và tên không được để trống.", "Vai trò không hợp lệ.", "ít nhất 8 ký tự"] {
        assert!(body.contains(msg), "{msg} in {body}");
    }
    // A clerk must belong to a reporting unit, not to a group.
    let r = app
        .call(
            "quan-tri/nguoi-dung/tao",
            &[("username", "cv.nhom"), ("full_name", "A"), ("role", "clerk"), ("unit_id", &group), ("password", "TamThoi2025")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("đơn vị báo cáo"));
    // A name that exists.
    let r = app
        .call(
            "quan-tri/nguoi-dung/tao",
            &[("username", "cv.syt"), ("full_name", "A"), ("role", "clerk"), ("unit_id", &unit), ("password", "TamThoi2025")],
        )
        .await;
    assert!(r.text().await.unwrap().contains("đã có người dùng"));

    let r = app
        .call(
            "quan-tri/nguoi-dung/tao",
            &[("username", "cv.sgddt"), ("full_name", "Vì Thị Lan"), ("role", "clerk"), ("unit_id", &unit), ("password", "TamThoi2025")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let target: String = r.json().await.unwrap();
    let id: i32 = target.trim_start_matches("/quan-tri/nguoi-dung/").split('?').next().unwrap().parse().unwrap();
    let (status, html) = app.get_html(&target).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Đã tạo tài khoản.") && html.contains("Vì Thị Lan"));

    // The new user must change the temporary password before anything else.
    let newbie = app.another_browser();
    let r = newbie.sign_in("cv.sgddt", "TamThoi2025").await;
    assert_eq!(r.json::<String>().await.unwrap(), "/doi-mat-khau");
    let r = newbie.get("/").await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()["location"], "/doi-mat-khau");
    assert_eq!(newbie.query("don-vi/xem", &[("id", &unit)]).await.status(), StatusCode::FORBIDDEN);
    let r = newbie.call("doi-mat-khau", &[("current", "TamThoi2025"), ("new", "RiengToi2026"), ("confirm", "RiengToi2026")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(newbie.get_html("/").await.0, StatusCode::OK);

    // Deactivation ends the user's sessions and blocks sign-in.
    let id_s = id.to_string();
    let r = app.call("quan-tri/nguoi-dung/sua", &[("id", &id_s), ("full_name", "Vì Thị Lan"), ("role", "clerk"), ("unit_id", &unit)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(newbie.get_html("/").await.0, StatusCode::FOUND);
    let r = newbie.sign_in("cv.sgddt", "RiengToi2026").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("vô hiệu hóa"));

    // Reactivate, reset the password: the old one stops working.
    app.call("quan-tri/nguoi-dung/sua", &[("id", &id_s), ("full_name", "Vì Thị Lan"), ("role", "clerk"), ("unit_id", &unit), ("active", "on")]).await;
    let r = app.call("quan-tri/nguoi-dung/dat-lai-mat-khau", &[("id", &id_s), ("password", "CapLai2027")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(newbie.sign_in("cv.sgddt", "RiengToi2026").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(newbie.sign_in("cv.sgddt", "CapLai2027").await.json::<String>().await.unwrap(), "/doi-mat-khau");

    // An administrator cannot lock themselves out.
    let me = service::users::list_users(
        &app.db,
        &domain::Actor { user_id: 0, role: domain::Role::Admin, unit_id: 0 },
        service::users::UserQuery { search: "quantri".into(), ..Default::default() },
    )
    .await
    .unwrap()
    .items[0]
        .clone();
    let r = app.call("quan-tri/nguoi-dung/sua", &[("id", &me.id.to_string()), ("full_name", "Q"), ("role", "clerk"), ("unit_id", &unit)]).await;
    let body = r.text().await.unwrap();
    assert!(body.contains("tự vô hiệu hóa") && body.contains("tự bỏ quyền quản trị"), "{body}");

    // Search and pagination.
    let (_, html) = app.get_html("/quan-tri/nguoi-dung?q=tohieu").await;
    assert!(html.contains("cv.tohieu") && html.contains("ld.tohieu") && !html.contains("cv.syt"));
    app.stop().await;
}

async fn first_administrator_only_once(b: Backend) {
    let url = fresh_database(b).await;
    let mut cfg = test_config(&url);
    cfg.demo = false;
    let db = server::prepare_database(&cfg).await.unwrap();
    let err = service::users::create_first_admin(&db, "admin", "Quản trị", "ngan", "VPUBND").await.unwrap_err();
    assert!(err.to_string().contains("ít nhất 8 ký tự"), "{err}");
    let id = service::users::create_first_admin(&db, "admin", "Quản trị", "BatDau2025", "VPUBND").await.unwrap();
    assert!(id > 0);
    let again = service::users::create_first_admin(&db, "admin2", "Quản trị 2", "BatDau2025", "VPUBND").await.unwrap_err();
    assert!(matches!(again, service::ServiceError::Conflict(_)));
    close(db).await;
    let app = spawn_app_with(cfg, new_client()).await;
    app.sign_in_ok_with("admin", "BatDau2025").await;
    assert_eq!(app.get_html("/quan-tri/nguoi-dung").await.0, StatusCode::OK);
    // No demo accounts in a production install.
    assert_eq!(app.sign_in("cv.syt", DEMO_PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}
