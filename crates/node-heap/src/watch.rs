//! Watch a server that is already running: poll its JSON health endpoint and turn the answers into
//! a [`Timeline`] that the leak verdict judges like a recorded one.
//!
//! The endpoint may answer `process.memoryUsage()` itself (`{"rss":…, "heapTotal":…, "heapUsed":…,
//! "external":…, "arrayBuffers":…}`, bytes), or fields in mebibytes named with an `MB` suffix
//! (`{"heapUsedMB": 41.2, "rssMB": 80}`, the usual `Math.round(heapUsed / 1024 / 1024)`), at the top
//! level or in a nested object (`{"status": "ok", "memory": {...}}`). heapUsed is required; the other
//! fields are 0 when missing. Plain HTTP/1.1 only (health endpoints are internal); answers are
//! capped at [`MAX_ANSWER_BYTES`].

use crate::timeline::{Sample, Timeline};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A health answer larger than this is not one.
pub const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// Why watching failed.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{url}: {message}")]
    Url { url: String, message: String },
    #[error("could not reach {url}: {source}")]
    Unreachable { url: String, source: std::io::Error },
    #[error("{url} answered HTTP {status}, not 200")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer a memory sample: {message}")]
    NotHealth { url: String, message: String },
}

/// What to watch.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    /// `http://host:port/path`.
    pub url: String,
    pub interval: Duration,
    /// Stop after this long.
    pub duration: Duration,
    /// Give up on one request after this long.
    pub timeout: Duration,
}

/// A parsed `http://` URL.
#[derive(Debug)]
struct Url {
    host: String,
    port: u16,
    path: String,
}

fn parse_url(url: &str) -> Result<Url, WatchError> {
    let bad = |message: &str| WatchError::Url { url: url.to_owned(), message: message.to_owned() };
    let rest = if let Some(r) = url.strip_prefix("http://") {
        r
    } else if url.starts_with("https://") {
        return Err(bad("https is not supported: health endpoints are polled over plain http"));
    } else {
        return Err(bad("expected an http:// URL, such as http://127.0.0.1:3000/health"));
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("the port is not a number from 1 to 65535"))?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Url {
        host: host.trim_matches(['[', ']']).to_owned(),
        port,
        path: if path.is_empty() { "/".into() } else { path.into() },
    })
}

/// One GET: the status and the body (at most [`MAX_ANSWER_BYTES`]).
fn get(url: &Url, raw: &str, timeout: Duration) -> Result<(u16, String), WatchError> {
    let unreachable = |source| WatchError::Unreachable { url: raw.to_owned(), source };
    let address = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(unreachable)?
        .next()
        .ok_or_else(|| unreachable(std::io::Error::other("the host has no address")))?;
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(unreachable)?;
    stream.set_read_timeout(Some(timeout)).map_err(unreachable)?;
    write!(
        stream,
        "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
        url.path, url.host
    )
    .map_err(unreachable)?;
    let mut reader = BufReader::new(stream.take(MAX_ANSWER_BYTES + 64 * 1024));
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(unreachable)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| WatchError::NotHealth { url: raw.to_owned(), message: "not an HTTP answer".into() })?;
    let (mut length, mut chunked) = (None, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(unreachable)? == 0 || line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<u64>().ok();
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let too_big = || WatchError::NotHealth {
        url: raw.to_owned(),
        message: format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"),
    };
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(unreachable)?;
            let n = u64::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            if body.len() as u64 + n > MAX_ANSWER_BYTES {
                return Err(too_big());
            }
            let mut chunk = vec![0; n as usize];
            reader.read_exact(&mut chunk).map_err(unreachable)?;
            body.extend_from_slice(&chunk);
            let mut crlf = String::new();
            reader.read_line(&mut crlf).map_err(unreachable)?;
        }
    } else {
        let limit = length.unwrap_or(MAX_ANSWER_BYTES + 1).min(MAX_ANSWER_BYTES + 1);
        reader.take(limit).read_to_end(&mut body).map_err(unreachable)?;
        if body.len() as u64 > MAX_ANSWER_BYTES {
            return Err(too_big());
        }
    }
    let body = String::from_utf8(body).map_err(|e| WatchError::NotHealth {
        url: raw.to_owned(),
        message: format!("invalid UTF-8 at byte {} of the answer", e.utf8_error().valid_up_to()),
    })?;
    Ok((status, body))
}

/// A sample (without its time) from a health answer.
pub fn parse_health(body: &str) -> Result<Sample, String> {
    let value: serde_json::Value = serde_json::from_str(body).map_err(|e| {
        let start: String = body.chars().take(80).collect();
        format!("not JSON ({e}): {start:?}")
    })?;
    fn find(v: &serde_json::Value, depth: usize) -> Option<&serde_json::Map<String, serde_json::Value>> {
        let o = v.as_object()?;
        if o.contains_key("heapUsed") || o.contains_key("heapUsedMB") {
            return Some(o);
        }
        if depth == 0 {
            return None;
        }
        o.values().find_map(|v| find(v, depth - 1))
    }
    let o = find(&value, 3).ok_or("no heapUsed or heapUsedMB field (expected process.memoryUsage() fields)")?;
    let field = |name: &str| -> Result<Option<u64>, String> {
        let bytes = |v: &serde_json::Value, factor: f64| {
            v.as_f64()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(|x| (x * factor).round() as u64)
                .ok_or_else(|| format!("{name} is not a non-negative number: {v}"))
        };
        match (o.get(name), o.get(&format!("{name}MB"))) {
            (Some(v), _) => bytes(v, 1.0).map(Some),
            (None, Some(v)) => bytes(v, 1024.0 * 1024.0).map(Some),
            (None, None) => Ok(None),
        }
    };
    Ok(Sample {
        t: 0.0,
        rss: field("rss")?.unwrap_or(0),
        heap_total: field("heapTotal")?.unwrap_or(0),
        heap_used: field("heapUsed")?.ok_or("no heapUsed")?,
        external: field("external")?.unwrap_or(0),
        array_buffers: field("arrayBuffers")?.unwrap_or(0),
        gc: None,
    })
}

/// How a watch ended.
#[derive(Debug)]
pub struct Watched {
    pub timeline: Timeline,
    /// The endpoint stopped answering after the first sample (the watch ended there).
    pub stopped: Option<WatchError>,
}

/// Poll `opts.url` every `opts.interval` for `opts.duration` (or until `cancel`). The first poll
/// must succeed; a later failure ends the watch with what was gathered.
pub fn watch(
    opts: &WatchOptions,
    cancel: &AtomicBool,
    on_sample: &mut dyn FnMut(&Sample),
) -> Result<Watched, WatchError> {
    let url = parse_url(&opts.url)?;
    let started = Instant::now();
    let mut samples: Vec<Sample> = Vec::new();
    let mut stopped = None;
    let mut next = Instant::now();
    loop {
        let answer = get(&url, &opts.url, opts.timeout).and_then(|(status, body)| {
            if status != 200 {
                return Err(WatchError::Status { url: opts.url.clone(), status });
            }
            parse_health(&body).map_err(|message| WatchError::NotHealth { url: opts.url.clone(), message })
        });
        match answer {
            Ok(mut s) => {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
                s.t = samples.last().map_or(now, |p| now.max(p.t));
                on_sample(&s);
                samples.push(s);
            }
            Err(e) if samples.is_empty() => return Err(e),
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
        next += opts.interval;
        while Instant::now() < next {
            if cancel.load(Ordering::Relaxed) || started.elapsed() >= opts.duration {
                break;
            }
            std::thread::sleep(Duration::from_millis(10).min(next.saturating_duration_since(Instant::now())));
        }
        if cancel.load(Ordering::Relaxed) || started.elapsed() >= opts.duration {
            break;
        }
    }
    Ok(Watched { timeline: Timeline { samples }, stopped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_answers_in_bytes_or_mebibytes() {
        let s = parse_health(r#"{"rss":300,"heapTotal":200,"heapUsed":100,"external":5,"arrayBuffers":1}"#).unwrap();
        assert_eq!((s.rss, s.heap_total, s.heap_used, s.external, s.array_buffers), (300, 200, 100, 5, 1));
        let s = parse_health(r#"{"status":"ok","memory":{"heapUsedMB":1.5,"rssMB":10}}"#).unwrap();
        assert_eq!((s.heap_used, s.rss, s.heap_total), (1_572_864, 10 << 20, 0));
        assert!(parse_health("<html>").unwrap_err().starts_with("not JSON"));
        assert!(parse_health(r#"{"ok":true}"#).unwrap_err().contains("no heapUsed"));
        assert!(parse_health(r#"{"heapUsed":-1}"#).unwrap_err().contains("not a non-negative number"));
    }

    #[test]
    fn urls() {
        let u = parse_url("http://127.0.0.1:3000/health?x=1").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("127.0.0.1", 3000, "/health?x=1"));
        assert_eq!(parse_url("http://localhost").unwrap().path, "/");
        assert!(parse_url("https://x/health").unwrap_err().to_string().contains("https is not supported"));
        assert!(parse_url("127.0.0.1:3000").unwrap_err().to_string().contains("expected an http:// URL"));
        assert!(parse_url("http://h:99999/").unwrap_err().to_string().contains("port"));
    }
}
