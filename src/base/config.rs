//! Configs are checked once, into a type that can run (linfa's `ParamGuard` pattern).
//!
//! A config (`FitConfig`, `KerasAdamConfig`, a tutorial's `AlphabetConfig`, ...) is a plain builder:
//! outside the crate its fields are read through getters and set through `with_*` methods, and
//! any values are accepted while it is being built. [`ParamGuard::check`] then tests every rule
//! the values must keep and, if all hold, wraps the config in [`Checked`]: the form that
//! `Learner::fit` and a tutorial's inherent `run` take. The entry points that take a config
//! unchecked check it first (`Tutorial::run` checks a copy, `KerasAdamConfig::init` itself), so no
//! unchecked config trains. A `Checked` config cannot be changed (it derefs to the config for
//! its getters, never mutably), so what ran is what was checked.
//!
//! ```
//! use lstm_lab::{config::ParamGuard, train::FitConfig};
//!
//! let fit = FitConfig::new(500, 1).with_shuffle(false).check().unwrap();
//! assert_eq!(fit.epochs(), 500);
//! let err = FitConfig::new(500, 0).check().unwrap_err();
//! assert_eq!(err.to_string(), "invalid batch_size: must be at least 1");
//! ```

use crate::error::Result;
use std::ops::Deref;

/// A config whose values can be checked once into a [`Checked`] one.
pub trait ParamGuard: Sized {
    /// Tests every rule the values must keep; the first broken one is an error naming its
    /// field ([`Error::Invalid`](crate::Error::Invalid)).
    fn validate(&self) -> Result<()>;

    /// The config, checked: `Err` naming the first broken rule.
    fn check(self) -> Result<Checked<Self>> {
        self.validate()?;
        Ok(Checked(self))
    }
}

/// A config that passed [`ParamGuard::check`]; only `check` makes one. It reads like the
/// config it wraps (`Deref`) and cannot be changed: to run other values, take it apart with
/// [`Checked::into_inner`], change them and check again.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T>(T);

impl<T> Checked<T> {
    /// The config again, unchecked, to build on.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Checked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Declares a config struct whose fields are private to the crate, with a public getter and a
/// public `with_*` builder for each (every field is `Copy`). The field's doc comment documents
/// both.
///
/// ```text
/// config_struct! {
///     /// Doc of the struct.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct FitConfig {
///         /// Passes over the data.
///         epochs / with_epochs: usize,
///     }
/// }
/// ```
macro_rules! config_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[doc = $doc:literal])* $field:ident / $with:ident : $ty:ty,)+
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[doc = $doc])* pub(crate) $field: $ty,)+
        }

        impl $name {
            $(
                $(#[doc = $doc])*
                pub fn $field(&self) -> $ty {
                    self.$field
                }

                #[doc = concat!(
                    "Sets `", stringify!($field), "` (see [`", stringify!($name), "::",
                    stringify!($field), "`])."
                )]
                pub fn $with(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )+
        }
    };
}

pub(crate) use config_struct;
