//! A page's data, loaded on the server, sent inside its HTML and read back
//! by the browser as it hydrates: leptos' `Resource`, with one change — its
//! JSON is read by the very code that reads a server function's answer.
//!
//! leptos' own `Resource::new` reads the HTML's copy with `serde_json::
//! from_str`, a server function's client reads its answer with
//! `serde_json::from_slice`: two readers, so every type a page loads had
//! its whole deserializer compiled twice into the wasm (the Desk's cards,
//! a record page's record, the lists' rows, the errors). [`resource`] reads
//! both through `from_slice`.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// The JSON codec of [`Data`]: written as leptos writes it, read as a
/// server function's answer is read.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A page's data: what [`resource`] makes. A blocking one (the page is not
/// sent before it has loaded) is `Data::new_with_options(source, fetcher,
/// true)`.
pub type Data<T> = Resource<T, Json>;

/// `Resource::new`, read with the server functions' reader (see the module).
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Data<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server writes into the page is read back the same, by the
    /// slice reader, with text beyond ASCII.
    #[test]
    fn the_page_data_is_read_back_as_written() {
        let data = (
            "Société Générale — Lyon".to_string(),
            vec![1i64, -2],
            Some(3.5f64),
        );
        let written = <Json as Encoder<_>>::encode(&data).unwrap();
        let read: (String, Vec<i64>, Option<f64>) = <Json as Decoder<_>>::decode(&written).unwrap();
        assert_eq!(read, data);
        assert!(<Json as Decoder<(String, Vec<i64>, Option<f64>)>>::decode("[1]").is_err());
    }
}
