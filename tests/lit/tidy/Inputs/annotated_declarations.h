// Declarations annotated in a header; the definitions in the test files get the warnings.
#pragma once

[[picocache::cached]] int sum_through_header(const int* values, int count);
