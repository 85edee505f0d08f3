//! Shared by the integration tests: every engine test runs once per engine.

/// `per_engine!(a, b)` turns `fn a(kind: EngineKind)` and
/// `fn b(kind: EngineKind)` into the tests `a::wasmtime`, `a::wasmi`,
/// `b::wasmtime` and `b::wasmi`.
#[macro_export]
macro_rules! per_engine {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn wasmtime() {
                    super::$name(packr::engine::EngineKind::Wasmtime)
                }

                #[test]
                fn wasmi() {
                    super::$name(packr::engine::EngineKind::Wasmi)
                }
            }
        )*
    };
}
