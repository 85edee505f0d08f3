//! Deadlines for async host functions without an async runtime: one
//! process-wide thread wakes the tasks whose deadline passed, so a future
//! raced against a deadline works on any executor.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// Wakers waiting for an instant, earliest first.
struct Timer {
    queue: Mutex<BinaryHeap<Reverse<Sleeper>>>,
    changed: Condvar,
}

struct Sleeper {
    at: Instant,
    waker: Waker,
}

impl PartialEq for Sleeper {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Sleeper {}
impl PartialOrd for Sleeper {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Sleeper {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at.cmp(&other.at)
    }
}

/// The timer, its thread started on first use. `None` when the thread
/// cannot be started; deadlines then hold only when something else wakes
/// the task.
fn timer() -> Option<&'static Timer> {
    static TIMER: OnceLock<Option<&'static Timer>> = OnceLock::new();
    *TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            queue: Mutex::new(BinaryHeap::new()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("packr-deadlines".into())
            .spawn(move || timer.run())
            .ok()
            .map(|_| timer)
    })
}

impl Timer {
    fn run(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let now = Instant::now();
            while queue.peek().is_some_and(|Reverse(s)| s.at <= now) {
                if let Some(Reverse(s)) = queue.pop() {
                    s.waker.wake();
                }
            }
            queue = match queue.peek() {
                Some(Reverse(s)) => {
                    let wait = s.at.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
                None => self.changed.wait(queue).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }

    fn wake_at(&self, at: Instant, waker: Waker) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        queue.push(Reverse(Sleeper { at, waker }));
        self.changed.notify_one();
    }
}

/// The deadline passed before the future finished.
#[derive(Debug)]
pub(crate) struct Expired;

/// `future`, or [`Expired`] once `deadline` passes (the future is then
/// dropped with this one). Without a deadline, just `future`.
pub(crate) struct Deadline<F> {
    future: F,
    at: Option<Instant>,
    /// The instant a wake-up is registered for, so repeated polls do not
    /// register again.
    armed: bool,
}

impl<F> Deadline<F> {
    pub(crate) fn new(future: F, at: Option<Instant>) -> Self {
        Deadline {
            future,
            at,
            armed: false,
        }
    }
}

impl<F: Future + Unpin> Future for Deadline<F> {
    type Output = Result<F::Output, Expired>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(at) = self.at
            && Instant::now() >= at
        {
            return Poll::Ready(Err(Expired));
        }
        if let Poll::Ready(v) = Pin::new(&mut self.future).poll(cx) {
            return Poll::Ready(Ok(v));
        }
        if let Some(at) = self.at {
            if Instant::now() >= at {
                return Poll::Ready(Err(Expired));
            }
            if !self.armed
                && let Some(timer) = timer()
            {
                timer.wake_at(at, cx.waker().clone());
                self.armed = true;
            }
        }
        Poll::Pending
    }
}
