//! The binary trunk builds for the page: it only hands over to the app crate's entry point.

#[cfg(target_arch = "wasm32")]
fn main() {
    dstream_playground::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "dstream-playground runs in a browser: `bash scripts/serve.sh` builds it with trunk \
         and serves it on http://127.0.0.1:8080/"
    );
    std::process::exit(2);
}
