//! Failed-login counting, in memory, per account and per client address: a sliding window of
//! failure times per key. One process only; a cluster would move this to Redis.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures are allowed per window.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_account: usize,
    pub per_ip: usize,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self { per_account: 5, per_ip: 20, window: Duration::from_secs(15 * 60) }
    }
}

/// The failure log of every key seen in the last window.
pub struct LoginLimiter {
    limits: LoginLimits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(account: &str, ip: Option<&str>) -> (String, Option<String>) {
        (format!("account:{account}"), ip.map(|ip| format!("ip:{ip}")))
    }

    /// `Err(retry_after)` when the account or the address has used up its failures.
    pub fn check(&self, account: &str, ip: Option<&str>) -> Result<(), Duration> {
        let now = Instant::now();
        let (acc, ip) = Self::keys(account, ip);
        let Ok(mut map) = self.failures.lock() else { return Ok(()) };
        let mut wait = None;
        for (key, max) in [(Some(acc), self.limits.per_account), (ip, self.limits.per_ip)] {
            let Some(key) = key else { continue };
            if let Some(times) = map.get_mut(&key) {
                prune(times, now, self.limits.window);
                if times.len() >= max
                    && let Some(oldest) = times.front()
                {
                    let w = self.limits.window.saturating_sub(now.duration_since(*oldest));
                    wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
                }
            }
        }
        match wait {
            Some(w) => Err(w.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    /// Records one failed attempt against the account and the address.
    pub fn record_failure(&self, account: &str, ip: Option<&str>) {
        let now = Instant::now();
        let (acc, ip) = Self::keys(account, ip);
        let Ok(mut map) = self.failures.lock() else { return };
        if map.len() > 100_000 {
            let window = self.limits.window;
            map.retain(|_, times| {
                prune(times, now, window);
                !times.is_empty()
            });
        }
        for key in [Some(acc), ip].into_iter().flatten() {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets the account's failures after a successful login (the address keeps its count).
    pub fn record_success(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("account:{account}"));
        }
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= window) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_per_account_and_per_ip() {
        let l = LoginLimiter::new(LoginLimits { per_account: 2, per_ip: 3, window: Duration::from_secs(60) });
        l.record_failure("a", Some("1.1.1.1"));
        assert!(l.check("a", Some("1.1.1.1")).is_ok());
        l.record_failure("a", Some("1.1.1.1"));
        assert!(l.check("a", Some("1.1.1.1")).is_err());
        assert!(l.check("b", Some("1.1.1.1")).is_ok());
        l.record_failure("b", Some("1.1.1.1"));
        assert!(l.check("c", Some("1.1.1.1")).is_err(), "the address is used up");
        assert!(l.check("c", Some("2.2.2.2")).is_ok());
        l.record_success("a");
        assert!(l.check("a", Some("2.2.2.2")).is_ok());
    }
}
