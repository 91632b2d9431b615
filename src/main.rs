fn main() { println!("{}", mujun::VERSION); }
