// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-pointer-result' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

struct Node { int value; Node* next; };
struct Point { double x, y; };
struct Labelled { std::string name; std::vector<Point> points; };

[[picocache::cached]] int* find_slot(int key);
// CHECK: pointer-result.cpp:[[@LINE-1]]:28: warning: the result of cached function 'find_slot' is a pointer ('int *'): the cache would store an address, which points at nothing when the value is read back in a later call or another process [picocache-pointer-result]
// CHECK: pointer-result.cpp:[[@LINE-2]]:28: note: return the data by value

[[picocache::cached]] std::FILE* open_log(int day);
// CHECK: pointer-result.cpp:[[@LINE-1]]:34: warning: the result of cached function 'open_log' is a pointer ('std::FILE *')
// CHECK: pointer-result.cpp:[[@LINE-2]]:34: note: return the data by value

// Owning pointers are stored by the object they own: not reported (nor inside containers).
[[picocache::cached]] std::unique_ptr<Point> make_point(double x);
[[picocache::cached]] std::vector<std::shared_ptr<Point>> shared_points(int n);

// A non-owning smart pointer still is.
[[picocache::cached]] std::weak_ptr<Point> watch_point(int n);
// CHECK: pointer-result.cpp:[[@LINE-1]]:44: warning: the result of cached function 'watch_point' holds a pointer ('std::weak_ptr<Point>')
// CHECK: pointer-result.cpp:[[@LINE-2]]:44: note: return the data by value

// What an owning pointer owns is still looked into.
[[picocache::cached]] std::shared_ptr<Node> shared_node(int n);
// CHECK: pointer-result.cpp:[[@LINE-1]]:45: warning: the result of cached function 'shared_node' holds a pointer (field 'Node::next' of type 'Node *')
// CHECK: pointer-result.cpp:[[@LINE-2]]:45: note: return the data by value

[[picocache::cached]] std::map<int, std::optional<Node>> nodes(int n);
// CHECK: pointer-result.cpp:[[@LINE-1]]:58: warning: the result of cached function 'nodes' holds a pointer (field 'Node::next' of type 'Node *')
// CHECK: pointer-result.cpp:[[@LINE-2]]:58: note: return the data by value

[[picocache::cached]] const std::string& name_of(int id);
// CHECK: pointer-result.cpp:[[@LINE-1]]:42: warning: the result of cached function 'name_of' is a reference ('const std::string &')
// CHECK: pointer-result.cpp:[[@LINE-2]]:42: note: return the data by value

[[picocache::cached]] std::string_view prefix(const std::string& text) { return std::string_view(text).substr(0, 1); }
// CHECK: pointer-result.cpp:[[@LINE-1]]:40: warning: the result of cached function 'prefix' holds a view ('std::string_view'): a view refers to memory of the call that produced it, which is gone when the value is read back from the cache [picocache-pointer-result]
// CHECK: pointer-result.cpp:[[@LINE-2]]:40: note: return an owning type such as std::string or std::vector

[[picocache::cached]] std::function<int(int)> adder(int n) { return [n](int x) { return x + n; }; }
// CHECK: pointer-result.cpp:[[@LINE-1]]:47: warning: the result of cached function 'adder' holds a handle ('std::function<int (int)>'): a handle names a resource, not data the cache could store and read back [picocache-pointer-result]
// CHECK: pointer-result.cpp:[[@LINE-2]]:47: note: return the data itself by value

template <class T>
[[picocache::cached]] T* pick(T value);
// CHECK: pointer-result.cpp:[[@LINE-1]]:26: warning: the result of cached function 'pick' is a pointer ('T *')
// CHECK: pointer-result.cpp:[[@LINE-2]]:26: note: return the data by value

// Negative cases: data by value, recursive records, and functions without the annotation.
struct Tree { int value; std::vector<Tree> children; };
[[picocache::cached]] std::string label(int n);
[[picocache::cached]] std::vector<Labelled> shapes(int n);
[[picocache::cached]] std::tuple<int, std::string, std::optional<Point>> mixed(int n);
[[picocache::cached]] Tree tree(int depth);
[[picocache::cached]] std::map<std::string, std::vector<double>> table(int n);
template <class T> [[picocache::cached]] T identity(T value) { return value; }
int* not_cached(int key);
std::unique_ptr<Point> also_not_cached();

// Suppression.
[[picocache::cached]] Point* suppressed();  // NOLINT(picocache-pointer-result)
