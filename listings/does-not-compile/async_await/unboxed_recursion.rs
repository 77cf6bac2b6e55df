// Does not compile: E0733, recursion in an async fn requires boxing.
struct Node {
    value: u64,
    children: Vec<Node>,
}

async fn sum_tree(node: &Node) -> u64 {
    let mut total = node.value;
    for child in &node.children {
        total += sum_tree(child).await;
    }
    total
}

fn main() {
    let tree = Node { value: 1, children: Vec::new() };
    drop(sum_tree(&tree));
}
