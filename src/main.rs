//! The `mujun` command: the allocator, then the command layer (`mujun::cli`).

use std::process::ExitCode;

/// mimalloc instead of the system allocator: an evaluation makes millions of small allocations (cells,
/// ids, reasons) and frees them in bulk (docs/performance.md has the measurement).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's option setter (linked with the `mimalloc` crate; its Rust bindings list no constant for
    /// the option below).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc 3 (`mimalloc.h`, enum `mi_option_e`).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> ExitCode {
    // Freed memory is kept for the next stage instead of being handed back to the system 10 ms later:
    // each stage frees what it built and the next builds as much, and on a virtual machine pages handed
    // back are paid for again when touched (docs/performance.md).
    // SAFETY: sets a plain integer option before any other thread is started.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
    mujun::cli::main()
}
