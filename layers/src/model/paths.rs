//! Field paths for `include` and `exclude`: FastAPI's nested sets, written as dotted paths.

use std::collections::HashMap;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Segment {
    Name(String),
    Index(usize),
    /// Every element of a sequence: FastAPI's `__all__`.
    All,
}

/// A trie of paths. A node is a leaf when a path ends there: the whole value is meant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PathNode {
    pub(crate) leaf: bool,
    children: HashMap<Segment, PathNode>,
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
                let seg = match part {
                    "*" | "__all__" => Segment::All,
                    p if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p
                        .parse()
                        .map_or_else(|_| Segment::Name(p.to_owned()), Segment::Index),
                    p => Segment::Name(p.to_owned()),
                };
                node = node.children.entry(seg).or_default();
            }
            node.leaf = true;
        }
        root
    }

    /// The node for a field.
    pub(crate) fn field(&self, name: &str) -> Option<&PathNode> {
        // One allocation-free lookup would need a borrowed key type; names are short.
        self.children.get(&Segment::Name(name.to_owned()))
    }

    /// The node for a sequence element: its index, else every element.
    pub(crate) fn element(&self, index: usize) -> Option<&PathNode> {
        self.children
            .get(&Segment::Index(index))
            .or_else(|| self.children.get(&Segment::All))
    }
}
