// A cached function whose definition or body comes from a macro: one error each, naming the
// macro, and nothing misleading before it (the parameters a macro expands at the annotation's
// position are not what the annotation appertains to).
//
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2> %t.err
// RUN: %FileCheck --input-file=%t.err %s
// RUN: test ! -e %t.cpp

#define DEFINE_PLUS_ONE(name) \
  int name(int y) { return y + 1; }
// CHECK: error_macro_body.cpp:[[@LINE+5]]:3: error: cached function 'plus_one' is defined through a macro
// CHECK-NEXT: {{.*}}DEFINE_PLUS_ONE
// CHECK-NEXT: {{ *}}^
// CHECK-NEXT: error_macro_body.cpp:[[@LINE-4]]:3: note: the macro defines it here
// CHECK: note: write the definition in the source file, not in a macro
[[picocache::cached]] DEFINE_PLUS_ONE(plus_one)

#define SQUARE_BODY { return x * x; }
// CHECK-NEXT: error_macro_body.cpp:[[@LINE+3]]:3: error: the body of cached function 'square' is written through a macro
// CHECK-NEXT: {{.*}}SQUARE_BODY
// CHECK: note: write the function's braces in the source file, not in a macro
[[picocache::cached]] int square(int x) SQUARE_BODY

// CHECK-NEXT: 2 errors generated.
// CHECK-NOT: cannot be applied
