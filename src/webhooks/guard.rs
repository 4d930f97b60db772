//! Where a webhook may go (SSRF): the host of an endpoint is resolved when it is saved and
//! again at each delivery, and every address it names must be public unless the setting allows
//! private ones; the delivery then connects to the very address checked (no second lookup).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use url::{Host, Url};

/// Why an endpoint's address is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The URL names no host or port.
    NoHost,
    /// The name resolves to no address (or the lookup failed or took too long).
    DoesNotResolve,
    /// A private, loopback, link-local, unique-local, multicast or unspecified address.
    NotPublic(IpAddr),
}

impl Refusal {
    /// The organiser-area message key.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::NoHost => "admin-webhooks-url-invalid",
            Self::DoesNotResolve => "admin-webhooks-url-unresolved",
            Self::NotPublic(_) => "admin-webhooks-url-private",
        }
    }

    /// A few words for the delivery log.
    pub fn describe(&self) -> String {
        match self {
            Self::NoHost => "refused: the address names no host".into(),
            Self::DoesNotResolve => "refused: the host name does not resolve".into(),
            Self::NotPublic(ip) => format!("refused: {ip} is not a public address"),
        }
    }
}

/// Where to connect: the host name to pin (none for an address typed as such) and the
/// address checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub domain: Option<String>,
    pub address: SocketAddr,
}

/// Resolves the URL's host and checks every address it names; the first one is the target.
pub async fn resolve(url: &Url, allow_private: bool, timeout: Duration) -> Result<Target, Refusal> {
    let port = url.port_or_known_default().ok_or(Refusal::NoHost)?;
    let (domain, addresses) = match url.host().ok_or(Refusal::NoHost)? {
        Host::Ipv4(ip) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Host::Ipv6(ip) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Host::Domain(name) => {
            let lookup = tokio::net::lookup_host((name, port));
            let found = match tokio::time::timeout(timeout, lookup).await {
                Ok(Ok(found)) => found.collect::<Vec<_>>(),
                _ => return Err(Refusal::DoesNotResolve),
            };
            (Some(name.to_owned()), found)
        }
    };
    let first = *addresses.first().ok_or(Refusal::DoesNotResolve)?;
    if !allow_private && let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(Refusal::NotPublic(bad.ip()));
    }
    Ok(Target { domain, address: first })
}

/// Whether an address is on the public internet: not private, loopback, link-local,
/// unique-local, multicast, unspecified, broadcast, shared (carrier-grade NAT), documentation
/// or reserved; an IPv4-mapped (or NAT64) IPv6 address is judged as its IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let segments = v6.segments();
            // 64:ff9b::/96, NAT64: the IPv4 address in its last 32 bits.
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let o = v6.octets();
                return is_public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // IPv4-compatible (deprecated) ::a.b.c.d and the documentation range.
                || segments[..6] == [0, 0, 0, 0, 0, 0]
                || (segments[0] == 0x2001 && segments[1] == 0x0db8))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().expect("an address"))
    }

    #[test]
    fn private_loopback_link_local_unique_local_multicast_and_unspecified_are_not_public() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "::127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!public(refused), "{refused} is refused");
        }
        for allowed in
            ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::808:808"]
        {
            assert!(public(allowed), "{allowed} is public");
        }
    }

    #[tokio::test]
    async fn a_url_on_loopback_is_refused_unless_allowed_and_the_checked_address_is_the_target() {
        let url = Url::parse("http://127.0.0.1:8123/hook").expect("url");
        let timeout = Duration::from_secs(2);
        assert_eq!(
            resolve(&url, false, timeout).await,
            Err(Refusal::NotPublic("127.0.0.1".parse().expect("ip")))
        );
        let target = resolve(&url, true, timeout).await.expect("allowed");
        assert_eq!(target, Target { domain: None, address: "127.0.0.1:8123".parse().expect("addr") });
        let named = Url::parse("http://localhost:8123/hook").expect("url");
        assert!(matches!(resolve(&named, false, timeout).await, Err(Refusal::NotPublic(_))));
    }
}
