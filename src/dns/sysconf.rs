//! The system's name configuration: `/etc/hosts` and the nameservers of
//! `/etc/resolv.conf`, each re-read when the file changes.
//!
//! The environment variables `MONGOOSE_HOSTS` and `MONGOOSE_RESOLV_CONF`
//! name other files to read instead, so tests can use their own copies
//! without touching the machine's.
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::MetadataExt;
use std::sync::Mutex;

/// glibc reads at most three nameservers (MAXNS).
const MAX_NAMESERVERS: usize = 3;

/// What identifies one version of a file: if any of it changes, re-read.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Stamp {
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

/// A file's parsed content, kept until the file changes.
struct Cached<T> {
    path: String,
    stamp: Option<Stamp>,
    value: T,
}

impl<T: Default> Cached<T> {
    /// The content of `path`, parsed again by `parse` when it changed.
    fn get(&mut self, path: &str, parse: fn(&str) -> T) -> &T {
        let stamp = std::fs::metadata(path).ok().map(|m| Stamp {
            ino: m.ino(),
            len: m.len(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
        });
        if self.path != path || self.stamp != stamp || stamp.is_none() {
            self.value = std::fs::read_to_string(path).map(|s| parse(&s)).unwrap_or_default();
            self.path = path.to_string();
            self.stamp = stamp;
        }
        &self.value
    }
}

/// One `/etc/hosts` entry: an address and one of its names.
type HostEntry = (Vec<u8>, IpAddr);

static HOSTS: Mutex<Cached<Vec<HostEntry>>> =
    Mutex::new(Cached { path: String::new(), stamp: None, value: Vec::new() });
static RESOLV: Mutex<Cached<Vec<SocketAddr>>> =
    Mutex::new(Cached { path: String::new(), stamp: None, value: Vec::new() });

fn hosts_path() -> String {
    std::env::var("MONGOOSE_HOSTS").unwrap_or_else(|_| "/etc/hosts".into())
}

fn resolv_path() -> String {
    std::env::var("MONGOOSE_RESOLV_CONF").unwrap_or_else(|_| "/etc/resolv.conf".into())
}

/// Parses hosts(5): `ADDRESS NAME [ALIASES...]`, `#` starts a comment.
pub fn parse_hosts(text: &str) -> Vec<HostEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(ip) = words.next().and_then(|w| w.split('%').next()?.parse::<IpAddr>().ok())
        else {
            continue;
        };
        for name in words {
            out.push((name.as_bytes().to_ascii_lowercase(), ip));
        }
    }
    out
}

/// Parses resolv.conf(5) for its `nameserver` lines (at most three), port 53.
pub fn parse_resolv(text: &str) -> Vec<SocketAddr> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            continue;
        }
        let Some(word) = words.next() else { continue };
        let ip = word.split('%').next().unwrap_or(word);
        if let Ok(ip) = ip.parse::<IpAddr>() {
            if out.len() < MAX_NAMESERVERS {
                out.push(SocketAddr::new(ip, 53));
            }
        }
    }
    out
}

/// The address `/etc/hosts` gives `name`: the first of the wanted family
/// (IPv6 when `want_v6`), else the first of the other.
pub fn hosts_lookup(name: &[u8], want_v6: bool) -> Option<IpAddr> {
    hosts_lookup_at(&hosts_path(), name, want_v6)
}

/// [`hosts_lookup`] in the hosts file at `path`.
pub fn hosts_lookup_at(path: &str, name: &[u8], want_v6: bool) -> Option<IpAddr> {
    let name = name.strip_suffix(b".").unwrap_or(name).to_ascii_lowercase();
    let mut hosts = HOSTS.lock().unwrap_or_else(|e| e.into_inner());
    let entries = hosts.get(path, parse_hosts);
    let mut other = None;
    for (n, ip) in entries {
        if *n == name {
            if ip.is_ipv6() == want_v6 {
                return Some(*ip);
            }
            other = other.or(Some(*ip));
        }
    }
    other
}

/// The nameservers of `/etc/resolv.conf`, in order.
pub fn nameservers() -> Vec<SocketAddr> {
    let mut r = RESOLV.lock().unwrap_or_else(|e| e.into_inner());
    r.get(&resolv_path(), parse_resolv).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_file() {
        let h = parse_hosts(
            "# c\n127.0.0.1 localhost\n10.1.2.3  Box box.lan # x\n::1 ip6-box\nbad x\n",
        );
        assert_eq!(h.len(), 4);
        assert_eq!(h[1], (b"box".to_vec(), "10.1.2.3".parse().unwrap()));
    }

    #[test]
    fn hosts_file_is_read_again_when_it_changes() {
        let path = std::env::temp_dir().join(format!("mg-hosts-{}", std::process::id()));
        let p = path.to_str().unwrap();
        std::fs::write(&path, "10.0.0.1 a.test\n").unwrap();
        assert_eq!(hosts_lookup_at(p, b"A.test.", false), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(hosts_lookup_at(p, b"b.test", false), None);
        std::fs::write(&path, "10.0.0.2 b.test\n::3 a.test\n").unwrap();
        assert_eq!(hosts_lookup_at(p, b"b.test", false), Some("10.0.0.2".parse().unwrap()));
        // Only an IPv6 address: given to an IPv4 asker too.
        assert_eq!(hosts_lookup_at(p, b"a.test", false), Some("::3".parse().unwrap()));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(hosts_lookup_at(p, b"b.test", false), None);
    }

    #[test]
    fn resolv_file() {
        let r = parse_resolv(
            "search lan\nnameserver 127.0.0.53\nnameserver ::1\n#nameserver 1.1.1.1\nnameserver 1.1.1.1\nnameserver 2.2.2.2\n",
        );
        let want: Vec<SocketAddr> = vec![
            "127.0.0.53:53".parse().unwrap(),
            "[::1]:53".parse().unwrap(),
            "1.1.1.1:53".parse().unwrap(),
        ];
        assert_eq!(r, want);
    }
}
