// Zertifikate prüfen 😀
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent("😀 café").danger_accept_invalid_certs(true)
        .build()
        .unwrap()
}

fn fingerprint(data: &[u8]) -> String {
    let label = "empreinte 😀"; let digest = md5::compute(data);
    format!("{label}{digest:x}")
}
