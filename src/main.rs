fn main() {
    println!("lstm-lab: the command line arrives with the experiments; see README.md");
}
