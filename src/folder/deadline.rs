//! Opening and reading a file of the team folder with a deadline. An open
//! on a cloud folder may download the file first (up to a minute), and one
//! on a share that hangs may not come back at all: each is handed to a
//! small pool of threads, and whoever asked waits at most [`DEADLINE`]. A
//! file that does not answer is skipped this time; its thread goes on
//! when the file answers, and until then the file is not asked again, so
//! one slow file holds one thread, never one per pass.

use super::waits::WaitReason;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// How long an open or a read of one file may take before the file is
/// left for a later pass.
pub const DEADLINE: Duration = Duration::from_secs(3);
/// At most this many files may be still answering at once (and as many
/// threads work for them); past it, the folder itself is not answering and
/// nothing more is asked of it.
const MAX_IN_FLIGHT: usize = 16;

static IN_FLIGHT: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

fn in_flight() -> std::sync::MutexGuard<'static, Option<HashSet<PathBuf>>> {
    crate::lock::locked(&IN_FLIGHT)
}

/// Takes `path` off the list when its work ends, however it ends.
struct Landed(PathBuf);

impl Drop for Landed {
    fn drop(&mut self) {
        if let Some(set) = in_flight().as_mut() {
            set.remove(&self.0);
        }
    }
}

/// Is an earlier open or read of `path` still waiting for an answer?
pub fn is_in_flight(path: &Path) -> bool {
    in_flight().as_ref().is_some_and(|set| set.contains(path))
}

type Task = Box<dyn FnOnce() + Send>;

/// The threads that open and read: as many as are busy at once, at most
/// [`MAX_IN_FLIGHT`], kept for the next file.
struct Pool {
    queue: Mutex<mpsc::Sender<Task>>,
    tasks: Arc<Mutex<mpsc::Receiver<Task>>>,
    idle: Arc<AtomicUsize>,
    threads: AtomicUsize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (queue, tasks) = mpsc::channel::<Task>();
        Pool {
            queue: Mutex::new(queue),
            tasks: Arc::new(Mutex::new(tasks)),
            idle: Arc::new(AtomicUsize::new(0)),
            threads: AtomicUsize::new(0),
        }
    })
}

impl Pool {
    fn submit(&self, task: Task) -> bool {
        let free = self
            .idle
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if !free && !self.grow() {
            return false;
        }
        crate::lock::locked(&self.queue).send(task).is_ok()
    }

    /// One more thread, taken as busy with the task about to be queued.
    fn grow(&self) -> bool {
        if self.threads.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            self.threads.fetch_sub(1, Ordering::SeqCst);
            return false;
        }
        let tasks = Arc::clone(&self.tasks);
        let idle = Arc::clone(&self.idle);
        let spawned = std::thread::Builder::new()
            .name("fanday-folder-io".into())
            .spawn(move || loop {
                let task = crate::lock::locked(&tasks).recv();
                let Ok(task) = task else {
                    return;
                };
                task();
                idle.fetch_add(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.threads.fetch_sub(1, Ordering::SeqCst);
            return false;
        }
        true
    }
}

/// Runs `work` on `path` and waits for it at most [`DEADLINE`].
pub fn within<T: Send + 'static>(
    path: &Path,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WaitReason> {
    within_for(path, DEADLINE, work)
}

/// As [`within`], with a deadline of one's own.
pub fn within_for<T: Send + 'static>(
    path: &Path,
    deadline: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WaitReason> {
    {
        let mut guard = in_flight();
        let set = guard.get_or_insert_with(HashSet::new);
        if set.contains(path) || set.len() >= MAX_IN_FLIGHT {
            return Err(WaitReason::NoAnswer);
        }
        set.insert(path.to_path_buf());
    }
    let landed = Landed(path.to_path_buf());
    let (sender, receiver) = mpsc::sync_channel(1);
    let task: Task = Box::new(move || {
        let answer = work();
        // Off the list before the answer is handed over: whoever gets it
        // may ask for the same file again at once.
        drop(landed);
        let _ = sender.send(answer);
    });
    if !pool().submit(task) {
        return Err(WaitReason::NoAnswer);
    }
    receiver.recv_timeout(deadline).map_err(|err| match err {
        mpsc::RecvTimeoutError::Timeout => WaitReason::NoAnswer,
        mpsc::RecvTimeoutError::Disconnected => WaitReason::Failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_file_that_does_not_answer_is_left_after_the_deadline_and_not_asked_again_meanwhile() {
        let path = PathBuf::from("/team/members/ali/events-1.jsonl");
        let (release, released) = mpsc::channel::<()>();
        let started = Instant::now();
        let first = within_for(&path, Duration::from_millis(100), move || {
            let _ = released.recv();
            42
        });
        assert_eq!(first, Err(WaitReason::NoAnswer));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(is_in_flight(&path));
        // Asked again while the first is still out: no second thread.
        let again = within_for(&path, Duration::from_secs(5), || 7);
        assert_eq!(again, Err(WaitReason::NoAnswer));
        // Once it answers, it may be asked again.
        let _ = release.send(());
        let deadline = Instant::now() + Duration::from_secs(5);
        while is_in_flight(&path) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(within_for(&path, Duration::from_secs(5), || 7), Ok(7));
    }
}
