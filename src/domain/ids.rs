//! Identifiers of the domain's records. Each kind of record has its own type, so a session's id
//! cannot be passed where a registration's is expected; all are UUID v7 text (time-ordered).

/// Defines an id type: made new by [`new`](Self::new), or read from outside (a path, a form)
/// by [`parse`](Self::parse), which accepts only the shape ids have.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().hyphenated().to_string())
            }

            /// The id written as `text`, when it has an id's shape (a hyphenated UUID); made-up
            /// paths are turned away before they reach the database.
            pub fn parse(text: &str) -> Option<Self> {
                let uuid = uuid::Uuid::try_parse(text).ok()?;
                Some(Self(uuid.hyphenated().to_string())).filter(|id| id.0 == text)
            }

            /// An id read back from the database (trusted: only ids are written there).
            pub fn from_stored(text: String) -> Self {
                Self(text)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        /// Read from a path or a form: only the shape of an id is accepted (actix answers a
        /// path that is not one with 404).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not an id"))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

id_type! {
    /// A webinar session.
    SessionId
}

id_type! {
    /// One person's registration for one session.
    RegistrationId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_shape_of_an_id_is_accepted() {
        let id = SessionId::new();
        assert_eq!(SessionId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(SessionId::parse("../etc/passwd"), None);
        assert_eq!(SessionId::parse(""), None);
        // Other spellings of the same UUID are not the stored text, so they name nothing.
        assert_eq!(SessionId::parse(&id.to_uppercase()), None);
        assert_eq!(SessionId::parse(&id.replace('-', "")), None);
    }

    #[test]
    fn new_ids_sort_by_time() {
        let first = RegistrationId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(RegistrationId::new() > first);
    }
}
