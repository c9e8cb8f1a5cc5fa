//! Bringing records in from CSV files (issue 17, being built): reading the
//! file whatever its encoding and delimiter (`csv_in`), and which column
//! fills which field (`mapping`, from each kind's descriptor).

#[cfg(feature = "ssr")]
pub mod csv_in;
#[cfg(feature = "ssr")]
pub mod mapping;
