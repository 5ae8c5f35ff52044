#pragma once
[[picocache::cached]] inline int tripled(int x) { return 3 * x; }
