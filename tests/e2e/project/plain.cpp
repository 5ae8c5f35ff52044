// No annotation here: compiled as it is, never rewritten.
int plain_answer() { return 42; }
