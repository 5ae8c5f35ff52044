// A plain library the executable links with the plain target_link_libraries signature.
#include "sensor.hpp"

double to_celsius(double fahrenheit) { return (fahrenheit - 32.0) * 5.0 / 9.0; }
