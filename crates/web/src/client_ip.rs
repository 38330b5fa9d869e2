//! The client's address for rate limits and logs: the TCP peer, unless the peer is a configured
//! reverse proxy — then the nearest address in `X-Forwarded-For` that is not one of our proxies.
//!
//! Only proxies the operator lists are believed: anyone can send `X-Forwarded-For`, so trusting
//! it from an unlisted peer would let a client pick the address its failed logins count against.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// The reverse proxies whose `X-Forwarded-For` is believed (`server.trusted_proxies`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.7`, `::1`) and networks (`10.0.0.0/8`); the error names the
    /// first entry that is neither.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<TrustedProxies, String> {
        entries
            .iter()
            .map(|e| {
                let e = e.as_ref().trim();
                e.parse::<IpNet>().or_else(|_| e.parse::<IpAddr>().map(IpNet::from)).map_err(|_| e.to_owned())
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: walks `X-Forwarded-For` (every header line, comma lists) from
    /// the nearest hop outwards while the hops are our proxies; the first other address is the
    /// client. An unparsable hop stops the walk at the last address known good.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.into_iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = ip.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The client's address (see the module docs); `None` when the connection has no peer address
/// (in-process calls).
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(peer.map(|peer| state.settings.trusted_proxies.client(peer, &parts.headers).to_string())))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        assert_eq!(proxies.client(ip("203.0.113.9"), &xff(&["198.51.100.1"])), ip("203.0.113.9"));
        assert_eq!(TrustedProxies::default().client(ip("127.0.0.1"), &xff(&["1.2.3.4"])), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.7"]).unwrap();
        // A client-supplied first entry is ignored: the client is what our first proxy saw.
        let h = xff(&["6.6.6.6, 198.51.100.1", "192.0.2.7"]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("198.51.100.1"));
        // Only proxies in the chain: the outermost one.
        assert_eq!(proxies.client(ip("10.1.2.3"), &xff(&["10.9.9.9"])), ip("10.9.9.9"));
        // No header: the proxy itself.
        assert_eq!(proxies.client(ip("10.1.2.3"), &HeaderMap::new()), ip("10.1.2.3"));
        // Garbage stops the walk at the last good address.
        assert_eq!(proxies.client(ip("10.1.2.3"), &xff(&["1.1.1.1, nonsense"])), ip("10.1.2.3"));
        // IPv4-mapped IPv6 peers count as their IPv4 address.
        assert_eq!(proxies.client(ip("::ffff:10.1.2.3"), &xff(&["198.51.100.2"])), ip("198.51.100.2"));
    }

    #[test]
    fn entries_are_addresses_or_networks() {
        assert!(TrustedProxies::parse(&["127.0.0.1", "::1", "fd00::/8"]).is_ok());
        assert_eq!(TrustedProxies::parse(&["10.0.0.0/33"]), Err("10.0.0.0/33".to_owned()));
    }
}
