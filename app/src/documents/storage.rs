//! Where documents' files are kept: an [`ObjectStore`] — a folder of the
//! data directory by default, any S3-compatible store when configured (so
//! that several instances share the files, as they share the database).
//!
//! Files go in and out as streams: an upload is written in parts of
//! [`PART`] bytes while it arrives (counted and hashed on the way, and
//! abandoned as soon as it passes the limit), a download is read the same
//! way. The key of an object is made here, from the document's id, the
//! version and random bytes; nothing of the user's file name reaches it.

use super::content::{self, Utf8Check};
use axum::body::Bytes;
use futures::{Stream, StreamExt, stream::BoxStream};
use object_store::path::Path;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The size of the parts an upload is written in (S3's smallest part), so
/// at most about two of them are in memory per upload.
pub const PART: usize = 5 * 1024 * 1024;

/// Parts of one upload sent to the store at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Where the files are: chosen at start-up from the configuration.
#[derive(Debug, Clone)]
pub enum Location {
    /// A folder on this machine (`RELAIS_DATA_DIR/files`).
    Local(std::path::PathBuf),
    /// A bucket of an S3-compatible store.
    S3(S3Config),
    /// In memory: tests and the benchmark, which store no file.
    Memory,
}

/// `RELAIS_S3_*`.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// `https://…` (or `http://…`, which is then allowed): another store
    /// than AWS (MinIO, Garage, Scaleway, OVH…). None: AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    /// None: the AWS variables or the instance's role (the SDK's chain).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, not even in a debug log.
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The store of documents' files, and the size limit of one file.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    limit: u64,
}

/// Why a file was not stored. In every case nothing is left in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Larger than the limit.
    #[error("file larger than the limit")]
    TooLarge,
    /// No byte at all.
    #[error("empty file")]
    Empty,
    /// The request's body broke off (the client went away).
    #[error("upload interrupted")]
    Interrupted,
    /// The store refused or could not be reached.
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
}

/// A file stored: what the database keeps of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// The first [`content::HEAD`] bytes (fewer for a smaller file).
    pub head: Vec<u8>,
    /// Whether the whole file is valid UTF-8.
    pub utf8: bool,
}

impl Stored {
    /// The content type the server serves this file as.
    pub fn content_type(&self, file_name: &str) -> &'static str {
        content::decide(&self.head, file_name, self.utf8)
    }
}

/// An open file: its size and its bytes as they are read.
pub struct Opened {
    pub size: u64,
    pub bytes: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

impl Storage {
    /// The store at `location`; `limit` is the largest file taken, in bytes.
    pub fn new(location: &Location, limit: u64) -> Result<Self, object_store::Error> {
        let store: Arc<dyn ObjectStore> = match location {
            Location::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(e),
                })?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
            }
            Location::S3(s3) => {
                use object_store::aws::AmazonS3Builder;
                let mut b = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region);
                if let Some(endpoint) = &s3.endpoint {
                    // Plain HTTP only when the endpoint says so: a store on
                    // this machine or a private network.
                    b = b
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(id) = &s3.access_key_id {
                    b = b.with_access_key_id(id);
                }
                if let Some(secret) = &s3.secret_access_key {
                    b = b.with_secret_access_key(secret);
                }
                Arc::new(b.build()?)
            }
            Location::Memory => Arc::new(object_store::memory::InMemory::new()),
        };
        Ok(Storage { store, limit })
    }

    /// The largest file taken, in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The limit in whole megabytes (MiB), as messages say it.
    pub fn limit_mb(&self) -> u64 {
        self.limit.div_ceil(1024 * 1024)
    }

    /// The store itself (tests look into it).
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// A new key for a file of document `document_id`: server-made,
    /// unguessable, never reused. (Not the version's number: a
    /// replacement's is known only once its row is locked, after the file
    /// is stored.)
    pub fn new_key(document_id: i64) -> String {
        let random: [u8; 16] = rand::random();
        format!("documents/{document_id}/{}", hex::encode(random))
    }

    /// Writes `body` under `key` as it arrives, counting, hashing and
    /// checking it; refuses it (and leaves nothing behind) once it passes
    /// the limit, when it is empty, or when it breaks off.
    pub async fn put_stream<S, E>(&self, key: &str, mut body: S) -> Result<Stored, StoreError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let upload = self.store.put_multipart(&Path::from(key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut size: u64 = 0;
        let mut hash = Sha256::new();
        let mut utf8 = Utf8Check::default();
        let mut head = Vec::with_capacity(content::HEAD);
        let refused = loop {
            let chunk = match body.next().await {
                None => break None,
                Some(Err(_)) => break Some(StoreError::Interrupted),
                Some(Ok(chunk)) => chunk,
            };
            size += chunk.len() as u64;
            if size > self.limit {
                break Some(StoreError::TooLarge);
            }
            hash.update(&chunk);
            utf8.feed(&chunk);
            if head.len() < content::HEAD {
                let take = (content::HEAD - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                break Some(StoreError::Store(e));
            }
            writer.put(chunk);
        };
        let refused = refused.or((size == 0).then_some(StoreError::Empty));
        if let Some(why) = refused {
            if let Err(e) = writer.abort().await {
                tracing::warn!(error = %e, key, "could not abort a refused upload");
            }
            return Err(why);
        }
        // `finish` aborts the upload itself when it fails.
        writer.finish().await?;
        Ok(Stored {
            size,
            sha256: hex::encode(hash.finalize()),
            head,
            utf8: utf8.valid(),
        })
    }

    /// Opens the file under `key` for reading, as a stream.
    pub async fn open(&self, key: &str) -> Result<Opened, object_store::Error> {
        let got = self.store.get(&Path::from(key)).await?;
        Ok(Opened {
            size: got.meta.size,
            bytes: got.into_stream(),
        })
    }

    /// Removes the file under `key` (a file whose row could not be written).
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&Path::from(key)).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: Vec<Vec<u8>>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from(p))))
    }

    #[tokio::test]
    async fn a_file_goes_in_and_out_whole_and_a_large_one_not_at_all() {
        let dir = std::env::temp_dir().join(format!("relais-storage-{}", rand::random::<u64>()));
        let storage = Storage::new(&Location::Local(dir.clone()), 1000).unwrap();
        let key = Storage::new_key(1);
        assert!(key.starts_with("documents/1/") && key.len() == "documents/1/".len() + 32);
        let stored = storage
            .put_stream(&key, chunks(vec![b"%PDF-1.4 ".to_vec(), vec![b'x'; 500]]))
            .await
            .unwrap();
        assert_eq!(stored.size, 509);
        assert_eq!(stored.content_type("cv.pdf"), content::PDF);
        let mut expected = b"%PDF-1.4 ".to_vec();
        expected.extend(vec![b'x'; 500]);
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&expected)));
        let opened = storage.open(&key).await.unwrap();
        assert_eq!(opened.size, 509);
        let read: Vec<Bytes> = opened.bytes.map(|b| b.unwrap()).collect().await;
        assert_eq!(read.concat(), expected);

        let big = storage
            .put_stream(
                &Storage::new_key(2),
                chunks(vec![vec![0; 600], vec![0; 600]]),
            )
            .await;
        assert!(matches!(big, Err(StoreError::TooLarge)));
        let empty = storage
            .put_stream(&Storage::new_key(3), chunks(vec![]))
            .await;
        assert!(matches!(empty, Err(StoreError::Empty)));
        // Only the first file is there: nothing of the refused ones.
        let listed: Vec<_> = storage.store().list(None).collect().await;
        assert_eq!(listed.len(), 1);
        let mut files = 0;
        let mut dirs = vec![dir.clone()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    dirs.push(e.path());
                } else {
                    files += 1;
                }
            }
        }
        assert_eq!(files, 1, "no staging file left behind");
        storage.delete(&key).await.unwrap();
        storage.delete(&key).await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
