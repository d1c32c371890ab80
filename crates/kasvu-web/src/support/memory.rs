//! The process's memory allocator settings.
//!
//! glibc's `malloc` (the Rust default on Linux) serves a large allocation
//! that its free lists cannot with an `mmap` of its own, and returns it on
//! free — until the first such block (of at most 32 MiB) is freed: then it
//! raises that threshold to the block's size and the trim threshold to
//! twice that, so later large blocks come from its heaps and, once freed,
//! stay in the process. The server's large blocks are short-lived — a year
//! of roll-ups read whole for disclosure control is tens of megabytes while
//! it is protected — and glibc gives threads heaps (arenas) of their own,
//! each of which may keep up to 64 MiB it no longer uses: at 10 M values
//! the server stayed at 178 MB after its first dashboard (README,
//! "Measured", "Memory"). Fixed thresholds turn that adjustment off
//! (`mallopt(3)`): a block of 1 MiB or more that the free lists and a
//! heap's free top cannot serve is mapped for itself and unmapped when
//! freed, and a heap's free top is given back once it passes 4 MiB.
//!
//! The server binary and the benchmarks call this first thing in `main`,
//! before the runtime starts its threads. No crate sets it: it is two libc
//! calls. Other allocators (musl, macOS) do not adjust and are left alone,
//! and so is glibc when the operator tunes it (`GLIBC_TUNABLES` naming a
//! `glibc.malloc.` tunable, or a `MALLOC_…` variable): they decide, a call
//! here would overrule the thresholds they set, and the process says so on
//! its standard error. (`GLIBC_TUNABLES=glibc.malloc.tcache_count=7`,
//! glibc's default, is the way to measure glibc's own adjusting thresholds
//! against these on one binary.)

/// Blocks of this size and more are mapped for themselves and returned to
/// the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 1024 * 1024;
/// A heap's free top past this size is returned to the system. glibc's
/// default is 128 KiB; more is kept so that a request's working memory at
/// a heap's top is not given back and faulted in again on every request
/// (not measured apart: the README's figures are of the whole setting,
/// and with 128 KiB the server kept 3–4 MB less).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 4 * 1024 * 1024;

/// Whether the environment sets glibc's allocator itself.
fn operator_chose(vars: impl Iterator<Item = (String, String)>) -> bool {
    vars.into_iter().any(|(k, v)| {
        (k == "GLIBC_TUNABLES" && v.contains("glibc.malloc.")) || k.starts_with("MALLOC_")
    })
}

/// Fixes glibc's mmap and trim thresholds (see the module's text) unless
/// the environment sets them; does nothing with other allocators. Call it
/// first in `main`, before any other thread exists.
pub fn keep_large_blocks_out_of_the_heaps() {
    let vars = std::env::vars_os().map(|(k, v)| {
        (
            k.to_string_lossy().into_owned(),
            v.to_string_lossy().into_owned(),
        )
    });
    if operator_chose(vars) {
        eprintln!(
            "kasvu: glibc's malloc is tuned in the environment; its thresholds are left as set there"
        );
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (name, param, value) in [
        ("M_MMAP_THRESHOLD", libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        ("M_TRIM_THRESHOLD", libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    ] {
        // SAFETY: mallopt only sets an allocator parameter, and this runs
        // before the process has other threads (see above); a value glibc
        // does not accept is refused (it returns 0) and changes nothing.
        if unsafe { libc::mallopt(param, value) } == 0 {
            eprintln!("kasvu: mallopt({name}) was refused; freed memory may stay in the process");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::operator_chose;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_operators_allocator_settings_win() {
        assert!(!operator_chose(env(&[("PATH", "/bin"), ("KASVU_DB", "x")])));
        assert!(!operator_chose(env(&[(
            "GLIBC_TUNABLES",
            "glibc.rtld.optional_static_tls=512"
        )])));
        assert!(operator_chose(env(&[(
            "GLIBC_TUNABLES",
            "glibc.malloc.mmap_threshold=131072"
        )])));
        assert!(operator_chose(env(&[("MALLOC_ARENA_MAX", "2")])));
    }
}
