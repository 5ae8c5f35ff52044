// picocache-impure-call.ImpureFunctions: the project's own impure functions, reported like the
// built-in ones (directly and one call down).
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-impure-call' -config="{CheckOptions: {picocache-impure-call.ImpureFunctions: 'app::now;app::read_sensor'}}" %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:
//
// Without the option nothing here is known to be impure.
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-impure-call' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --check-prefix=DEFAULT --allow-empty
// DEFAULT-NOT: warning:
//
// The check stores the option it read (storeOptions), so --dump-config shows it.
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-impure-call' -config="{CheckOptions: {picocache-impure-call.ImpureFunctions: 'app::now;app::read_sensor'}}" --dump-config %s -- | %FileCheck %s --check-prefix=CONFIG
// CONFIG: picocache-impure-call.ImpureFunctions: 'app::now;app::read_sensor'

namespace app {
long now();  // declared only: the check cannot see that it reads the clock
double read_sensor(int channel);
int scale(int n);
}  // namespace app
namespace other {
long now();
}

[[picocache::cached]] long stamp() { return app::now(); }
// CHECK: impure-call-options.cpp:[[@LINE-1]]:45: warning: call to 'app::now' is listed as impure: a cached result would keep what the first call got, and a hit skips the call [picocache-impure-call]
// CHECK: impure-call-options.cpp:[[@LINE-2]]:45: note: call it outside the cached function and pass what it returns in as a parameter

[[picocache::cached]] double level(int channel) { return app::read_sensor(channel) * app::scale(2); }
// CHECK: impure-call-options.cpp:[[@LINE-1]]:58: warning: call to 'app::read_sensor' is listed as impure
// CHECK: impure-call-options.cpp:[[@LINE-2]]:58: note: call it outside the cached function

// One call down, as for the built-in functions.
static double averaged(int channel) { return (app::read_sensor(channel) + 1.0) / 2; }
[[picocache::cached]] double smooth(int channel) { return averaged(channel); }
// CHECK: impure-call-options.cpp:[[@LINE-1]]:59: warning: call to 'averaged' calls a function listed as impure (it calls 'app::read_sensor'): a cached result would keep what the first call got, and a hit skips the call [picocache-impure-call]
// CHECK: impure-call-options.cpp:[[@LINE-3]]:47: note: call to 'app::read_sensor' here
// CHECK: impure-call-options.cpp:[[@LINE-3]]:59: note: call it outside the cached function

// Negative cases: a function of the same name elsewhere, unlisted functions, and functions
// without the annotation.
[[picocache::cached]] long elsewhere() { return other::now() + app::scale(1); }
long not_cached() { return app::now(); }
