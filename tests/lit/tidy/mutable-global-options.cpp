// picocache-mutable-global.IgnoredVariables: variables the project accepts in cached functions.
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-mutable-global' -config="{CheckOptions: {picocache-mutable-global.IgnoredVariables: 'stats::misses; ::log_level'}}" %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-mutable-global' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --check-prefix=DEFAULT
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-mutable-global' -config="{CheckOptions: {picocache-mutable-global.IgnoredVariables: 'stats::misses'}}" --dump-config %s -- | %FileCheck %s --check-prefix=CONFIG
// CONFIG: picocache-mutable-global.IgnoredVariables: 'stats::misses'

namespace stats { long misses = 0; }
int log_level = 0;
int scale = 2;

[[picocache::cached]] int scaled(int n) {
  ++stats::misses;  // counts misses, on purpose
  // DEFAULT: mutable-global-options.cpp:[[@LINE-1]]:12: warning: global variable 'misses' is written by a cached function
  if (log_level > 1) n += 0;
  // DEFAULT: mutable-global-options.cpp:[[@LINE-1]]:7: warning: global variable 'log_level' is mutable and read by a cached function
  return n * scale;
  // CHECK: mutable-global-options.cpp:[[@LINE-1]]:14: warning: global variable 'scale' is mutable and read by a cached function: the cached result would not follow its changes [picocache-mutable-global]
  // CHECK: mutable-global-options.cpp:[[@LINE-2]]:14: note: pass its value in as a parameter, or make it const
  // DEFAULT: mutable-global-options.cpp:[[@LINE-3]]:14: warning: global variable 'scale' is mutable
}
