//! The agency a request is for, from its host: `{slug}.{base_domain}[:port]` is that agency's;
//! the bare base domain (and `localhost`, `127.0.0.1`) belongs to no agency and takes the tenant
//! from the bearer token instead.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use app::tenants::Tenant;

use crate::AppState;
use crate::error::ApiError;
use crate::locale::LocaleSlot;

/// The host a request came to, resolved. Set by [`resolve_tenant`] on every `/api` request.
#[derive(Debug, Clone)]
pub enum HostTenant {
    /// An agency's subdomain.
    Tenant(Box<Tenant>),
    /// The bare domain: API clients with a bearer token only.
    Bare,
}

impl HostTenant {
    pub fn tenant(&self) -> Option<&Tenant> {
        match self {
            HostTenant::Tenant(t) => Some(t),
            HostTenant::Bare => None,
        }
    }
}

/// How a host name relates to the base domain.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HostKind<'a> {
    Bare,
    Subdomain(&'a str),
    Foreign,
}

/// Strips the port (`dar.localhost:8080`, `[::1]:80`) and a trailing dot, in lower case.
fn host_name(raw: &str) -> String {
    let raw = raw.trim();
    let name = if let Some(rest) = raw.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        raw.rsplit_once(':').map_or(raw, |(h, _)| h)
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

pub(crate) fn classify<'a>(host: &'a str, base_domain: &str) -> HostKind<'a> {
    if host == base_domain || matches!(host, "localhost" | "127.0.0.1" | "::1") {
        return HostKind::Bare;
    }
    match host.strip_suffix(base_domain).and_then(|s| s.strip_suffix('.')) {
        Some(slug) if !slug.is_empty() && !slug.contains('.') => HostKind::Subdomain(slug),
        _ => HostKind::Foreign,
    }
}

fn request_host(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()))
}

/// Middleware: resolves the host to a [`HostTenant`]; an unknown subdomain or a foreign host is
/// 404 `tenant.not_found`.
pub async fn resolve_tenant(State(state): State<AppState>, mut req: Request, next: Next) -> Result<Response, ApiError> {
    let host = request_host(&req).map(|h| host_name(&h)).unwrap_or_default();
    let resolved = match classify(&host, &state.settings.base_domain) {
        HostKind::Bare => HostTenant::Bare,
        HostKind::Subdomain(slug) => HostTenant::Tenant(Box::new(state.app.tenants.by_slug(slug).await?)),
        HostKind::Foreign => return Err(ApiError::tenant_not_found()),
    };
    if let HostTenant::Tenant(t) = &resolved {
        tracing::Span::current().record("tenant_id", t.id.as_str());
        if let Some(slot) = req.extensions().get::<LocaleSlot>() {
            slot.set_tenant(t.default_locale);
        }
    }
    req.extensions_mut().insert(resolved);
    Ok(next.run(req).await)
}

impl<S: Send + Sync> FromRequestParts<S> for HostTenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<HostTenant>().cloned().unwrap_or(HostTenant::Bare))
    }
}

/// An agency's host is required (login): the bare host answers 404 `tenant.not_found`.
#[derive(Debug, Clone)]
pub struct AgencyHost(pub Tenant);

impl<S: Send + Sync> FromRequestParts<S> for AgencyHost {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<HostTenant>() {
            Some(HostTenant::Tenant(t)) => Ok(AgencyHost((**t).clone())),
            _ => Err(ApiError::tenant_not_found()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_name("Dar.Localhost:8080"), "dar.localhost");
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(classify("dar.localhost", "localhost"), HostKind::Subdomain("dar"));
        assert_eq!(classify("localhost", "localhost"), HostKind::Bare);
        assert_eq!(classify("127.0.0.1", "manzil.ae"), HostKind::Bare);
        assert_eq!(classify("manzil.ae", "manzil.ae"), HostKind::Bare);
        assert_eq!(classify("a.b.manzil.ae", "manzil.ae"), HostKind::Foreign);
        assert_eq!(classify("evilmanzil.ae", "manzil.ae"), HostKind::Foreign);
        assert_eq!(classify("dar.manzil.ae", "manzil.ae"), HostKind::Subdomain("dar"));
    }
}
