//! The wakeup channel behind `mg_wakeup()`: any thread queues a message for a
//! connection id, and the thread driving the manager delivers it as
//! `MG_EV_WAKEUP`.
//!
//! Messages go through a mutex-protected queue in memory, not a socket pair,
//! so none is ever dropped or truncated whatever the rate or size; the
//! poller's own notifier interrupts a waiting `mg_mgr_poll`.
use crate::poller::Selector;
use std::collections::VecDeque;
use std::os::raw::c_ulong;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One queued message.
pub struct Message {
    /// Connection id it is for.
    pub conn_id: c_ulong,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// The queue shared between the manager's thread and senders.
pub struct Channel {
    queue: Mutex<VecDeque<Message>>,
    /// Set when a notification is outstanding, so a burst of sends costs one
    /// wakeup of the poller.
    notified: AtomicBool,
    poller: Arc<Selector>,
}

impl Channel {
    /// A channel that wakes `poller` when a message arrives.
    pub fn new(poller: Arc<Selector>) -> Self {
        Channel { queue: Mutex::new(VecDeque::new()), notified: AtomicBool::new(false), poller }
    }

    /// Queues a message; callable from any thread. False only when the poller
    /// could not be woken, in which case the message is not queued.
    pub fn send(&self, conn_id: c_ulong, data: &[u8]) -> bool {
        // One spare byte: the delivery appends a NUL without reallocating.
        let mut bytes = Vec::with_capacity(data.len() + 1);
        bytes.extend_from_slice(data);
        let msg = Message { conn_id, data: bytes };
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).push_back(msg);
        if !self.notified.swap(true, Ordering::AcqRel) && self.poller.notify().is_err() {
            self.notified.store(false, Ordering::Release);
            // Take our message back out so the false return is truthful.
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(pos) = q.iter().rposition(|m| m.conn_id == conn_id && m.data == data) {
                q.remove(pos);
            }
            return false;
        }
        true
    }

    /// Takes every queued message, oldest first. Called by the manager's thread.
    pub fn drain(&self) -> VecDeque<Message> {
        // Clear the flag first: a send racing with us then notifies again
        // rather than leaving its message unseen until some later poll.
        self.notified.store(false, Ordering::Release);
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// True when messages are waiting.
    pub fn has_pending(&self) -> bool {
        self.notified.load(Ordering::Acquire)
    }
}
