// Async recursion needs a box: an async fn's future contains the futures of
// the calls it awaits, so a future that contains itself would be infinitely
// large. Boxing the recursive call puts it behind a pointer of fixed size.

// ANCHOR: boxed
/// A tree of numbers, as a directory tree or a comment thread might be.
pub struct Node {
    pub value: u64,
    pub children: Vec<Node>,
}

/// Sums a tree. `Box::pin` gives each recursive call's future a home on the
/// heap, so `sum_tree`'s own future has a known size.
pub async fn sum_tree(node: &Node) -> u64 {
    let mut total = node.value;
    for child in &node.children {
        total += Box::pin(sum_tree(child)).await;
    }
    total
}
// ANCHOR_END: boxed

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: u64) -> Node {
        Node {
            value,
            children: Vec::new(),
        }
    }

    #[tokio::test]
    async fn sums_every_level() {
        let tree = Node {
            value: 1,
            children: vec![
                leaf(2),
                Node {
                    value: 3,
                    children: vec![leaf(4), leaf(5)],
                },
            ],
        };
        assert_eq!(sum_tree(&tree).await, 15);
    }

    #[tokio::test]
    async fn a_deep_tree_does_not_overflow_a_fixed_size() {
        let mut tree = leaf(1);
        for _ in 0..1_000 {
            tree = Node {
                value: 1,
                children: vec![tree],
            };
        }
        assert_eq!(sum_tree(&tree).await, 1_001);
    }
}
