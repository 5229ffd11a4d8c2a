//! Rate limits: GCRA (the generic cell rate algorithm) per key, in process with governor, or
//! in Redis with one atomic Lua script per check so that every replica draws on the same
//! allowance. With Redis configured and unreachable, the in-process limiter stands in (each
//! replica then limits on its own) rather than letting every request through.
//!
//! Keys: the API limit is per user (sessions) or per token (personal access tokens); sign-in
//! is limited per client IP and per account named.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use redis::aio::ConnectionManager;

use crate::config::{Rate, RateLimits};
use crate::error::AppError;

/// The state of a limit after a request was counted, for the `RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub limit: u32,
    pub remaining: u32,
    /// Until the allowance is whole again.
    pub reset: Duration,
}

impl Decision {
    /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds), as the IETF
    /// httpapi draft names them and most gateways send them.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        let reset = self.reset.as_secs() + u64::from(self.reset.subsec_nanos() > 0);
        headers.insert("ratelimit-reset", HeaderValue::from(reset));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Api,
    LoginIp,
    LoginAccount,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Api => "api",
            Kind::LoginIp => "ip",
            Kind::LoginAccount => "account",
        }
    }
}

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

struct Local {
    rate: Rate,
    limiter: Keyed,
}

#[derive(Clone)]
pub struct Limits {
    inner: Arc<Inner>,
}

struct Inner {
    api: Option<Local>,
    login_ip: Option<Local>,
    login_account: Option<Local>,
    redis: Option<RedisLimiter>,
    clock: DefaultClock,
}

struct RedisLimiter {
    connection: ConnectionManager,
    prefix: String,
    script: redis::Script,
}

/// GCRA in one round trip. KEYS[1]: the key. ARGV: emission interval (µs per request),
/// burst. Returns {allowed (0/1), remaining, retry_after µs, reset µs}. The theoretical
/// arrival time (TAT) is the only state; the key expires when the allowance is whole.
const GCRA_SCRIPT: &str = r#"
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local new_tat = tat + emission
local allow_at = new_tat - emission * burst
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, math.floor((now - allow_at) / emission), 0, new_tat - now}
"#;

fn local(rate: Option<Rate>) -> Option<Local> {
    let rate = rate?;
    let burst = NonZeroU32::new(rate.burst)?;
    let quota = Quota::with_period(emission(rate))?.allow_burst(burst);
    Some(Local {
        rate,
        limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
    })
}

fn emission(rate: Rate) -> Duration {
    (rate.period / rate.burst.max(1)).max(Duration::from_micros(1))
}

impl Limits {
    pub fn new(rates: RateLimits, redis: Option<(ConnectionManager, &str)>) -> Limits {
        Limits {
            inner: Arc::new(Inner {
                api: local(rates.api),
                login_ip: local(rates.login_ip),
                login_account: local(rates.login_account),
                redis: redis.map(|(connection, prefix)| RedisLimiter {
                    connection,
                    prefix: format!("{prefix}rl:"),
                    script: redis::Script::new(GCRA_SCRIPT),
                }),
                clock: DefaultClock::default(),
            }),
        }
    }

    fn local(&self, kind: Kind) -> Option<&Local> {
        match kind {
            Kind::Api => self.inner.api.as_ref(),
            Kind::LoginIp => self.inner.login_ip.as_ref(),
            Kind::LoginAccount => self.inner.login_account.as_ref(),
        }
    }

    /// Counts one request against `kind`/`key`: the limit's state, `None` when the limit is
    /// off, or `AppError::RateLimited` (429 with `Retry-After`).
    pub async fn check(&self, kind: Kind, key: &str) -> Result<Option<Decision>, AppError> {
        let Some(local) = self.local(kind) else {
            return Ok(None);
        };
        if let Some(redis) = &self.inner.redis {
            match redis.check(kind, key, local.rate).await {
                Ok(outcome) => return outcome.map(Some),
                Err(e) => {
                    tracing::warn!(error = %e, "Redis rate limit unavailable; limiting in process")
                }
            }
        }
        let limit = local.rate.burst;
        match local.limiter.check_key(&key.to_string()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(Some(Decision {
                    limit,
                    remaining,
                    reset: emission(local.rate) * (limit - remaining.min(limit)),
                }))
            }
            Err(not_until) => {
                let retry_after = not_until.wait_time_from(self.inner.clock.now());
                Err(AppError::RateLimited {
                    retry_after,
                    decision: Decision {
                        limit,
                        remaining: 0,
                        reset: emission(local.rate) * limit,
                    },
                })
            }
        }
    }

    pub async fn check_ip(&self, ip: IpAddr) -> Result<Option<Decision>, AppError> {
        self.check(Kind::LoginIp, &ip.to_string()).await
    }

    /// Forgets keys whose allowance is whole again (in-process state only), so memory
    /// follows the active clients, not every address ever seen.
    pub fn sweep(&self) {
        for local in [
            &self.inner.api,
            &self.inner.login_ip,
            &self.inner.login_account,
        ]
        .into_iter()
        .flatten()
        {
            local.limiter.retain_recent();
            local.limiter.shrink_to_fit();
        }
    }
}

impl RedisLimiter {
    async fn check(
        &self,
        kind: Kind,
        key: &str,
        rate: Rate,
    ) -> redis::RedisResult<Result<Decision, AppError>> {
        let emission_us = u64::try_from(emission(rate).as_micros()).unwrap_or(u64::MAX);
        let full_key = format!("{}{}:{key}", self.prefix, kind.name());
        let (allowed, remaining, retry_us, reset_us): (i64, i64, i64, i64) = self
            .script
            .key(full_key)
            .arg(emission_us)
            .arg(rate.burst)
            .invoke_async(&mut self.connection.clone())
            .await?;
        let micros = |us: i64| Duration::from_micros(u64::try_from(us).unwrap_or(0));
        let decision = Decision {
            limit: rate.burst,
            remaining: u32::try_from(remaining).unwrap_or(0).min(rate.burst),
            reset: micros(reset_us),
        };
        Ok(if allowed == 1 {
            Ok(decision)
        } else {
            Err(AppError::RateLimited {
                retry_after: micros(retry_us),
                decision,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(burst: u32, period: Duration) -> Limits {
        let rate = Some(Rate { burst, period });
        Limits::new(
            RateLimits {
                api: rate,
                login_ip: rate,
                login_account: None,
            },
            None,
        )
    }

    #[tokio::test]
    async fn the_burst_is_allowed_then_refused_with_a_retry_time() {
        let limits = limits(3, Duration::from_secs(60));
        for remaining in [2, 1, 0] {
            let d = limits.check(Kind::Api, "u").await.unwrap().unwrap();
            assert_eq!((d.limit, d.remaining), (3, remaining));
        }
        match limits.check(Kind::Api, "u").await {
            Err(AppError::RateLimited { retry_after, .. }) => {
                assert!(
                    retry_after > Duration::from_secs(15) && retry_after <= Duration::from_secs(20)
                );
            }
            other => panic!("expected 429, got {other:?}"),
        }
        // another key has its own allowance; a limit that is off never refuses
        assert!(limits.check(Kind::Api, "v").await.unwrap().is_some());
        assert!(
            limits
                .check(Kind::LoginAccount, "u")
                .await
                .unwrap()
                .is_none()
        );
    }
}
