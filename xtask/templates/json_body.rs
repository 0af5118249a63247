/// How every operation decodes a JSON response body.
///
/// The body is checked for UTF-8 once and then parsed as text, which spares
/// serde_json a check of every string it reads. A list or map response whose
/// body is `null` or blank is empty: Go's `encoding/json`, which writes
/// Portainer's responses, encodes a nil slice or map as `null`.
pub mod json_body {
    use serde::de::DeserializeOwned;

    use super::{Error, ResponseValue};

    /// Decodes a JSON body as the generated operations do.
    ///
    /// ```
    /// use portainer_sdk_gen::json_body;
    ///
    /// let id: i64 = json_body::decode(b"7\n").expect("a number");
    /// assert_eq!(id, 7);
    /// assert!(json_body::decode::<i64>(b"null").is_err());
    /// ```
    pub fn decode<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
        serde_json::from_str(text(body)?)
    }

    /// Decodes a JSON list body as the generated operations do: `null` or a
    /// blank body is an empty list.
    ///
    /// ```
    /// use portainer_sdk_gen::json_body;
    ///
    /// let ids: Vec<i64> = json_body::decode_list(b"[1,2]").expect("a list");
    /// assert_eq!(ids, [1, 2]);
    /// assert!(json_body::decode_list::<i64>(b"null\n").expect("Go's nil slice").is_empty());
    /// assert!(json_body::decode_list::<i64>(b"").expect("no body").is_empty());
    /// ```
    pub fn decode_list<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<Vec<T>> {
        or_empty(body)
    }

    /// Decodes a JSON map body as the generated operations do: `null` or a
    /// blank body is an empty map.
    ///
    /// ```
    /// use portainer_sdk_gen::json_body;
    ///
    /// let labels: serde_json::Map<String, serde_json::Value> =
    ///     json_body::decode_map(b"null").expect("Go's nil map");
    /// assert!(labels.is_empty());
    /// ```
    pub fn decode_map<T: DeserializeOwned + Default>(body: &[u8]) -> serde_json::Result<T> {
        or_empty(body)
    }

    /// The body as text. JSON is UTF-8; a body that is not is refused with
    /// serde_json's error, which says where (read as a `Value`, which checks
    /// every string, so that no type's decoder is compiled a second time for
    /// bytes).
    fn text(body: &[u8]) -> serde_json::Result<&str> {
        std::str::from_utf8(body).or_else(|_| {
            serde_json::from_slice::<serde_json::Value>(body)?;
            // Unreachable: a `Value` is not read from bytes that are not UTF-8.
            Err(serde::de::Error::custom("the body is not UTF-8"))
        })
    }

    /// Whether a body is JSON whitespace only (a form feed is not), which
    /// Portainer sends for "nothing".
    ///
    /// ```
    /// use portainer_sdk_gen::json_body::is_blank;
    /// assert!(is_blank(b" \r\n"));
    /// assert!(!is_blank(b"\x0c"));
    /// ```
    pub fn is_blank(body: &[u8]) -> bool {
        body.iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// A blank body or `null` is empty; anything else decodes.
    fn or_empty<T: DeserializeOwned + Default>(body: &[u8]) -> serde_json::Result<T> {
        if is_blank(body) {
            return Ok(T::default());
        }
        serde_json::from_str::<Option<T>>(text(body)?).map(Option::unwrap_or_default)
    }

    /// A request an operation built, with the client to send it and the
    /// operation it is, or why it could not be built.
    pub(crate) type Prepared<'a, E> =
        Result<(&'a super::Client, reqwest::Request, super::OperationInfo), Error<E>>;

    /// Sends a prepared request and reads its [`answer`]: what every JSON
    /// operation's `send` awaits, written once for each answer type (the
    /// operation itself only builds its request, which takes no `await`).
    pub(crate) async fn call<T, E: DeserializeOwned>(
        prepared: Prepared<'_, E>,
        ok: &[u16],
        decode: fn(&[u8]) -> serde_json::Result<T>,
        errors: &[u16],
    ) -> Result<ResponseValue<T>, Error<E>> {
        let (client, request, info) = prepared?;
        let resp = client.run(request, &info).await?;
        answer(resp, ok, decode, errors).await
    }

    /// What an operation with a JSON answer does with its response: a
    /// status in `ok` decodes the body with `decode`, one in `errors` the
    /// error body, anything else is unexpected. Written once for each
    /// answer type rather than in every operation.
    pub(crate) async fn answer<T, E: DeserializeOwned>(
        resp: reqwest::Response,
        ok: &[u16],
        decode: fn(&[u8]) -> serde_json::Result<T>,
        errors: &[u16],
    ) -> Result<ResponseValue<T>, Error<E>> {
        let status = resp.status().as_u16();
        if ok.contains(&status) {
            response(resp, decode).await
        } else if errors.contains(&status) {
            Err(Error::ErrorResponse(response(resp, self::decode).await?))
        } else {
            Err(Error::UnexpectedResponse(resp))
        }
    }

    /// The `decode` of an operation whose success has no body: what came is
    /// read, and not decoded.
    pub(crate) fn no_body(_: &[u8]) -> serde_json::Result<()> {
        Ok(())
    }

    /// A JSON response of an operation, decoded by `decode`; the body
    /// stays in the error when it does not decode.
    pub(crate) async fn response<T, E>(
        response: reqwest::Response,
        decode: fn(&[u8]) -> serde_json::Result<T>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
        match decode(&body) {
            Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
            Err(e) => Err(Error::InvalidResponsePayload(body, e)),
        }
    }
}
