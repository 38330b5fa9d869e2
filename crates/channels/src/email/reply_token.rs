//! Plus-address routing: `reply+{token}@{domain}` in To/Cc names the conversation a reply belongs to.

/// Extracts `{token}` from an address of the form `{prefix}{token}@{domain}` (e.g. prefix `reply+`).
///
/// The prefix is matched case-insensitively, the token is returned as written, and it must be non-empty and made of
/// ASCII letters, digits, `-`, `_` or `.` (a UUID or an opaque id), so a stray `reply+@x` or a quoted local part
/// never yields a token. A display-name form (`Name <reply+…>`) is not accepted: pass the bare address.
pub fn reply_token<'a>(address: &'a str, prefix: &str) -> Option<&'a str> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    if domain.is_empty() || prefix.is_empty() || local.len() <= prefix.len() {
        return None;
    }
    let (head, token) = local.split_at_checked(prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::reply_token;

    #[test]
    fn extracts_the_token() {
        let uuid = "3f2a9c1e-7b4d-4e8a-9f01-2c3d4e5f6a7b";
        assert_eq!(reply_token(&format!("reply+{uuid}@inbox.manzil.example"), "reply+"), Some(uuid));
        assert_eq!(reply_token("Reply+ABC_1@x.example", "reply+"), Some("ABC_1"));
    }

    #[test]
    fn refuses_other_shapes() {
        for address in
            ["reply+@x.example", "reply@x.example", "sales@x.example", "reply+abc", "reply+a b@x", "reply+abc@"]
        {
            assert_eq!(reply_token(address, "reply+"), None, "{address}");
        }
        assert_eq!(reply_token("replyé+abc@x.example", "reply+"), None);
    }
}
