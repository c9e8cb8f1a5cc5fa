//! Start-up in short tasks. Hydration itself is one synchronous walk of the
//! page, but it spawns hundreds of futures: the first run of every effect,
//! the data calls, the listeners of each reactive attribute. With
//! `wasm-bindgen-futures` alone they all run in the microtasks of the task
//! that hydrated, making one long task in which the phone cannot paint or
//! answer a tap. Until the start-up queue is empty once, this executor
//! lets each spawned future start only while the current slice of the main
//! thread is under [`SLICE_MS`]; the others wait for the next task. After
//! start-up it is `wasm-bindgen-futures` unchanged.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Main-thread time a slice may take before the rest waits for a new task
/// (a fifth of the 50 ms that make a "long task"; a future that runs longer
/// still ends its slice).
const SLICE_MS: f64 = 10.0;

thread_local! {
    /// Still starting: futures are gated.
    static STARTING: Cell<bool> = const { Cell::new(true) };
    /// When the current slice of main-thread time began.
    static SLICE_START: Cell<f64> = const { Cell::new(0.0) };
    /// Futures waiting for the next slice, in the order they were spawned.
    static WAITING: RefCell<Vec<Waker>> = const { RefCell::new(Vec::new()) };
    /// A task to start the next slice is already scheduled.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Installs the executor; call before hydrating. The first slice starts now.
pub fn init() {
    SLICE_START.set(now());
    // Err means an executor is set already: then start-up is not sliced.
    if Executor::init_local_custom_executor(Sliced).is_err() {
        STARTING.set(false);
        return;
    }
    next_slice();
}

struct Sliced;

impl CustomExecutor for Sliced {
    fn spawn(&self, fut: PinnedFuture<()>) {
        self.spawn_local(fut);
    }

    fn spawn_local(&self, fut: PinnedLocalFuture<()>) {
        if STARTING.get() {
            wasm_bindgen_futures::spawn_local(async move {
                Gate.await;
                fut.await;
            });
        } else {
            wasm_bindgen_futures::spawn_local(fut);
        }
    }

    fn poll_local(&self) {}
}

/// Ready while the current slice has time left; otherwise waits for the
/// next one, behind the futures already waiting. A new slice always lets
/// its first future through, so start-up always makes progress.
struct Gate;

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !STARTING.get() || now() - SLICE_START.get() < SLICE_MS {
            return Poll::Ready(());
        }
        WAITING.with_borrow_mut(|w| w.push(cx.waker().clone()));
        next_slice();
        Poll::Pending
    }
}

/// Schedules the task that starts the next slice: it wakes the futures
/// waiting, in order (those that do not fit wait again). Start-up ends at
/// the first slice with nothing waiting.
fn next_slice() {
    if SCHEDULED.replace(true) {
        return;
    }
    gloo_timers::callback::Timeout::new(0, || {
        SCHEDULED.set(false);
        let waiting = WAITING.take();
        if waiting.is_empty() {
            STARTING.set(false);
            return;
        }
        SLICE_START.set(now());
        for waker in waiting {
            waker.wake();
        }
        next_slice();
    })
    .forget();
}
