//! Who is asking: the client's address as far as it can be trusted, and the key under which
//! its requests are counted by the rate limits.

use std::net::{IpAddr, Ipv6Addr};

use actix_web::HttpRequest;

use crate::config::Settings;

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address
/// in `X-Forwarded-For` that is not itself a trusted proxy. From anyone else the header is
/// ignored, so a client cannot choose its own address.
pub fn client_ip(req: &HttpRequest, settings: &Settings) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !settings.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    Some(forwarded.into_iter().rev().find(|ip| !settings.trusted_proxies.contains(ip)).unwrap_or(peer))
}

/// [`client_ip`] as text ("unknown" when the connection has no peer address).
pub fn client_address(req: &HttpRequest, settings: &Settings) -> String {
    client_ip(req, settings).map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The key under which this client's requests are counted for the limit named `limit`: its
/// IPv4 address, or the /64 network of its IPv6 address. One subscriber is given a whole /64
/// and may use any address in it, so counting single IPv6 addresses would count nothing.
pub fn rate_key(limit: &str, req: &HttpRequest, settings: &Settings) -> String {
    match client_ip(req, settings) {
        Some(ip) => format!("{limit}:{}", network(ip)),
        None => format!("{limit}:unknown"),
    }
}

/// An IPv4 address as it is (IPv4-mapped IPv6 included), an IPv6 address as its /64.
fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{}/64", Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{client_address, rate_key};
    use crate::config::{RawSettings, Settings};
    use actix_web::test::TestRequest;

    fn settings(proxies: Option<&str>) -> Settings {
        let dir = std::env::temp_dir();
        Settings::from_raw(RawSettings {
            data_dir: Some(dir.to_string_lossy().into_owned()),
            secret_key: Some("x".repeat(40)),
            trusted_proxies: proxies.map(str::to_owned),
            ..Default::default()
        })
        .expect("settings")
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let peer = "10.0.0.5:4000".parse().expect("addr");
        let forged = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_address(&forged, &settings(None)), "10.0.0.5", "ignored from anyone");
        let proxied = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.4"))
            .to_http_request();
        let trusted = settings(Some("10.0.0.5, 10.0.0.4"));
        assert_eq!(
            client_address(&proxied, &trusted),
            "203.0.113.7",
            "the nearest untrusted hop, not the spoofable first"
        );
        let garbage = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("x-forwarded-for", "nonsense"))
            .to_http_request();
        assert_eq!(client_address(&garbage, &trusted), "10.0.0.5");
    }

    #[test]
    fn rate_keys_group_ipv6_addresses_by_their_64_network() {
        let trusted = settings(Some("10.0.0.5"));
        let key = |forwarded: &str| {
            let req = TestRequest::default()
                .peer_addr("10.0.0.5:4000".parse().expect("addr"))
                .insert_header(("x-forwarded-for", forwarded))
                .to_http_request();
            rate_key("token", &req, &trusted)
        };
        assert_eq!(key("2001:db8:1:2::1"), "token:2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), key("2001:db8:1:2::1"), "one /64, one key");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"), "the next /64 is someone else");
        assert_eq!(key("203.0.113.7"), "token:203.0.113.7", "IPv4 addresses stay whole");
        assert_eq!(key("::ffff:203.0.113.7"), "token:203.0.113.7", "mapped IPv4 is IPv4");
    }
}
