//! Field paths for `include` and `exclude`: FastAPI's nested sets, written as dotted paths.

use std::collections::HashMap;

/// A trie of paths. A node is a leaf when a path ends there: the whole value is meant.
/// Fields, indices and "every element" (FastAPI's `__all__`) are kept apart, so a lookup by
/// field name borrows the name instead of building a key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PathNode {
    pub(crate) leaf: bool,
    fields: HashMap<String, PathNode>,
    indices: HashMap<usize, PathNode>,
    all: Option<Box<PathNode>>,
}

impl PathNode {
    /// Parses paths such as `"owner.password"`, `"items.*.tax"`, `"items.0"`.
    pub(crate) fn from_paths<I, P>(paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let mut root = PathNode::default();
        for path in paths {
            let mut node = &mut root;
            for part in path.as_ref().split('.') {
                let index = (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| part.parse::<usize>().ok())
                    .flatten();
                node = match (part, index) {
                    ("*" | "__all__", _) => node.all.get_or_insert_with(Box::default),
                    (_, Some(i)) => node.indices.entry(i).or_default(),
                    (p, None) => node.fields.entry(p.to_owned()).or_default(),
                };
            }
            node.leaf = true;
        }
        root
    }

    /// The node for a field.
    pub(crate) fn field(&self, name: &str) -> Option<&PathNode> {
        self.fields.get(name)
    }

    /// The node for a sequence element: its index, else every element.
    pub(crate) fn element(&self, index: usize) -> Option<&PathNode> {
        self.indices.get(&index).or(self.all.as_deref())
    }
}
